-- Hand-off: ServiceTracker customer portal logins. Zoho CRM has no equivalent (seed 002):
-- the people migrate as Contacts; portal access is re-provisioned by an admin
-- (handoff_admin_checklist). Passwords are not exported and never migrate.
select
  p.username                                          as "Username",
  coalesce(p.email, k.email)                          as "Email",
  k.first_name                                        as "First Name",
  k.last_name                                         as "Last Name",
  c.client_name                                       as "Account",
  p.contact_id                                        as "ServiceTracker Contact ID",
  case when k.contact_id is not null then 'contacts:' || k.contact_id end as "Contact source_key",
  to_char(p.last_login at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as "Last Login (UTC)",
  case when k.contact_id is null then 'no matching contact: invite by email or skip'
       when not coalesce(lib.is_valid_email(coalesce(p.email, k.email)), false) then 'no valid email: find one before inviting'
       else 'invite to the Zoho portal' end            as "Action"
from stg_servicetracker.portal_users p
left join stg_servicetracker.contacts k on k.contact_id = p.contact_id
left join stg_servicetracker.clients c on c.client_id = k.client_id
order by p.username
