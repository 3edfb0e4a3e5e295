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
select 'multi_parent', 'info', 'activities', 'activities:' || ap.activity_id, 'Lead ID / Person ID / Company ID', ap.parents_text,
       'several parents: linked to each (notes: to the most specific, the others named in the text)'
from leadtrac_to_nutshell.activity_parents ap
where (ap.lead_id is not null)::int + (ap.person_id is not null)::int + (ap.company_id is not null)::int > 1
union all
select 'deep_hierarchy', 'info', 'companies', 'accounts:' || t.company_id, 'Parent Company ID', t.parent_company_id,
       'a parent at depth ' || t.depth || ': loaded with the other mid-level parents, in Company ID order'
from stg_leadtrac.company_tree t where t.has_children and t.depth >= 2
union all
select 'invalid_custom_value', 'warning', v.object,
       case v.object when 'leads' then 'leads:' when 'people' then 'contacts:' when 'companies' then 'accounts:' else v.object || ':' end || v.record_id,
       v.header, v.raw,
       format('%s %s: %s; %s left empty, the text kept in %s (%s line %s)', v.module, v.field, v.issue, v.field,
              case v.module when 'Leads' then 'the field LeadTrac Details' else 'the description' end, v._file, v._line)
from leadtrac_to_nutshell.custom_values v
where v.value is null
union all
select 'unmapped_value', 'info', v.object,
       case v.object when 'leads' then 'leads:' when 'people' then 'contacts:' when 'companies' then 'accounts:' else v.object || ':' end || v.record_id,
       v.header, v.raw,
       'not one of the options custom_fields.csv defines for ' || v.header || ': kept as written, a choice of the Nutshell field ' || v.field
from leadtrac_to_nutshell.custom_values v
where v.option_matched = false
union all
-- the type LeadTrac defines for a column against the type the mapping in use gives its field
select 'custom_type_differs', 'info', d.file, m.module || '.' || m.field, d.field, m.field_type,
       'custom_fields.csv defines ' || d.field || ' as ' || d.type || ', the custom-field mapping types it as ' || m.field_type
       || ': values are read as ' || m.field_type || '; check the mapping'
from leadtrac_to_nutshell.map_custom_fields m
join stg_leadtrac.custom_fields d on d.file = m.object and lib.header_key(d.field) = lib.header_key(m.source_header)
where lib.parse_bool(m.confirmed) and m.field is not null
  and not (case d.type
             when 'date' then lower(m.field_type) in ('date', 'datetime')
             when 'number' then lower(m.field_type) in ('integer', 'bigint', 'number', 'double', 'decimal', 'currency', 'percent')
             when 'picklist' then lower(m.field_type) in ('picklist', 'multiselectpicklist')
             else true end)
