-- Zoho Contacts for ServiceTracker contacts (seed 002, "Contact -> Contact"). Owner: the Zoho
-- user whose email is the contact's (EXPORTS.md), else the fallback owner.
select
  'contacts:' || k.contact_id                         as source_key,
  k.salutation                                        as "Salutation",
  k.first_name                                        as "First_Name",
  -- Last_Name is mandatory in Zoho: a contact with no name keeps its email or its id
  coalesce(k.last_name, k.first_name, split_part(k.email, '@', 1), 'Contact ' || k.contact_id) as "Last_Name",
  case when k.email_valid then k.email end            as "Email",
  k.phone                                             as "Phone",
  k.mobile                                            as "Mobile",
  k.title                                             as "Title",
  k.street                                            as "Mailing_Street",
  k.city                                              as "Mailing_City",
  k.state                                             as "Mailing_State",
  k.zip                                               as "Mailing_Zip",
  'clients:' || c.account_client_id                   as "Account_Name",
  false                                               as "Technician_Flag",
  k.contact_id                                        as "ST_Contact_ID",
  o.email                                             as "Owner"
from stg_servicetracker.contacts k
left join stg_servicetracker.clients c on c.client_id = k.client_id
left join servicetracker_to_zoho.owners o on o.email = k.email and k.email_valid
