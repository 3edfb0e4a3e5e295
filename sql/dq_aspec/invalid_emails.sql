-- Contact emails that are not deliverable addresses: the contact loads without Email (the text
-- is kept in its Description).
select 'invalid_email'::text as category, 'warning'::text as severity, 'contacts'::text as object,
       contact_id as source_key, 'Email'::text as field, email_raw as value,
       'not a valid email address; the contact loads without Email and the text is kept in Description' as message
from stg_aspec.contacts
where email_raw is not null and not email_valid
