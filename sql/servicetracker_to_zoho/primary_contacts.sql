-- materialized: table
-- The Contact each client's Primary Contact Email resolves to: a contact of the same client
-- with that email first, then any contact with it; ties go to the lowest Contact ID.
select distinct on (c.client_id)
  c.client_id,
  k.contact_id
from stg_servicetracker.clients c
join stg_servicetracker.contacts k on k.email = c.primary_contact_email
where c.primary_contact_email_valid
order by c.client_id, (k.client_id = c.client_id) desc nulls last, length(k.contact_id), k.contact_id
