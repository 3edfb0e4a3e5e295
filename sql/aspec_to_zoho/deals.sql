-- Zoho Deals, one per ASPEC opportunity (seed 004 "Opportunity -> Deals"): name, Amount in the
-- source's currency with Amount_Currency stating it, Stage through maps/deal_stage.csv (ASPEC's
-- own label kept in ASPEC_Stage), Closing_Date from Expected Close, Probability (the
-- opportunity's, else its stage's), Account and Contact lookups, owner, tags. Zoho requires
-- Closing_Date: a deal without a readable Expected Close waits in the queue for a person to
-- give one.
select
  'opportunities:' || o.opportunity_id                         as source_key,
  coalesce(o.name, 'Opportunity ' || o.opportunity_id)         as "Deal_Name",
  o.amount                                                     as "Amount",
  case when o.amount is not null then o.currency end           as "Amount_Currency",
  coalesce(s.zoho_stage, o.stage, 'Qualification')             as "Stage",
  o.stage                                                      as "ASPEC_Stage",
  to_char(o.expected_close, 'YYYY-MM-DD')                      as "Closing_Date",
  coalesce(o.probability, s.probability)                       as "Probability",
  case when o.account_company_id is not null then 'companies:' || o.account_company_id end as "Account_Name",
  case when o.contact_known then 'contacts:' || o.contact_id end as "Contact_Name",
  ow.email                                                     as "Owner",
  t.zoho_tags                                                  as "Tag",
  nullif(concat_ws(E'\n',
    case when o.value_raw is not null and o.amount is null then 'ASPEC value (not a number): ' || o.value_raw end,
    case when o.amount is not null and o.currency <> cv.currency then format('ASPEC value %s is in %s, not %s', o.value_raw, o.currency, cv.currency) end,
    'ASPEC tags over Zoho''s tag limits: ' || t.overflow,
    'ASPEC ' || cu.untyped), '')                               as "Description",
  o.opportunity_id                                             as "ASPEC_Opportunity_ID",
  -- custom fields typed in custom_values (a value that does not type is kept in Description)
  coalesce(cu.payload, '{}'::jsonb)                            as _custom,
  case
    when o.expected_close is null
      then format('NO_CLOSE_DATE: Zoho requires Closing_Date and Expected Close is %s; give the opportunity a date in ASPEC (or here) and re-run',
                  coalesce('"' || o.expected_close_raw || '" (' || coalesce(o.expected_close_issue, 'not a date') || ')', 'empty'))
  end                                                          as _queue_reason
from stg_aspec.opportunities o
cross join stg_aspec.conventions cv
left join aspec_to_zoho.deal_stages s on s.stage_key = o.stage_key
left join stg_aspec.owner_refs ow on ow.owner_raw = o.owner_raw
left join aspec_to_zoho.record_tags t on t.object = 'opportunities' and t.record_id = o.opportunity_id
left join aspec_to_zoho.custom_payload cu on cu.object = 'opportunities' and cu.record_id = o.opportunity_id
