-- unique_key: reminder_id
-- indexes: lead_id
-- Leadtrekker follow-up reminders, typed once. One row per Reminder ID (the last row wins).
with ranked as (
  select r.*, row_number() over (partition by btrim(r.reminder_id) order by r._line desc) as rn,
         count(*) over (partition by btrim(r.reminder_id)) as id_rows
  from raw_leadtrekker.reminders r
  where btrim(r.reminder_id) <> ''
)
select
  btrim(r.reminder_id)                                          as reminder_id,
  btrim(r.lead_id)                                              as lead_id,
  l.lead_id is not null                                         as lead_exists,
  lib.squish(r.subject)                                         as subject,
  r.due                                                         as due_raw,
  lib.parse_date(r.due, cv.day_first)                           as due_date,
  -- a due time, when the export wrote one (in the source's time zone)
  case when r.due ~ '\d:\d\d' then lib.parse_timestamp(r.due, cv.day_first, cv.timezone) end as due_at,
  lib.squish(r.assigned_to)                                     as assigned_raw,
  coalesce(u.email, case when lib.squish(r.assigned_to) ~ '@' then lib.clean_email(r.assigned_to) end) as assigned_email,
  lower(btrim(r.status))                                        as status,
  lower(lib.squish(r.repeat))                                   as repeat,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_leadtrekker.conventions cv
left join stg_leadtrekker.leads l on l.lead_id = btrim(r.lead_id)
left join stg_leadtrekker.user_refs u on u.ref = lower(lib.squish(r.assigned_to))
where r.rn = 1
