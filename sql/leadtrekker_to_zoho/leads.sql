-- Zoho CRM Leads, one row per Leadtrekker lead (seed 000, "Lead -> Lead").
select
  'leads:' || l.lead_id                                   as source_key,
  l.salutation                                            as "Salutation",
  -- Zoho Leads have no middle-name or suffix field: middle names stay with the given names,
  -- a suffix with the surname, so nothing written is lost
  nullif(concat_ws(' ', l.first_name, l.middle_name), '') as "First_Name",
  nullif(concat_ws(' ', l.last_name, l.suffix), '')      as "Last_Name",
  -- duplicate emails load as they are (Zoho Leads do not enforce unique email); dq lists them
  case when l.email_valid then l.email end                as "Email",
  -- E.164 when the number parses (in the source's phone country when written without one), else as written
  coalesce(l.phone_e164, l.phone)                         as "Phone",
  coalesce(l.mobile_e164, l.mobile)                       as "Mobile",
  -- Zoho requires Company on Leads (layout-mandatory in the standard layout, reference 5.1): a
  -- lead without one is a private person, so it takes the person's name, as Zoho suggests for
  -- B2C leads (converting it makes an account named after them); with no name either,
  -- "[Not provided]". Every fill is a finding (dq: mandatory_filled).
  coalesce(l.company, nullif(concat_ws(' ', l.first_name, l.middle_name, l.last_name), ''), '[Not provided]') as "Company",
  -- mapped when Zoho has an equivalent; else the Leadtrekker label (picklist extended in setup)
  coalesce(ms.zoho_lead_status, l.status)                 as "Lead_Status",
  coalesce(mo.zoho_lead_source, l.source)                 as "Lead_Source",
  -- seed: ltk_original_status__c -> Zoho custom field LTK_Original_Status
  l.status                                                as "LTK_Original_Status",
  st.probability                                          as "LTK_Status_Probability",
  -- Created_Time is read-only in Zoho: the original creation time goes to a custom field
  lib.zoho_datetime(l.created_at)                         as "LTK_Created_Time",
  l.lead_id                                               as "LTK_Lead_ID",
  -- what the export holds that no field takes as written stays readable in the description
  nullif(concat_ws(E'\n',
    case when l.email_raw is not null and not l.email_valid
         then 'Leadtrekker email (not a valid address, not loaded as Email): ' || l.email_raw end,
    'Leadtrekker ' || cu.untyped), '')                    as "Description",
  -- owner: an email, a user's name resolved to their email, or the value as written (queued)
  coalesce(l.owner_email, lower(l.owner_raw))             as "Owner",
  -- custom fields typed in custom_values (a value that does not type, such as a budget of
  -- TBD, is left out of its field and kept in Description, as a finding)
  coalesce(cu.payload, '{}'::jsonb)                       as "_custom",
  case when l.last_name is null
       then 'MISSING_LAST_NAME: lead ' || l.lead_id || ' has no name; Last_Name is mandatory in Zoho' end as "_reject_reason",
  -- where the record is in the export, for findings
  l._file                                                 as "_file",
  l._line                                                 as "_line"
from stg_leadtrekker.leads l
left join leadtrekker_to_zoho.map_lead_status ms on lower(ms.leadtrekker_status) = lower(l.status)
left join leadtrekker_to_zoho.map_lead_source mo on lower(mo.leadtrekker_source) = lower(l.source)
left join stg_leadtrekker.statuses st on st.status_key = lower(l.status)
left join leadtrekker_to_zoho.custom_payload cu on cu.object = 'leads' and cu.record_id = l.lead_id
