-- Reminders that repeat in Leadtrekker (seed 001 "Reminder -> Task"): loaded as one task each;
-- the recurrence is set up by hand in Nutshell (the JSON-RPC API has no task recurrence).
select
  r.reminder_id,
  r.lead_id,
  coalesce(lp.contact_key, lp.lead_key)                   as nutshell_parent,
  'tasks:' || r.reminder_id                               as task_source_key,
  r.subject,
  r.due_date,
  coalesce(r.assigned_email, r.assigned_raw)              as assignee,
  r.repeat,
  'Open the task and set it to repeat ' || r.repeat       as action
from stg_leadtrekker.reminders r
left join leadtrekker_to_nutshell.lead_parents lp on lp.lead_id = r.lead_id
where r.repeat is not null and r.repeat not in ('no', 'none', 'never')
