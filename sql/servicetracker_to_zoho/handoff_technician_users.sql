-- Hand-off: technicians who need a Zoho user account (seed 002: Contacts do not become Users).
-- Their Contact and work are owned by the fallback owner until a user exists; create the user
-- with this email, then re-run `load` to hand their records over.
select
  t.technician_id                                     as "Technician ID",
  t.name                                              as "Name",
  t.email                                             as "Email",
  t.territory                                         as "Territory",
  t.active                                            as "Active in ServiceTracker",
  case when not t.active then 'inactive in ServiceTracker: no user needed unless they return; records stay with the fallback owner'
       when t.email is null then 'no email in ServiceTracker: add one, then create the Zoho user'
       when not t.email_valid then 'email is not valid: correct it, then create the Zoho user'
       else 'create a Zoho user with this email' end   as "Action",
  (select count(*) from stg_servicetracker.work_orders w where w.technician_id = t.technician_id) as "Work Orders"
from stg_servicetracker.technicians t
where not exists (select 1 from servicetracker_to_zoho.owners o where o.email = t.email)
order by t.technician_id
