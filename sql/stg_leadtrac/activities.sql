-- materialized: table
-- LeadTrac activities, typed. Type matched case-insensitively; Meeting and Appointment are one
-- kind (meeting). Durations: bare numbers are minutes, also '12 min' and 'h:mm:ss'
-- (lib.parse_duration_seconds). End time: the End Date, else start + duration.
with ranked as (
  select a.*, row_number() over (partition by btrim(activity_id) order by _line desc) as rn
  from raw_leadtrac.activities a
  where btrim(activity_id) <> ''
)
select
  btrim(r.activity_id)                                  as activity_id,
  lib.squish(r.type)                                    as type_raw,
  case lower(btrim(r.type)) when 'call' then 'call' when 'email' then 'email' when 'note' then 'note'
       when 'meeting' then 'meeting' when 'appointment' then 'meeting' end as kind,
  nullif(btrim(r.lead_id), '')                          as lead_id,
  nullif(btrim(r.person_id), '')                        as person_id,
  nullif(btrim(r.company_id), '')                       as company_id,
  r.date                                                as occurred_raw,
  lib.parse_timestamp(r.date, false, 'America/New_York') as occurred_at,
  r.end_date                                            as end_raw,
  lib.parse_timestamp(r.end_date, false, 'America/New_York') as end_at,
  lib.squish(r.duration)                                as duration_raw,
  lib.parse_duration_seconds(r.duration, 'minutes')     as duration_seconds,
  lib.squish(r.outcome)                                 as outcome,
  lib.squish(r.subject)                                 as subject,
  nullif(btrim(r.body), '')                             as body,
  lib.squish(r.location)                                as location,
  lib.squish(r.owner_email)                             as owner_raw,
  coalesce(u.email, case when lib.is_valid_email(lib.clean_email(r.owner_email)) then lib.clean_email(r.owner_email) end) as owner_email,
  r._file, r._line
from ranked r
left join stg_leadtrac.user_refs u on u.ref = lower(lib.squish(r.owner_email))
where r.rn = 1
