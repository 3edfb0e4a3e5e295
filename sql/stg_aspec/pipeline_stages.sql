-- unique_key: stage_key
-- ASPEC's pipeline (pipeline_stages.csv): stage names, their order and probability (a percent:
-- 10, 20%, 0.4), one row per stage however it is cased (the export's last row wins).
with ranked as (
  select s.*, row_number() over (partition by lower(lib.squish(s.stage)) order by s._line desc) as rn
  from raw_aspec.pipeline_stages s
  where lib.squish(s.stage) is not null
)
select
  lib.squish(s.stage)                                          as stage,
  lower(lib.squish(s.stage))                                   as stage_key,
  lib.squish(s."order")                                        as order_raw,
  case when btrim(s."order") ~ '^\d{1,6}$' then btrim(s."order")::int end as sort_order,
  lib.squish(s.probability)                                    as probability_raw,
  lib.parse_percent(s.probability, cv.decimal_separator)       as probability,
  s._file, s._line
from ranked s
cross join stg_aspec.conventions cv
where s.rn = 1
