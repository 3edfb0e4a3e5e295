-- Zoho Tasks for ASPEC calls, tasks and emails (seed 004 "Activity -> Tasks"). Calls are Tasks
-- as the seed says: ASPEC records neither direction nor duration, which Zoho's Calls module
-- requires for a completed call. Emails are Tasks too: Zoho keeps real emails only through its
-- mailbox integration, which the records API cannot write (README). ASPEC_Activity_Type tells
-- them apart; the original time is ASPEC_Activity_Time (Zoho's Created_Time is read-only) and
-- its date on the source's clock the Due_Date. What_Id: the Deal, else the Account; Who_Id: the Contact.
select
  'activities:' || a.activity_id                               as source_key,
  coalesce(a.subject, a.type || ' (no subject)')               as "Subject",
  a.type                                                       as "ASPEC_Activity_Type",
  coalesce(m.zoho_status, case when a.type = 'Task' then 'Not Started' else 'Completed' end) as "Status",
  to_char(a.occurred_local, 'YYYY-MM-DD')                      as "Due_Date",
  lib.zoho_datetime(a.occurred_at)                             as "ASPEC_Activity_Time",
  nullif(concat_ws(E'\n\n',
    format('%s in ASPEC, %s%s', a.type, coalesce(a.local_time, 'date "' || a.date_raw || '" unreadable', 'no date'),
           case when a.status is not null then ', status ' || a.status else '' end),
    a.details, nullif(a.missing_note, '')), '')                as "Description",
  case when a.deal_key is not null then a.deal_key else a.account_key end as "What_Id",
  a.contact_key                                                as "Who_Id",
  a.owner_email                                                as "Owner",
  a.activity_id                                                as "ASPEC_Activity_ID",
  case when a.orphan then format('ORPHAN: %s %s names no contact, company or opportunity the export has', lower(a.type), a.activity_id) end as _reject_reason
from aspec_to_zoho.activities a
left join aspec_to_zoho.map_activity_status m on lower(btrim(m.aspec_status)) = lower(a.status)
where a.type in ('Call', 'Task', 'Email')
