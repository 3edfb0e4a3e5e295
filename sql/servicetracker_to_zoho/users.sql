-- Everyone whose email may be a Zoho user. ServiceTracker exports no user list: technicians
-- (they own their work orders, visits and tasks) and contacts whose email is on one of the
-- technicians' domains, i.e. the service company's own staff listed as a client contact
-- (docs/sources.md, ownership: a contact is owned by the Zoho user with its email). Customers' addresses are
-- left out: they are never Zoho users of this org and would only clutter the match report.
select t.email, t.name, t.active, 'technician' as kind
from stg_servicetracker.technicians t
where t.email_valid
union
select c.email, nullif(concat_ws(' ', c.first_name, c.middle_name, c.last_name, c.suffix), ''), null::boolean, 'contact'
from stg_servicetracker.contacts c
where c.email_valid
  and split_part(c.email, '@', 2) in (select split_part(t.email, '@', 2) from stg_servicetracker.technicians t where t.email_valid)
  and not exists (select 1 from stg_servicetracker.technicians t where t.email = c.email)
