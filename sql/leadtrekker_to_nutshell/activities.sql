-- Nutshell Activities for Leadtrekker calls and emails (seed 001 "Activity: Call", "Activity:
-- Email"), logged (status 1) at the original time, on the person of the lead's email. Nutshell
-- has no custom fields on activities: call duration and disposition are written into the
-- description (and the duration is also the activity's end time). The Leadtrekker user is the
-- owner column (an extra Users participant).
select
  'activities:' || a.activity_id                          as source_key,
  left(coalesce(a.subject,
    case a.type when 'call' then initcap(coalesce(a.direction, 'logged')) || ' call' || coalesce(' - ' || a.disposition, '')
                else 'Email ' || coalesce(a.email_event, 'logged') end), 255) as name,
  t.nutshell_activity_type                                as activity_type,
  a.occurred_at                                           as "startTime",
  a.occurred_at + make_interval(secs => coalesce(a.duration_seconds, 0)) as "endTime",
  1                                                       as status,
  concat_ws(E'\n',
    case when a.type = 'call' then concat_ws(E'\n',
      'Call duration: ' || coalesce(lpad((a.duration_seconds / 60)::text, 2, '0') || ':' || lpad((a.duration_seconds % 60)::text, 2, '0')
                                    || ' (' || a.duration_seconds || ' s)', nullif(a.duration_raw, '') || ' (as exported)', 'not recorded'),
      'Disposition: ' || coalesce(a.disposition, 'not recorded'),
      'Direction: ' || a.direction) end,
    case when a.type = 'email' then concat_ws(E'\n',
      'Email ' || coalesce(a.email_event, 'event') || coalesce(' (' || a.direction || ')', ''),
      'Subject: ' || a.subject) end,
    'Logged in Leadtrekker by ' || coalesce(a.user_raw, 'unknown user') || ' at '
      || coalesce(to_char(a.occurred_at at time zone cv.timezone, 'YYYY-MM-DD HH24:MI'), a.occurred_raw, 'unknown time')
      || ' (Leadtrekker activity ' || a.activity_id || ')',
    E'\n' || a.body_text)                                 as description,
  lp.contact_key                                          as participants,
  lp.lead_key                                             as leads,
  coalesce(a.user_email, lower(a.user_raw))               as owner_email,
  case when lp.lead_id is null and not lib.parent_rejected_at_extract('leadtrekker', 'leads', a.lead_id)
       then 'NO_PERSON: ' || a.type || ' ' || a.activity_id || ' is on ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead') || ': attach it by hand or drop it' end as "_queue_reason",
  case when lp.lead_id is null and lib.parent_rejected_at_extract('leadtrekker', 'leads', a.lead_id)
       then 'PARENT_REJECTED: ' || a.type || ' ' || a.activity_id || ' is on ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead')
       when lp.lead_id is not null and a.occurred_at is null
       then 'UNPARSEABLE_DATE: ' || a.type || ' ' || a.activity_id || ' has date ' || coalesce('"' || a.occurred_raw || '"', 'none') || '; Nutshell activities need a start time' end as "_reject_reason"
from stg_leadtrekker.activities a
cross join stg_leadtrekker.conventions cv
left join leadtrekker_to_nutshell.lead_parents lp on lp.lead_id = a.lead_id
left join leadtrekker_to_nutshell.map_activity_type t on lower(btrim(t.leadtrekker_type)) = a.type
where a.type in ('call', 'email')
