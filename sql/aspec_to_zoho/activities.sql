-- ASPEC activities with what every Task / Event / Note needs: the keys of its Deal, Account and
-- Contact when the export has them, the owner, and the original time on the source's clock. A
-- parent that waits in the queue holds the activity: the load's parent rule (engine/load/parents.ts).
select
  a.*,
  case when a.opportunity_known then 'opportunities:' || a.opportunity_id end as deal_key,
  case when a.account_company_id is not null then 'companies:' || a.account_company_id end as account_key,
  case when a.contact_known then 'contacts:' || a.contact_id end as contact_key,
  o.email                                                      as owner_email,
  coalesce(o.user_name, a.owner_raw)                           as owner_name,
  to_char(a.occurred_local, case when a.has_time then 'YYYY-MM-DD HH24:MI' else 'YYYY-MM-DD' end) as local_time,
  concat_ws(E'\n',
    case when a.contact_id is not null and not a.contact_known then 'ASPEC ' || lib.parent_missing('aspec', 'contacts', a.contact_id, 'contact') || '.' end,
    case when a.opportunity_id is not null and not a.opportunity_known then 'ASPEC ' || lib.parent_missing('aspec', 'opportunities', a.opportunity_id, 'opportunity') || '.' end,
    case when a.company_id is not null and not a.company_known then 'ASPEC ' || lib.parent_missing('aspec', 'companies', a.company_id, 'company') || '.' end) as missing_note,
  -- nothing the activity names exists in the export: it has nowhere to go in Zoho
  not (a.opportunity_known or a.account_company_id is not null or a.contact_known) as orphan
from stg_aspec.activities a
left join stg_aspec.owner_refs o on o.owner_raw = a.owner_raw
