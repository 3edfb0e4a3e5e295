-- Names lib.person_name could not read with confidence, and contacts with no name at all.
select 'uncertain_name'::text as category, 'warning'::text as severity, 'contacts'::text as object,
       contact_id as source_key, 'First Name / Last Name'::text as field,
       concat_ws(' | ', first_name_raw, last_name_raw) as value,
       case when first_name_raw is null and last_name_raw is null
            then 'no name in ASPEC; Last_Name (mandatory) is taken from the email or the id'
            else 'name is uncertain (' || name_uncertain || '); check First_Name / Last_Name' end as message
from stg_aspec.contacts
where name_uncertain is not null or (first_name_raw is null and last_name_raw is null)
