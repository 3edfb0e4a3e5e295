-- Findings specific to loading Leadtrekker into Nutshell, one row per finding. The company
-- findings are listed before people are imported (transform/report run before load).
select 'missing_company' as category, 'info' as severity, 'leads' as object, 'leads:' || lp.lead_id as source_key,
       'Company' as field, lp.company_placeholder as value,
       case when lp.company_placeholder is not null
            then 'company "' || lp.company_placeholder || '" is a placeholder (maps/company_placeholder.csv): no company is created or linked'
            else 'lead has no company: the person is created without a company link' end as message
from leadtrekker_to_nutshell.lead_people lp
where lp.company_key is null
union all
select 'ambiguous_company', 'warning', 'companies', 'accounts:' || c.company_key, 'Company', array_to_string(c.variants, ' | '),
       'looks like more than one company in one field: created as "' || c.display_name || '"; split it in Nutshell if it is several'
from leadtrekker_to_nutshell.companies c
where c.ambiguous
union all
select 'company_variants', 'info', 'companies', 'accounts:' || c.company_key, 'Company', array_to_string(c.variants, ' | '),
       'written ' || array_length(c.variants, 1) || ' ways: one company "' || c.display_name || '"'
from leadtrekker_to_nutshell.companies c
where array_length(c.variants, 1) > 1
union all
select 'company_near_duplicate', 'warning', 'companies', 'accounts:' || d.key_a, 'Company',
       array_to_string(d.variants_a, ' | ') || ' ~ ' || array_to_string(d.variants_b, ' | '),
       'looks like accounts:' || d.key_b || ' (similarity ' || round(d.similarity::numeric, 2) || '): created as two companies; merge them in Nutshell if they are one'
from lib.company_near_duplicates(array(select company from leadtrekker_to_nutshell.lead_people where company is not null), 0.7) d
union all
select 'company_conflict', 'warning', 'leads', 'contacts:' || p.person_key, 'Company', p.company,
       'the ' || p.lead_count || ' leads of this email name ' || p.company_keys || ' different companies; the person is linked to the most recent one'
from leadtrekker_to_nutshell.people p
where p.company_keys > 1
union all
select 'merged_duplicate', 'info', 'leads', 'leads:' || m.lead_id, 'Email', m.email,
       'merged into ' || m.nutshell_record || ' (lead ' || s.lead_id || ' survives, most recently modified)'
       || coalesce('; its ' || m.overridden_fields || ' differ and are not kept (handoff_merged_leads)', '')
from leadtrekker_to_nutshell.handoff_merged_leads m
join leadtrekker_to_nutshell.handoff_merged_leads s on s.person_key = m.person_key and s.survivor
where not m.survivor
union all
select 'imported_as_lead', 'info', 'leads', 'leads:' || p.person_key, 'Status', p.status,
       'unqualified prospect (maps/prospect_rule.csv): imported as a Nutshell lead, not a person'
from leadtrekker_to_nutshell.people p
where p.import_as = 'lead'
union all
select 'unmapped_value', 'info', 'leads', 'leads:' || l.lead_id, 'Status', l.status,
       'status not in maps/lead_status.csv: the label is kept and it is not a prospect status'
from stg_leadtrekker.leads l
where l.status is not null
  and not exists (select 1 from leadtrekker_to_nutshell.map_lead_status m where lower(btrim(m.leadtrekker_status)) = lower(l.status))
union all
select 'unmapped_value', 'info', 'leads', 'leads:' || l.lead_id, 'Source', l.source,
       'source not in maps/lead_source.csv: the label is kept'
from stg_leadtrekker.leads l
where l.source is not null
  and not exists (select 1 from leadtrekker_to_nutshell.map_lead_source m where lower(btrim(m.leadtrekker_source)) = lower(l.source))
union all
-- the column as the export names the owner: leads' Owner, activities' User, reminders' Assigned To
select 'owner_without_user', 'error', o.object, o.source_key, case o.object when 'tasks' then 'Assigned To' when 'activities' then 'User' else 'Owner' end, o.owner,
       'no Nutshell user with this email (users step): the record is queued until an admin provisions the user'
from (
  select 'contacts' as object, source_key, owner_email as owner from leadtrekker_to_nutshell.contacts
  union all select 'leads', source_key, owner_email from leadtrekker_to_nutshell.leads
  union all select 'activities', source_key, owner_email from leadtrekker_to_nutshell.activities
  union all select 'tasks', source_key, owner_email from leadtrekker_to_nutshell.tasks
) o
join etl.user_map m on m.pipeline = 'leadtrekker-to-nutshell' and m.source_email = lower(btrim(o.owner)) and m.dest_user_id is null
union all
select 'no_person', 'error', v.object, v.source_key, 'Lead ID', null, v.reason
from (
  select 'activities' as object, source_key, coalesce("_queue_reason", case when "_reject_reason" like 'PARENT_REJECTED:%' then "_reject_reason" end) as reason from leadtrekker_to_nutshell.activities
  union all select 'notes', source_key, coalesce("_queue_reason", "_reject_reason") from leadtrekker_to_nutshell.notes
  union all select 'tasks', source_key, coalesce("_queue_reason", "_reject_reason") from leadtrekker_to_nutshell.tasks
) v
where v.reason is not null
union all
select 'recurring_reminder', 'warning', 'tasks', r.task_source_key, 'Repeat', r.repeat,
       'repeats ' || r.repeat || ' in Leadtrekker: the task is created once; set the recurrence in Nutshell (handoff_reminder_repeats)'
from leadtrekker_to_nutshell.handoff_reminder_repeats r
union all
select 'invalid_custom_value', 'warning', v.object, v.object || ':' || v.record_id, v.header, v.raw,
       format('%s %s: %s; %s left empty, the text kept in the description (%s line %s)', v.module, v.field, v.issue, v.field, v._file, v._line)
from leadtrekker_to_nutshell.custom_values v
where v.value is null
