-- Every LeadTrac status the leads use and where it lands. Nutshell's lead status is fixed
-- (open / won / lost / cancelled) and stages cannot be created through the API: mapped statuses
-- become a stage or an outcome; every status is also kept as a choice of the Decision field
-- "LeadTrac Status" (created by setup). The admin may add stages for the custom statuses.
select
  coalesce(m.leadtrac_status, l.status)                  as leadtrac_status,
  count(*)                                               as leads,
  coalesce('stage ' || m.nutshell_milestone, 'outcome ' || m.nutshell_outcome, 'no stage (lead stays open at the pipeline entry)') as nutshell,
  case when m.leadtrac_status is null
       then 'add a row to maps/lead_status.csv (or create a stage named like it in Nutshell Setup > Pipelines, then map it)'
       else 'none: kept in the LeadTrac Status field too' end as action
from stg_leadtrac.leads l
left join leadtrac_to_nutshell.map_lead_status m on lower(btrim(m.leadtrac_status)) = lower(l.status)
where l.status is not null
group by 1, 3, 4
