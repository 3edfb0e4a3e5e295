-- materialized: table
-- ServiceTracker service contracts, one row per Contract ID.
with ranked as (
  select c.*, row_number() over (partition by btrim(contract_id) order by _line desc) as rn
  from raw_servicetracker.contracts c
  where btrim(contract_id) <> ''
)
select
  btrim(contract_id)                      as contract_id,
  nullif(btrim(client_id), '')            as client_id,
  lib.squish(name)                        as name,
  lib.squish(type)                        as type,
  start_date                              as start_date_raw,
  lib.parse_date(start_date, false)       as start_date,
  end_date                                as end_date_raw,
  lib.parse_date(end_date, false)         as end_date,
  monthly_value                           as monthly_value_raw,
  lib.parse_money(monthly_value)          as monthly_value,
  lib.squish(status)                      as status,
  _file, _line
from ranked
where rn = 1
