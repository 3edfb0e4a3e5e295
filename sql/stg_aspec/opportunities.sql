-- materialized: table
-- ASPEC opportunities, typed; one row per Opportunity ID. Value: money in CAD as ASPEC writes
-- it ('12 500,00 $', '$1,200.50', 'CAD 5000'); a bare '$' is CAD (the source's currency); a
-- written other currency ('US$') is kept in `currency`; 'TBD' parses to nothing (a finding).
-- Expected Close day-first; probability as a percent (80, 80%, 0.8).
with ranked as (
  select o.*, row_number() over (partition by btrim(opportunity_id) order by _line desc) as rn
  from raw_aspec.opportunities o
  where btrim(coalesce(opportunity_id, '')) <> ''
)
select
  btrim(o.opportunity_id)                                      as opportunity_id,
  lib.squish(o.name)                                           as name,
  nullif(btrim(o.company_id), '')                              as company_id,
  nullif(btrim(o.contact_id), '')                              as contact_id,
  lib.squish(o.value)                                          as value_raw,
  lib.parse_money(o.value)                                     as amount,
  case when lib.squish(o.value) is null then null
       else coalesce(lib.money_currency(o.value), 'CAD') end   as currency,
  lib.squish(o.stage)                                          as stage,
  lower(lib.squish(o.stage))                                   as stage_key,
  lib.squish(o.expected_close)                                 as expected_close_raw,
  lib.parse_date(o.expected_close, true)                       as expected_close,
  lib.squish(o.owner_id)                                       as owner_raw,
  lib.squish(o.probability)                                    as probability_raw,
  lib.parse_probability(o.probability)                         as probability,
  o.tags                                                       as tags_raw,
  (select coalesce(jsonb_object_agg(v.col, v.value) filter (where v.value is not null), '{}'::jsonb)
     from stg_aspec.custom_values v where v.object = 'opportunities' and v.record_id = btrim(o.opportunity_id) and v._line = o._line) as custom,
  o._file, o._line
from ranked o
where rn = 1
