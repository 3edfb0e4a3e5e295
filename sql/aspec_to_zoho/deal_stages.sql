-- materialized: table
-- Each Zoho Deal stage the migration uses, from ASPEC's pipeline (pipeline_stages.csv) through
-- maps/deal_stage.csv, plus stages deals use that the map does not name (kept under their own
-- name, reported as unmapped_stage). Order and probability: the ASPEC stage's (the first in
-- pipeline order when several ASPEC stages land on one Zoho stage).
with aspec_stages as (
  select s.stage, s.stage_key, s.sort_order, s.probability, true as in_pipeline from stg_aspec.pipeline_stages s
  union all
  select min(o.stage), o.stage_key, null::int, null::numeric, false
  from stg_aspec.opportunities o
  where o.stage_key is not null and not exists (select 1 from stg_aspec.pipeline_stages s where s.stage_key = o.stage_key)
  group by o.stage_key
)
select
  a.stage                                                      as aspec_stage,
  a.stage_key,
  coalesce(m.zoho_stage, a.stage)                              as zoho_stage,
  m.zoho_stage is not null                                     as mapped,
  a.in_pipeline,
  a.sort_order,
  a.probability
from aspec_stages a
left join aspec_to_zoho.map_deal_stage m on lower(btrim(m.aspec_stage)) = a.stage_key
