-- materialized: table
-- ASPEC's pipeline (pipeline_stages.csv): stage names, their order and probability (percent).
with ranked as (
  select s.*, row_number() over (partition by lower(lib.squish(stage)) order by _line desc) as rn
  from raw_aspec.pipeline_stages s
  where lib.squish(stage) is not null
)
select
  lib.squish(s.stage)                                          as stage,
  lower(lib.squish(s.stage))                                   as stage_key,
  lib.squish(s."order")                                        as order_raw,
  case when btrim(s."order") ~ '^\d{1,6}$' then btrim(s."order")::int end as sort_order,
  lib.squish(s.probability)                                    as probability_raw,
  lib.parse_probability(s.probability)                         as probability,
  s._file, s._line
from ranked s
where rn = 1
