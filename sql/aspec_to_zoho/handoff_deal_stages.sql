-- Hand-off: the Deal stages for the Zoho admin, in ASPEC's pipeline order, with the probability
-- each stage carries. `setup` adds every stage to the Stage picklist before deals load; Zoho's
-- API cannot set a stage's order, probability or forecast category: the admin sets them in
-- Setup > Customization > Pipelines from this list.
select
  d.zoho_stage                                                 as "Zoho Stage",
  min(d.sort_order)                                            as "Order",
  (array_agg(d.probability order by d.sort_order nulls last))[1] as "Probability (%)",
  case when d.zoho_stage = 'Closed Won' then 'Closed'
       when d.zoho_stage like 'Closed Lost%' then 'Omitted'
       when d.zoho_stage ilike '%hold%' then 'Upside'
       else 'Pipeline' end                                     as "Forecast Category",
  string_agg(d.aspec_stage, ', ' order by d.sort_order nulls last) as "ASPEC Stage(s)",
  bool_and(d.mapped)                                           as "In maps/deal_stage.csv",
  bool_or(d.in_pipeline)                                       as "In pipeline_stages.csv",
  (select count(*) from stg_aspec.opportunities o where o.stage_key = any(array_agg(d.stage_key))) as "Deals"
from aspec_to_zoho.deal_stages d
group by d.zoho_stage
order by min(d.sort_order) nulls last, d.zoho_stage
