-- unique_key: reminder_id
-- Leadtrekker follow-up reminders, typed once. One row per Reminder ID (the last row wins).
with dup as materialized (
  -- ids written on more than one row: only their rows are compared (the last one wins)
  select btrim(reminder_id) as id, max(_line) as last_line, count(*) as n
  from raw_leadtrekker.reminders
  where btrim(reminder_id) <> ''
  group by 1
  having count(*) > 1
),
ranked as (
  select r.*, coalesce(d.n, 1) as id_rows
  from raw_leadtrekker.reminders r
  left join dup d on d.id = btrim(r.reminder_id)
  where btrim(r.reminder_id) <> '' and (d.id is null or r._line = d.last_line)
),
-- the Lead IDs the export has (its leads file, not the staged leads: so this table does not wait for them)
lead_ids as (
  select distinct btrim(lead_id) as lead_id from raw_leadtrekker.leads where btrim(lead_id) <> ''
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
left join lead_ids l on l.lead_id = btrim(r.lead_id)
left join stg_leadtrekker.user_refs u on u.ref = lower(lib.squish(r.assigned_to))
