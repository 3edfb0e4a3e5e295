-- Status probabilities as a percentage 0-100: `80`, `80%` and `0.8` are the same value
-- (a number with a decimal point <= 1 is a fraction).
with s as (
  select lib.squish(status) as status, btrim(replace(probability, ',', '.')) as p, _line
  from raw_leadtrekker.statuses
  where lib.squish(status) is not null
)
select distinct on (lower(status))
  status,
  lower(status) as status_key,
  p as probability_raw,
  case
    when p ~ '^\d+(\.\d+)?\s*%$' then rtrim(p, '% ')::numeric
    when p ~ '^[01]?\.\d+$' then p::numeric * 100
    when p ~ '^\d+(\.\d+)?$' then p::numeric
  end as probability
from s
order by lower(status), _line
