-- unique_key: opportunity_id
-- indexes: account_company_id; contact_id; stage_key
-- ASPEC opportunities, typed once by the source's conventions; one row per Opportunity ID (the
-- export's last row wins, `id_rows` counts repeats). Value: money as ASPEC writes it
-- ('12 500,00 $', '$1,200.50', 'CAD 5000'); an amount that names no currency (a bare '$') is in
-- the source's currency; a written other currency ('US$') is kept in `currency`; 'TBD' parses to
-- nothing (a finding). Probability as a percent (80, 80%, 0.8). The account: the opportunity's
-- company's, else (no company given) its contact's.
with ranked as (
  select o.*,
         row_number() over (partition by btrim(o.opportunity_id) order by o._line desc) as rn,
         count(*) over (partition by btrim(o.opportunity_id))                          as id_rows,
         raw_aspec.opportunities_custom(o)                                              as custom
  from raw_aspec.opportunities o
  where btrim(o.opportunity_id) <> ''
)
select
  btrim(o.opportunity_id)                                      as opportunity_id,
  lib.squish(o.name)                                           as name,
  nullif(btrim(o.company_id), '')                              as company_id,
  co.company_id is not null                                    as company_known,
  nullif(btrim(o.contact_id), '')                              as contact_id,
  k.contact_id is not null                                     as contact_known,
  case when nullif(btrim(o.company_id), '') is not null then co.account_company_id
       else k.account_company_id end                           as account_company_id,
  lib.squish(o.value)                                          as value_raw,
  lib.parse_money(o.value, cv.decimal_separator)               as amount,
  case when lib.squish(o.value) is not null
       then coalesce(lib.money_currency(o.value), cv.currency) end as currency,
  lib.squish(o.stage)                                          as stage,
  lower(lib.squish(o.stage))                                   as stage_key,
  lib.squish(o.expected_close)                                 as expected_close_raw,
  d.expected_close,
  -- why Expected Close is not a date (null when it is, or is empty)
  case when d.expected_close is null then lib.date_issue(o.expected_close, cv.day_first) end as expected_close_issue,
  lib.squish(o.owner_id)                                       as owner_raw,
  lib.squish(o.probability)                                    as probability_raw,
  lib.parse_percent(o.probability, cv.decimal_separator)       as probability,
  o.tags                                                       as tags_raw,
  o.custom,
  o.id_rows,
  o._file, o._line
from ranked o
cross join stg_aspec.conventions cv
cross join lateral (select lib.parse_date(o.expected_close, cv.day_first) as expected_close offset 0) d  -- parsed once
left join stg_aspec.companies co on co.company_id = btrim(o.company_id)
left join stg_aspec.contacts k on k.contact_id = btrim(o.contact_id)
where o.rn = 1
