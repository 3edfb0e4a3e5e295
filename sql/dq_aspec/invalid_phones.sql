-- Phones that do not read as a number (letters, too few digits): sent as written.
select 'invalid_phone'::text as category, 'info'::text as severity, 'contacts'::text as object,
       contact_id as source_key, 'Phone'::text as field, phone_raw as value,
       'not a readable phone number; loaded as written' as message
from stg_aspec.contacts
where phone_raw is not null and phone_e164 is null
