-- Every LeadTrac source the leads use and the Nutshell source it becomes (created by name before
-- the lead is written: newSource is get-or-create).
select
  l.source                                               as leadtrac_source,
  coalesce(m.nutshell_source, l.source)                  as nutshell_source,
  count(*)                                               as leads,
  case when m.leadtrac_source is null then 'not in maps/lead_source.csv: created in Nutshell as exported' else 'mapped' end as how
from stg_leadtrac.leads l
left join leadtrac_to_nutshell.map_lead_source m on lower(btrim(m.leadtrac_source)) = lower(l.source)
where l.source is not null
group by 1, 2, 4
