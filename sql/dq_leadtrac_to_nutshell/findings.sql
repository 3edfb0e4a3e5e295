-- Findings about the LeadTrac -> Nutshell mapping, one row per finding.
select 'unmapped_value' as category, 'warning' as severity, 'leads' as object, 'leads:' || l.lead_id as source_key, 'Status' as field, l.status as value,
       'status not in maps/lead_status.csv: no Nutshell stage or outcome (kept in LeadTrac Status); add it to the map' as message
from stg_leadtrac.leads l
left join leadtrac_to_nutshell.map_lead_status m on lower(btrim(m.leadtrac_status)) = lower(l.status)
where l.status is not null and m.leadtrac_status is null
union all
select 'unmapped_value', 'info', 'leads', 'leads:' || l.lead_id, 'Source', l.source,
       'source not in maps/lead_source.csv: created in Nutshell as exported'
from stg_leadtrac.leads l
left join leadtrac_to_nutshell.map_lead_source m on lower(btrim(m.leadtrac_source)) = lower(l.source)
where l.source is not null and m.leadtrac_source is null
union all
select 'owner_without_user', 'warning', 'users', u.email, 'Owner Email', u.email,
       'no active Nutshell user with this email: its records wait in the queue (or go to the fallback owner); invite the user and re-run users'
from leadtrac_to_nutshell.users u
join etl.user_map m on m.pipeline = 'leadtrac-to-nutshell' and m.source_email = u.email
where m.dest_user_id is null
union all
select 'missing_parent', 'warning', 'activities', 'activities:' || ap.activity_id, 'Lead ID / Person ID / Company ID', array_to_string(ap.missing, ', '),
       case when ap.shown_under is null then 'no parent in the export: queued' else 'linked to the parents that exist only' end
from leadtrac_to_nutshell.activity_parents ap where cardinality(ap.missing) > 0
union all
select 'multi_parent', 'info', 'activities', 'activities:' || ap.activity_id, 'parents', ap.parents_text,
       'several parents: linked to each (notes: to the most specific, the others named in the text)'
from leadtrac_to_nutshell.activity_parents ap
where (ap.lead_id is not null)::int + (ap.person_id is not null)::int + (ap.company_id is not null)::int > 1
union all
select 'deep_hierarchy', 'info', 'companies', 'accounts:' || t.company_id, 'Parent Company ID', t.parent_company_id,
       'a parent at depth ' || t.depth || ': loaded with the other mid-level parents, in Company ID order'
from stg_leadtrac.company_tree t where t.has_children and t.depth >= 2
