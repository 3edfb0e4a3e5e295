-- ASPEC activities with what every Task / Event / Note needs: the keys of its Deal, Account and
-- Contact when the export has them, whether each is in Zoho or waits in the queue (read at
-- load time), the owner, and the original time on the source's clock.
select
  a.*,
  case when a.opportunity_known then 'opportunities:' || a.opportunity_id end as deal_key,
  case when a.account_company_id is not null then 'companies:' || a.account_company_id end as account_key,
  case when a.contact_known then 'contacts:' || a.contact_id end as contact_key,
  sd.state                                                     as deal_state,
  sa.state                                                     as account_state,
  sc.state                                                     as contact_state,
  o.email                                                      as owner_email,
  coalesce(o.user_name, a.owner_raw)                           as owner_name,
  to_char(a.occurred_local, case when a.has_time then 'YYYY-MM-DD HH24:MI' else 'YYYY-MM-DD' end) as local_time,
  concat_ws(E'\n',
    case when a.contact_id is not null and not a.contact_known then format('ASPEC contact %s is not in the export.', a.contact_id) end,
    case when a.opportunity_id is not null and not a.opportunity_known then format('ASPEC opportunity %s is not in the export.', a.opportunity_id) end,
    case when a.company_id is not null and not a.company_known then format('ASPEC company %s is not in the export.', a.company_id) end) as missing_note,
  -- nothing the activity names exists in the export: it has nowhere to go in Zoho
  not (a.opportunity_known or a.account_company_id is not null or a.contact_known) as orphan,
  -- a parent that waits in the reconciliation queue (archived owner...) holds its activities
  case when 'waiting' in (sd.state, sa.state, sc.state)
       then 'WAITING_FOR_PARENT: ' || concat_ws(', ',
              case when sd.state = 'waiting' then 'opportunities:' || a.opportunity_id end,
              case when sa.state = 'waiting' then 'companies:' || a.account_company_id end,
              case when sc.state = 'waiting' then 'contacts:' || a.contact_id end) || ' waits in the reconciliation queue' end as waiting_reason
from stg_aspec.activities a
left join stg_aspec.owner_refs o on o.owner_raw = a.owner_raw
left join aspec_to_zoho.record_state sd on sd.source_key = 'opportunities:' || a.opportunity_id and a.opportunity_known
left join aspec_to_zoho.record_state sa on sa.source_key = 'companies:' || a.account_company_id
left join aspec_to_zoho.record_state sc on sc.source_key = 'contacts:' || a.contact_id and a.contact_known
