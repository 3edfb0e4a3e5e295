-- materialized: table
-- Lead-person links, typed; one row per (lead, person) pair (the last link row wins).
select distinct on (btrim(lead_id), btrim(person_id))
  btrim(lead_id)                                        as lead_id,
  btrim(person_id)                                      as person_id,
  coalesce(lib.parse_bool(is_primary), false)           as is_primary,
  lib.squish(is_primary)                                as is_primary_raw,
  modified_date                                         as modified_raw,
  lib.parse_timestamp(modified_date, false, 'America/New_York') as modified_at,
  _file, _line
from raw_leadtrac.lead_people
where btrim(lead_id) <> '' and btrim(person_id) <> ''
order by btrim(lead_id), btrim(person_id), _line desc
