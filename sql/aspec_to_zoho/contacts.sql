-- Zoho Contacts, one per ASPEC contact (seed 004 "Contact -> Contacts"): names, email, phone,
-- mailing address, owner, tags, and the Account lookup (the company's Account, merged variants
-- resolved). An invalid email is not sent (Description keeps it); a company the export does not
-- have leaves Account_Name empty (dq_aspec.orphan_references). A contact whose Account waits
-- in the reconciliation queue waits with it.
select
  'contacts:' || k.contact_id                                  as source_key,
  k.salutation                                                 as "Salutation",
  -- Zoho Contacts have no middle-name or suffix field: a middle name stays with the given
  -- names, a suffix with the surname, so nothing written is lost
  nullif(concat_ws(' ', k.first_name, k.middle_name), '')      as "First_Name",
  -- Last_Name is mandatory in Zoho: a contact with no name keeps its email's name or its id
  coalesce(nullif(concat_ws(' ', k.last_name, k.suffix), ''), k.first_name, split_part(k.email, '@', 1), 'Contact ' || k.contact_id) as "Last_Name",
  case when k.email_valid then k.email end                     as "Email",
  -- E.164 when the number parses (in the source's phone country when written without one), else as written
  coalesce(k.phone_e164, k.phone_raw)                          as "Phone",
  k.street                                                     as "Mailing_Street",
  k.city                                                       as "Mailing_City",
  k.province                                                   as "Mailing_State",
  k.postal_code                                                as "Mailing_Zip",
  k.country                                                    as "Mailing_Country",
  case when k.account_company_id is not null then 'companies:' || k.account_company_id end as "Account_Name",
  o.email                                                      as "Owner",
  t.zoho_tags                                                  as "Tag",
  nullif(concat_ws(E'\n',
    case when k.email_raw is not null and not k.email_valid then 'ASPEC email (not a valid address): ' || k.email_raw end,
    'ASPEC tags over Zoho''s tag limits: ' || t.overflow,
    'ASPEC ' || cu.untyped), '')                               as "Description",
  k.contact_id                                                 as "ASPEC_Contact_ID",
  -- custom fields typed in custom_values (a value that does not type is kept in Description)
  -- (an Account that waits in the queue holds the contact: the load's parent rule, engine/load/parents.ts)
  coalesce(cu.payload, '{}'::jsonb)                            as _custom
from stg_aspec.contacts k
left join stg_aspec.owner_refs o on o.owner_raw = k.owner_raw
left join aspec_to_zoho.record_tags t on t.object = 'contacts' and t.record_id = k.contact_id
left join aspec_to_zoho.custom_payload cu on cu.object = 'contacts' and cu.record_id = k.contact_id
