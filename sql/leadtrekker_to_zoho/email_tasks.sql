-- Zoho CRM Tasks, one per Leadtrekker email event (seed 000 "Activity: Email Event"):
-- subject, body with headers in Description, original time, direction in a custom field.
select
  'email_tasks:' || a.activity_id                         as source_key,
  coalesce(a.subject, '(no subject)')                     as "Subject",
  to_char(a.occurred_at at time zone cv.timezone, 'YYYY-MM-DD') as "Due_Date",
  'Completed'                                             as "Status",
  concat_ws(E'\n',
    'Email ' || coalesce(a.email_event, 'event') || ' (' || coalesce(a.direction, 'direction unknown') || ')',
    'Date: ' || coalesce(to_char(a.occurred_at at time zone cv.timezone, 'YYYY-MM-DD HH24:MI'), a.occurred_raw),
    '',
    a.body)                                               as "Description",
  initcap(a.direction)                                    as "LTK_Direction",
  a.email_event                                           as "LTK_Email_Event",
  lib.zoho_datetime(a.occurred_at)                        as "LTK_Activity_Time",
  'Email'                                                 as "LTK_Task_Type",
  'leads:' || a.lead_id                                   as "What_Id",
  coalesce(a.user_email, lower(a.user_raw))               as "Owner",
  case when not a.lead_exists
       then 'ORPHAN: email ' || a.activity_id || ' refers to ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead') end as "_reject_reason"
from stg_leadtrekker.activities a
cross join stg_leadtrekker.conventions cv
where a.type = 'email'
