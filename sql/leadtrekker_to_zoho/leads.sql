-- Zoho CRM Leads, one row per Leadtrekker lead (seed 000, "Lead -> Lead").
select
  'leads:' || l.lead_id                                   as source_key,
  l.first_name                                            as "First_Name",
  coalesce(l.last_name, '(unknown)')                      as "Last_Name",
  case when l.email_valid then l.email end                as "Email",
  l.phone                                                 as "Phone",
  l.mobile                                                as "Mobile",
  l.company                                               as "Company",
  coalesce(m.zoho_lead_status, l.status)                  as "Lead_Status",
  l.source                                                as "Lead_Source",
  -- the Leadtrekker label, kept as it was (seed: ltk_original_status__c)
  l.status                                                as "LTK_Original_Status",
  -- Created_Time is read-only in Zoho: the original creation time goes to a custom field
  lib.zoho_datetime(l.created_at)                         as "LTK_Created_Time",
  l.owner                                                 as "Owner"
from stg_leadtrekker.leads l
left join leadtrekker_to_zoho.map_lead_status m on lower(m.leadtrekker_status) = lower(l.status)
