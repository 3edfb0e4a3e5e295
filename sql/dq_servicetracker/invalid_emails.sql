-- Email values that are not deliverable addresses; the record loads without the email.
select 'invalid_email'::text as category, 'warning'::text as severity, 'contacts'::text as object,
       'contacts:' || contact_id as source_key, 'Email'::text as field, email_raw as value,
       'not a valid email address; contact loads without Email'::text as message
from stg_servicetracker.contacts where email_raw is not null and not email_valid
union all
select 'invalid_email', 'warning', 'clients', 'clients:' || client_id, 'Primary Contact Email', primary_contact_email_raw,
       'not a valid email address; the account gets no primary contact'
from stg_servicetracker.clients where primary_contact_email_raw is not null and not primary_contact_email_valid
union all
select 'invalid_email', 'warning', 'technicians', 'technicians:' || technician_id, 'Email', coalesce(email_raw, ''),
       case when email_raw is null then 'technician has no email: cannot be matched to a Zoho user' else 'not a valid email address' end
from stg_servicetracker.technicians where not email_valid
