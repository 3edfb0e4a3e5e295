-- Hand-off: ServiceTracker customer portal logins. Zoho CRM has no equivalent (seed 002):
-- the people migrate as Contacts; portal access is re-provisioned by an admin
-- (handoff_admin_checklist). Passwords are not exported and never migrate.
select
  p.username                                          as "Username",
  coalesce(p.email, k.email)                          as "Email",
  nullif(concat_ws(' ', k.first_name, k.middle_name), '') as "First Name",
  nullif(concat_ws(' ', k.last_name, k.suffix), '')   as "Last Name",
  c.client_name                                       as "Account",
  p.contact_id                                        as "ServiceTracker Contact ID",
  case when p.contact_exists then 'contacts:' || p.contact_id end as "Contact source_key",
  -- in the time zone the export's times are read in, which the value names
  to_char(p.last_login at time zone cv.timezone, 'YYYY-MM-DD HH24:MI') || ' ' || cv.timezone as "Last Login",
  case when not p.contact_exists then 'no matching contact: invite by email or skip'
       when not (case when p.email is not null then p.email_valid else k.email_valid end) then 'no valid email: find one before inviting'
       else 'invite to the Zoho portal' end            as "Action"
from stg_servicetracker.portal_users p
cross join stg_servicetracker.conventions cv
left join stg_servicetracker.contacts k on k.contact_id = p.contact_id
left join stg_servicetracker.clients c on c.client_id = k.client_id
order by p.username
