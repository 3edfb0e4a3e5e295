-- unique_key: activity_id
-- indexes: lead_id; person_id; company_id
-- LeadTrac activities, typed once by the source's conventions. One row per Activity ID (the
-- export's last row wins). Type matched case-insensitively; Meeting and Appointment are one
-- kind (meeting). Durations: bare numbers are minutes in LeadTrac, also '12 min' and 'h:mm:ss'
-- (lib.parse_duration_seconds). Parent ids are kept as exported; whether each parent is in the
-- export is checked by the pipeline (activity_parents) and dq.
with ranked as (
  select a.*,
         row_number() over (partition by btrim(a.activity_id) order by a._line desc) as rn,
         count(*) over (partition by btrim(a.activity_id))                           as id_rows
  from raw_leadtrac.activities a
  where btrim(a.activity_id) <> ''
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
  lib.parse_timestamp(r.date, cv.day_first, cv.timezone) as occurred_at,
  case when lib.squish(r.date) is not null then lib.date_issue(r.date, cv.day_first) end as occurred_issue,
  r.end_date                                            as end_raw,
  lib.parse_timestamp(r.end_date, cv.day_first, cv.timezone) as end_at,
  lib.squish(r.duration)                                as duration_raw,
  lib.parse_duration_seconds(r.duration, 'minutes')     as duration_seconds,
  lib.squish(r.outcome)                                 as outcome,
  lib.squish(r.subject)                                 as subject,
  nullif(btrim(r.body), '')                             as body,
  lib.squish(r.location)                                as location,
  lib.squish(r.owner_email)                             as owner_raw,
  coalesce(u.email, case when lib.is_valid_email(lib.clean_email(r.owner_email)) then lib.clean_email(r.owner_email) end) as owner_email,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_leadtrac.conventions cv
left join stg_leadtrac.user_refs u on u.ref = lower(lib.squish(r.owner_email))
where r.rn = 1
