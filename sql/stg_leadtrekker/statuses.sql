-- unique_key: status_key
-- Status probabilities as a percentage 0-100 (`80`, `80%` and `0.8` are the same value).
-- One row per status however it is cased (the first row wins; dq reports the others).
select distinct on (lower(lib.squish(s.status)))
  lib.squish(s.status)                                   as status,
  lower(lib.squish(s.status))                            as status_key,
  btrim(s.probability)                                   as probability_raw,
  lib.parse_percent(s.probability, cv.decimal_separator) as probability,
  s._file, s._line
from raw_leadtrekker.statuses s
cross join stg_leadtrekker.conventions cv
where lib.squish(s.status) is not null
order by lower(lib.squish(s.status)), s._line
