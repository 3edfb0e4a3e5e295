-- Findings specific to loading Leadtrekker into Zoho CRM, one row per finding.
select 'unmapped_value' as category, 'info' as severity, 'leads' as object, l.source_key,
       'Lead_Status' as field, l."LTK_Original_Status" as value,
       'status has no Zoho equivalent in maps/lead_status.csv: the label is kept and the picklist extended' as message
from leadtrekker_to_zoho.leads l
where l."LTK_Original_Status" is not null
  and not exists (select 1 from leadtrekker_to_zoho.map_lead_status m where lower(m.leadtrekker_status) = lower(l."LTK_Original_Status"))
union all
select 'unmapped_value', 'info', 'leads', 'leads:' || s.lead_id, 'Lead_Source', s.source,
       'source has no Zoho equivalent in maps/lead_source.csv: the label is kept and the picklist extended'
from stg_leadtrekker.leads s
where s.source is not null
  and not exists (select 1 from leadtrekker_to_zoho.map_lead_source m where lower(m.leadtrekker_source) = lower(s.source))
union all
-- the column as the export names the owner: leads' Owner, activities' User, reminders' Assigned To
select 'owner_without_user', 'error', o.object, o.source_key, case o.object when 'reminder_tasks' then 'Assigned To' when 'calls' then 'User' when 'email_tasks' then 'User' else 'Owner' end, o.owner,
       'no Zoho user with this email (users step): the record is queued until an admin provisions the user'
from (
  select 'leads' as object, source_key, "Owner" as owner from leadtrekker_to_zoho.leads
  union all select 'calls', source_key, "Owner" from leadtrekker_to_zoho.calls
  union all select 'email_tasks', source_key, "Owner" from leadtrekker_to_zoho.email_tasks
  union all select 'reminder_tasks', source_key, "Owner" from leadtrekker_to_zoho.reminder_tasks
) o
join etl.user_map m on m.pipeline = 'leadtrekker-to-zoho' and m.source_email = lower(btrim(o.owner)) and m.dest_user_id is null
union all
select 'missing_mandatory', 'error', 'leads', source_key, 'Last_Name', null, _reject_reason
from leadtrekker_to_zoho.leads where _reject_reason is not null
union all
select 'rejected', 'error', 'calls', source_key, 'Call_Start_Time', null, _reject_reason
from leadtrekker_to_zoho.calls where _reject_reason like 'UNPARSEABLE_DATE%'
union all
select 'over_size_limit', 'warning', kind, kind || ':' || source_id, 'File_Name', file_name,
       size_mb || ' MB is over the per-file limit: manual hand-off'
from leadtrekker_to_zoho.handoff_attachments_over_limit
union all
select 'invalid_custom_value', 'warning', v.object, v.object || ':' || v.record_id, v.header, v.raw,
       format('%s %s: %s; %s left empty, the text kept in Description (%s line %s)', v.module, v.field, v.issue, v.field, v._file, v._line)
from leadtrekker_to_zoho.custom_values v
where v.value is null
