-- Mandatory fields (pipelines/aspec-to-zoho/README.md, "Mandatory fields"): one finding per record
-- whose mandatory field the pipeline filled, or that waits for a person because no fill would be
-- true (a deal's Closing_Date), naming the export file and line.
select 'mandatory_queued' as category, 'error' as severity, 'deals' as object, d.source_key,
       'Closing_Date' as field, o.expected_close_raw as value,
       format('Zoho requires Closing_Date on Deals and Expected Close is %s (%s line %s): the deal waits in the reconciliation queue (NO_CLOSE_DATE) until a person gives it a date',
              coalesce('"' || o.expected_close_raw || '"', 'empty'), o._file, o._line) as message
from aspec_to_zoho.deals d
join stg_aspec.opportunities o on 'opportunities:' || o.opportunity_id = d.source_key
where o.expected_close is null
union all
select 'mandatory_filled', f.severity, f.object, f.source_key, f.field, f.value,
       format('Zoho requires %s on %s and this record has no %s (%s line %s): filled with "%s"', f.field, f.module, f.missing, f._file, f._line, f.value)
from (
  select 'warning' as severity, 'accounts' as object, 'Accounts' as module, a.source_key, 'Account_Name' as field, a."Account_Name" as value, 'Name' as missing, c._file, c._line
  from aspec_to_zoho.accounts a join stg_aspec.companies c on 'companies:' || c.company_id = a.source_key
  where a."Account_Name" = 'Company ' || c.account_company_id and c.name is null
  union all
  select 'warning', 'contacts', 'Contacts', k.source_key, 'Last_Name', k."Last_Name", 'Last Name', c._file, c._line
  from aspec_to_zoho.contacts k join stg_aspec.contacts c on 'contacts:' || c.contact_id = k.source_key
  where c.last_name is null
  union all
  select 'info', 'deals', 'Deals', d.source_key, 'Deal_Name', d."Deal_Name", 'Name', o._file, o._line
  from aspec_to_zoho.deals d join stg_aspec.opportunities o on 'opportunities:' || o.opportunity_id = d.source_key
  where o.name is null
  union all
  select 'warning', 'deals', 'Deals', d.source_key, 'Stage', d."Stage", 'Stage', o._file, o._line
  from aspec_to_zoho.deals d join stg_aspec.opportunities o on 'opportunities:' || o.opportunity_id = d.source_key
  where o.stage is null
  union all
  select 'info', x.object, x.module, x.source_key, x.field, x.value, 'Subject', a._file, a._line
  from (
    select 'tasks' as object, 'Tasks' as module, source_key, 'Subject' as field, "Subject" as value from aspec_to_zoho.tasks where _reject_reason is null
    union all select 'events', 'Events', source_key, 'Event_Title', "Event_Title" from aspec_to_zoho.events where _reject_reason is null
  ) x
  join aspec_to_zoho.activities a on 'activities:' || a.activity_id = x.source_key
  where a.subject is null
) f
union all
-- no fill would be true: a meeting without a readable date is rejected before load
select 'missing_mandatory', 'error', 'events', e.source_key, 'Start_DateTime', null, e._reject_reason
from aspec_to_zoho.events e where e._reject_reason like 'UNPARSEABLE_DATE%'
