-- Everyone whose email may be a Zoho user: technicians (they own their work orders, visits
-- and tasks) and contacts (EXPORTS.md: a contact is owned by the Zoho user with its email).
-- ServiceTracker exports no user list, so unmatched contact emails are expected: customers.
select t.email, t.name, t.active, 'technician' as kind
from stg_servicetracker.technicians t
where t.email_valid
union
select c.email, concat_ws(' ', c.first_name, c.last_name), null::boolean, 'contact'
from stg_servicetracker.contacts c
where c.email_valid
  and not exists (select 1 from stg_servicetracker.technicians t where t.email = c.email)
