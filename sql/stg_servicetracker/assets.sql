-- materialized: table
-- ServiceTracker assets (equipment at a client site), one row per Asset ID.
with ranked as (
  select a.*, row_number() over (partition by btrim(asset_id) order by _line desc) as rn
  from raw_servicetracker.assets a
  where btrim(asset_id) <> ''
)
select
  btrim(asset_id)                         as asset_id,
  nullif(btrim(client_id), '')            as client_id,
  lib.squish(serial_number)               as serial_number,
  lib.squish(model)                       as model,
  warranty_expiry                         as warranty_expiry_raw,
  lib.parse_date(warranty_expiry, false)  as warranty_expiry,
  lib.squish(street)                      as street,
  lib.squish(city)                        as city,
  lib.squish(state)                       as state,
  lib.squish(zip)                         as zip,
  _file, _line
from ranked
where rn = 1
