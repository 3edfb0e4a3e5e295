-- Zoho Deals, one per ASPEC opportunity (seed 004 "Opportunity -> Deals"): name, Amount in CAD
-- with Amount_Currency stating it, Stage through maps/deal_stage.csv (ASPEC's own label kept in
-- ASPEC_Stage), Closing_Date from Expected Close, Probability (the opportunity's, else its
-- stage's), Account and Contact lookups, owner, tags. Zoho requires Closing_Date: a deal
-- without a readable Expected Close waits in the queue for a person to give one.
select
  'opportunities:' || o.opportunity_id                         as source_key,
  coalesce(o.name, 'Opportunity ' || o.opportunity_id)         as "Deal_Name",
  o.amount                                                     as "Amount",
  case when o.amount is not null then o.currency end           as "Amount_Currency",
  coalesce(s.zoho_stage, o.stage, 'Qualification')             as "Stage",
  o.stage                                                      as "ASPEC_Stage",
  to_char(o.expected_close, 'YYYY-MM-DD')                      as "Closing_Date",
  coalesce(o.probability, s.probability)                       as "Probability",
  case when o.company_id is not null and co.company_id is not null then 'companies:' || co.account_company_id
       when o.company_id is null and k.account_company_id is not null then 'companies:' || k.account_company_id end as "Account_Name",
  case when k.contact_id is not null then 'contacts:' || k.contact_id end as "Contact_Name",
  ow.email                                                     as "Owner",
  t.zoho_tags                                                  as "Tag",
  nullif(concat_ws(E'\n',
    case when o.value_raw is not null and o.amount is null then 'ASPEC value (not a number): ' || o.value_raw end,
    case when o.amount is not null and o.currency <> 'CAD' then format('ASPEC value %s is in %s, not CAD', o.value_raw, o.currency) end,
    'ASPEC tags over Zoho''s tag limits: ' || t.overflow), '') as "Description",
  o.opportunity_id                                             as "ASPEC_Opportunity_ID",
  o.custom                                                     as _custom,
  case
    when o.expected_close is null
      then format('NO_CLOSE_DATE: Zoho requires Closing_Date and Expected Close is %s; give the opportunity a date in ASPEC (or here) and re-run',
                  coalesce('"' || o.expected_close_raw || '" (not a date)', 'empty'))
    when sa.state = 'waiting' then format('WAITING_FOR_PARENT: its Account companies:%s waits in the reconciliation queue', co_acc.account_company_id)
    when sk.state = 'waiting' then format('WAITING_FOR_PARENT: its Contact contacts:%s waits in the reconciliation queue', k.contact_id)
  end                                                          as _queue_reason
from stg_aspec.opportunities o
left join aspec_to_zoho.deal_stages s on s.stage_key = o.stage_key
left join stg_aspec.companies co on co.company_id = o.company_id
left join stg_aspec.contacts k on k.contact_id = o.contact_id
left join lateral (select coalesce(co.account_company_id, case when o.company_id is null then k.account_company_id end) as account_company_id) co_acc on true
left join stg_aspec.owner_refs ow on ow.owner_raw = o.owner_raw
left join aspec_to_zoho.record_tags t on t.object = 'opportunities' and t.record_id = o.opportunity_id
left join aspec_to_zoho.record_state sa on sa.source_key = 'companies:' || co_acc.account_company_id
left join aspec_to_zoho.record_state sk on sk.source_key = 'contacts:' || k.contact_id
