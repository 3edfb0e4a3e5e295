-- Status probabilities as a percentage 0-100 (`80`, `80%` and `0.8` are the same value).
select distinct on (lower(lib.squish(status)))
  lib.squish(status)                 as status,
  lower(lib.squish(status))          as status_key,
  btrim(probability)                 as probability_raw,
  lib.parse_probability(probability) as probability
from raw_leadtrekker.statuses
where lib.squish(status) is not null
order by lower(lib.squish(status)), _line
