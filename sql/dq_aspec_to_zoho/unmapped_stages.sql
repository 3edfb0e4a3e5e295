-- Opportunity stages maps/deal_stage.csv does not name: the deal loads with the stage under its
-- own ASPEC name (added to the Stage picklist by setup). Add a row to the map to send it to
-- another Zoho stage.
select 'unmapped_stage'::text as category, 'warning'::text as severity, 'opportunities'::text as object,
       o.opportunity_id as source_key, 'Stage'::text as field, o.stage as value,
       format('stage "%s" is not in maps/deal_stage.csv%s; loaded as Zoho stage "%s"', o.stage,
              case when s.in_pipeline then '' else ' nor in pipeline_stages.csv' end, s.zoho_stage) as message
from stg_aspec.opportunities o
join aspec_to_zoho.deal_stages s on s.stage_key = o.stage_key
where not s.mapped
