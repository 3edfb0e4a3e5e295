-- Zoho Contacts for ServiceTracker contacts (seed 002, "Contact -> Contact"). Owner: the Zoho
-- user whose email is the contact's (docs/sources.md, ownership), else the fallback owner.
select
  'contacts:' || k.contact_id                         as source_key,
  k.salutation                                        as "Salutation",
  -- Zoho Contacts have no middle-name or suffix field: a middle name stays with the given
  -- names, a suffix with the surname, so nothing written is lost
  nullif(concat_ws(' ', k.first_name, k.middle_name), '') as "First_Name",
  -- Last_Name is mandatory in Zoho: a contact with no name keeps its email or its id
  coalesce(nullif(concat_ws(' ', k.last_name, k.suffix), ''), k.first_name, split_part(k.email, '@', 1), 'Contact ' || k.contact_id) as "Last_Name",
  case when k.email_valid then k.email end            as "Email",
  k.phone                                             as "Phone",
  k.mobile                                            as "Mobile",
  k.title                                             as "Title",
  k.street                                            as "Mailing_Street",
  k.city                                              as "Mailing_City",
  k.state                                             as "Mailing_State",
  k.zip                                               as "Mailing_Zip",
  'clients:' || k.account_client_id                   as "Account_Name",
  false                                               as "Technician_Flag",
  k.contact_id                                        as "ST_Contact_ID",
  'ServiceTracker ' || cu.untyped                     as "Description",
  o.email                                             as "Owner",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom"
from stg_servicetracker.contacts k
left join servicetracker_to_zoho.owners o on o.email = k.email and k.email_valid
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'contacts' and cu.record_id = k.contact_id
