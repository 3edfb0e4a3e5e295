-- unique_key: contract_id
-- indexes: client_id
-- ServiceTracker service contracts, typed once. One row per Contract ID (the export's last row
-- wins). The client link is checked, not enforced.
with ranked as (
  select k.*, row_number() over (partition by btrim(k.contract_id) order by k._line desc) as rn,
         count(*) over (partition by btrim(k.contract_id)) as id_rows,
         raw_servicetracker.contracts_custom(k) as custom
  from raw_servicetracker.contracts k
  where btrim(k.contract_id) <> ''
)
select
  btrim(r.contract_id)                                  as contract_id,
  nullif(btrim(r.client_id), '')                        as client_id,
  c.client_id is not null                               as client_exists,
  c.account_client_id,
  lib.squish(r.name)                                    as name,
  lib.squish(r.type)                                    as type,
  r.start_date                                          as start_date_raw,
  lib.parse_date(r.start_date, cv.day_first)            as start_date,
  r.end_date                                            as end_date_raw,
  lib.parse_date(r.end_date, cv.day_first)              as end_date,
  r.monthly_value                                       as monthly_value_raw,
  lib.parse_money(r.monthly_value, cv.decimal_separator) as monthly_value,
  lib.squish(r.status)                                  as status,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
left join stg_servicetracker.clients c on c.client_id = btrim(r.client_id)
where r.rn = 1
