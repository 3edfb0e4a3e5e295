-- materialized: table
-- unique_key: activity_id
-- The parents each activity names, checked against the export (docs/sources.md, activities with several parents:
-- several parents is attached to every parent the destination can link, and shown under the
-- most specific one: lead, then person, then company). A named parent that is not in the export
-- is dropped from the links (dq finding); with none left the activity is queued, or rejected
-- when a parent it names was rejected at extract.
select
  a.activity_id,
  case when l.lead_id is not null then a.lead_id end     as lead_id,
  case when p.person_id is not null then a.person_id end as person_id,
  case when c.company_id is not null then a.company_id end as company_id,
  array_remove(array[case when a.lead_id is not null and l.lead_id is null then 'lead ' || a.lead_id end,
                     case when a.person_id is not null and p.person_id is null then 'person ' || a.person_id end,
                     case when a.company_id is not null and c.company_id is null then 'company ' || a.company_id end], null) as missing,
  -- the same, with why each is missing (rejected at extract, or not in the export: lib.parent_missing)
  array_remove(array[case when a.lead_id is not null and l.lead_id is null then lib.parent_missing('leadtrac', 'leads', a.lead_id, 'lead') end,
                     case when a.person_id is not null and p.person_id is null then lib.parent_missing('leadtrac', 'people', a.person_id, 'person') end,
                     case when a.company_id is not null and c.company_id is null then lib.parent_missing('leadtrac', 'companies', a.company_id, 'company') end], null) as missing_why,
  -- whether a named parent that is missing was rejected at extract: with no parent left, the
  -- activity is then rejected with that reason rather than queued (the queue contract)
  (a.lead_id is not null and l.lead_id is null and lib.parent_rejected_at_extract('leadtrac', 'leads', a.lead_id))
    or (a.person_id is not null and p.person_id is null and lib.parent_rejected_at_extract('leadtrac', 'people', a.person_id))
    or (a.company_id is not null and c.company_id is null and lib.parent_rejected_at_extract('leadtrac', 'companies', a.company_id)) as parent_rejected,
  case when l.lead_id is not null then 'leads:' || a.lead_id
       when p.person_id is not null then 'contacts:' || a.person_id
       when c.company_id is not null then 'accounts:' || a.company_id end as shown_under,
  concat_ws(', ',
    case when l.lead_id is not null then 'lead ' || coalesce(l.lead_name, a.lead_id) || ' (' || a.lead_id || ')' end,
    case when p.person_id is not null then 'person ' || coalesce(p.display_name, a.person_id) || ' (' || a.person_id || ')' end,
    case when c.company_id is not null then 'company ' || c.name || ' (' || a.company_id || ')' end) as parents_text
from stg_leadtrac.activities a
left join stg_leadtrac.leads l on l.lead_id = a.lead_id
left join stg_leadtrac.people p on p.person_id = a.person_id
left join stg_leadtrac.companies c on c.company_id = a.company_id
