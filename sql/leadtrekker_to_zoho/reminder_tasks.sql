-- Zoho CRM Tasks, one per Leadtrekker reminder (seed 000 "Reminder -> Tasks").
select
  'reminder_tasks:' || r.reminder_id                      as source_key,
  coalesce(r.subject, 'Follow up')                        as "Subject",
  to_char(r.due_date, 'YYYY-MM-DD')                       as "Due_Date",
  -- pending -> Not Started, completed -> Completed; anything else stays open (and is a finding)
  coalesce(m.zoho_task_status, 'Not Started')             as "Status",
  case when r.repeat is not null and r.repeat not in ('no', 'none', 'never')
       then 'Repeats ' || r.repeat || ' in Leadtrekker (the recurrence is not recreated)' end as "Description",
  'Reminder'                                              as "LTK_Task_Type",
  'leads:' || r.lead_id                                   as "What_Id",
  coalesce(r.assigned_email, lower(r.assigned_raw))       as "Owner",
  case when not r.lead_exists
       then 'ORPHAN: reminder ' || r.reminder_id || ' refers to ' || lib.parent_missing('leadtrekker', 'leads', r.lead_id, 'lead') end as "_reject_reason"
from stg_leadtrekker.reminders r
left join leadtrekker_to_zoho.map_reminder_status m on lower(m.leadtrekker_status) = r.status
