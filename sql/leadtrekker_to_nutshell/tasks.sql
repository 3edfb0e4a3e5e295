-- Nutshell Tasks for Leadtrekker reminders (seed 001 "Reminder -> Task"): due time and
-- assignee, on the person of the lead's email. Tasks over the API have no recurrence and no
-- completion flag: a repeat pattern is written into the description and listed in
-- handoff_reminder_repeats; a reminder completed in Leadtrekker says so in its title.
select
  'tasks:' || r.reminder_id                               as source_key,
  left(case when r.status = 'completed' then 'Done in Leadtrekker: ' else '' end || coalesce(r.subject, 'Follow up'), 255) as title,
  coalesce(r.due_at, r.due_date::timestamp at time zone cv.timezone) as "dueTime",
  concat_ws(E'\n',
    case when r.repeat is not null and r.repeat not in ('no', 'none', 'never')
         then 'Repeats ' || r.repeat || ' in Leadtrekker: set up the recurrence in Nutshell' end,
    'Leadtrekker reminder ' || r.reminder_id || ', status ' || coalesce(r.status, 'unknown'),
    case when r.due_raw is not null and r.due_date is null
         then 'Due (as exported, not a date): ' || r.due_raw end) as description,
  coalesce(lp.contact_key, lp.lead_key)                   as entity,
  coalesce(r.assigned_email, lower(r.assigned_raw))       as owner_email,
  case when lp.lead_id is null and not lib.parent_rejected_at_extract('leadtrekker', 'leads', r.lead_id)
       then 'NO_PERSON: reminder ' || r.reminder_id || ' is on ' || lib.parent_missing('leadtrekker', 'leads', r.lead_id, 'lead') || ': attach it by hand or drop it' end as "_queue_reason",
  case when lp.lead_id is null and lib.parent_rejected_at_extract('leadtrekker', 'leads', r.lead_id)
       then 'PARENT_REJECTED: reminder ' || r.reminder_id || ' is on ' || lib.parent_missing('leadtrekker', 'leads', r.lead_id, 'lead') end as "_reject_reason"
from stg_leadtrekker.reminders r
cross join stg_leadtrekker.conventions cv
left join leadtrekker_to_nutshell.lead_parents lp on lp.lead_id = r.lead_id
