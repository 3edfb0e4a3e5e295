-- Values the pipeline fills because Zoho refuses a record without them (pipelines/leadtrekker-to-zoho/README.md,
-- "Mandatory fields"): one finding per filled record, naming the export file, line and column.
select 'mandatory_filled' as category, 'warning' as severity, 'leads' as object, z.source_key,
       'Company' as field, z."Company" as value,
       format('Zoho requires Company on Leads and this lead has none (%s line %s, column Company): filled with %s; correct it in Zoho if the lead has a company',
              z._file, z._line, case when z."Company" = '[Not provided]' then '"[Not provided]"' else 'the person''s name' end) as message
from leadtrekker_to_zoho.leads z
join stg_leadtrekker.leads l on 'leads:' || l.lead_id = z.source_key
where l.company is null and z._reject_reason is null
union all
-- Subject is system-mandatory on Calls and Tasks: a call, email or reminder without one gets a
-- made-up subject (what it was), named here so nobody takes it for the original text
select 'mandatory_filled', 'info', o.object, o.source_key, 'Subject', o.subject,
       format('Zoho requires Subject on %s and this %s has none (%s line %s, column Subject): filled with "%s"', o.module, o.what, o._file, o._line, o.subject)
from (
  select 'calls' as object, 'Calls' as module, 'call' as what, c.source_key, c."Subject" as subject, a._file, a._line
  from leadtrekker_to_zoho.calls c join stg_leadtrekker.activities a on 'calls:' || a.activity_id = c.source_key
  where a.subject is null and c._reject_reason is null
  union all
  select 'email_tasks', 'Tasks', 'email', t.source_key, t."Subject", a._file, a._line
  from leadtrekker_to_zoho.email_tasks t join stg_leadtrekker.activities a on 'email_tasks:' || a.activity_id = t.source_key
  where a.subject is null and t._reject_reason is null
  union all
  select 'reminder_tasks', 'Tasks', 'reminder', t.source_key, t."Subject", r._file, r._line
  from leadtrekker_to_zoho.reminder_tasks t join stg_leadtrekker.reminders r on 'reminder_tasks:' || r.reminder_id = t.source_key
  where r.subject is null and t._reject_reason is null
) o
