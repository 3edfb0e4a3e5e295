-- unique_key: asset_id
-- indexes: client_id
-- ServiceTracker assets (equipment at a client site), typed once. One row per Asset ID (the
-- export's last row wins). The client link is checked, not enforced.
with ranked as (
  select a.*, row_number() over (partition by btrim(a.asset_id) order by a._line desc) as rn,
         count(*) over (partition by btrim(a.asset_id)) as id_rows,
         raw_servicetracker.assets_custom(a) as custom
  from raw_servicetracker.assets a
  where btrim(a.asset_id) <> ''
)
select
  btrim(r.asset_id)                                 as asset_id,
  nullif(btrim(r.client_id), '')                    as client_id,
  c.client_id is not null                           as client_exists,
  c.account_client_id,
  lib.squish(r.serial_number)                       as serial_number,
  lib.squish(r.model)                               as model,
  r.warranty_expiry                                 as warranty_expiry_raw,
  lib.parse_date(r.warranty_expiry, cv.day_first)   as warranty_expiry,
  lib.squish(r.street)                              as street,
  lib.squish(r.city)                                as city,
  lib.squish(r.state)                               as state,
  lib.squish(r.zip)                                 as zip,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
left join stg_servicetracker.clients c on c.client_id = btrim(r.client_id)
where r.rn = 1
