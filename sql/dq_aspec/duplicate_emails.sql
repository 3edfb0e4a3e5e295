-- Contacts sharing one email (a shared mailbox, or the same person twice). Both load: Zoho
-- Contacts do not enforce a unique email; a person may merge them in Zoho.
select 'duplicate_email'::text as category, 'warning'::text as severity, 'contacts'::text as object,
       k.contact_id as source_key, 'Email'::text as field, k.email as value,
       format('%s contacts share this email (%s); both load, merge in Zoho if they are one person',
              count(*) over (partition by k.email), string_agg(k.contact_id, ', ') over (partition by k.email)) as message
from stg_aspec.contacts k
where k.email_valid and k.email in (select email from stg_aspec.contacts where email_valid group by email having count(*) > 1)
