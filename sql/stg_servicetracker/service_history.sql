-- materialized: table
-- ServiceTracker service history: what a technician did on a work order, and calendar
-- visits (Scheduled). One row per Entry ID.
with ranked as (
  select h.*, row_number() over (partition by btrim(entry_id) order by _line desc) as rn
  from raw_servicetracker.service_history h
  where btrim(entry_id) <> ''
)
select
  btrim(entry_id)                                     as entry_id,
  nullif(btrim(work_order_id), '')                    as work_order_id,
  nullif(btrim(asset_id), '')                         as asset_id,
  date                                                as date_raw,
  lib.parse_date(date, false)                         as entry_date,
  nullif(btrim(technician_id), '')                    as technician_id,
  lib.squish(action)                                  as action,
  notes,
  start                                               as start_raw,
  lib.parse_timestamp(start, false, 'UTC')            as start_at,
  "end"                                               as end_raw,
  lib.parse_timestamp("end", false, 'UTC')            as end_at,
  coalesce(lib.parse_bool(scheduled), false)          as scheduled,
  _file, _line
from ranked
where rn = 1
