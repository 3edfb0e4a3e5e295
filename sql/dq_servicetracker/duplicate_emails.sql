-- Contacts sharing one email: owner resolution and Zoho duplicate checks see them as one person.
select 'duplicate'::text as category, 'warning'::text as severity, 'contacts'::text as object,
       'contacts:' || k.contact_id as source_key, 'Email'::text as field, k.email as value,
       format('email shared by %s contacts (%s)', d.n, d.ids) as message
from stg_servicetracker.contacts k
join (select email, count(*) as n, string_agg(contact_id, ', ' order by contact_id) as ids
        from stg_servicetracker.contacts where email_valid group by email having count(*) > 1) d on d.email = k.email
