-- Leadtrekker follow-up reminders, typed.
select
  btrim(r.reminder_id)                                          as reminder_id,
  btrim(r.lead_id)                                              as lead_id,
  exists (select 1 from stg_leadtrekker.leads l where l.lead_id = btrim(r.lead_id)) as lead_exists,
  lib.squish(r.subject)                                         as subject,
  r.due                                                         as due_raw,
  lib.parse_date(r.due, true)                                   as due_date,
  lib.squish(r.assigned_to)                                     as assigned_raw,
  coalesce(u.email, case when lib.squish(r.assigned_to) ~ '@' then lib.clean_email(r.assigned_to) end) as assigned_email,
  lower(btrim(r.status))                                        as status,
  lower(lib.squish(r.repeat))                                   as repeat,
  r._file, r._line
from raw_leadtrekker.reminders r
left join stg_leadtrekker.user_refs u on u.ref = lower(lib.squish(r.assigned_to))
where btrim(r.reminder_id) <> ''
