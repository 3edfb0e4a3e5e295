-- unique_key: lead_id, person_id
-- indexes: person_id
-- Lead-person links, typed once; one row per (lead, person) pair (the last link row wins).
with ranked as (
  select lp.*,
         row_number() over (partition by btrim(lp.lead_id), btrim(lp.person_id) order by lp._line desc) as rn
  from raw_leadtrac.lead_people lp
  where btrim(lp.lead_id) <> '' and btrim(lp.person_id) <> ''
)
select
  btrim(r.lead_id)                                      as lead_id,
  btrim(r.person_id)                                    as person_id,
  coalesce(lib.parse_bool(r.is_primary), false)         as is_primary,
  lib.squish(r.is_primary)                              as is_primary_raw,
  r.modified_date                                       as modified_raw,
  lib.parse_timestamp(r.modified_date, cv.day_first, cv.timezone) as modified_at,
  r._file, r._line
from ranked r
cross join stg_leadtrac.conventions cv
where r.rn = 1
