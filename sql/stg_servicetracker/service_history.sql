-- unique_key: entry_id
-- indexes: work_order_id
-- ServiceTracker service history, typed once: what a technician did on a work order, and
-- calendar visits (Scheduled). One row per Entry ID (the export's last row wins). Work order,
-- asset and technician links are checked, not enforced.
with ranked as (
  select h.*, row_number() over (partition by btrim(h.entry_id) order by h._line desc) as rn,
         count(*) over (partition by btrim(h.entry_id)) as id_rows,
         raw_servicetracker.service_history_custom(h) as custom
  from raw_servicetracker.service_history h
  where btrim(h.entry_id) <> ''
)
select
  btrim(r.entry_id)                                   as entry_id,
  nullif(btrim(r.work_order_id), '')                  as work_order_id,
  w.work_order_id is not null                         as work_order_exists,
  nullif(btrim(r.asset_id), '')                       as asset_id,
  a.asset_id is not null                              as asset_exists,
  nullif(btrim(r.technician_id), '')                  as technician_id,
  t.technician_id is not null                         as technician_exists,
  r.date                                              as date_raw,
  d.entry_date,
  lib.squish(r.action)                                as action,
  r.notes,
  r.start                                             as start_raw,
  d.start_at,
  r."end"                                             as end_raw,
  d.end_at,
  -- when it happened: the start time, else the start of its date in the source's time zone
  coalesce(d.start_at, d.entry_date::timestamp at time zone cv.timezone) as occurred_at,
  -- the calendar day: the Date column, else the start's day in the source's time zone
  coalesce(d.entry_date, (d.start_at at time zone cv.timezone)::date)  as occurred_on,
  btrim(r.scheduled)                                  as scheduled_raw,
  -- a calendar visit only when the export says so
  coalesce(lib.parse_bool(r.scheduled), false)        as scheduled,
  lib.squish(r.scheduled) is not null and lib.parse_bool(r.scheduled) is null as scheduled_unreadable,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
cross join lateral (
  select lib.parse_date(r.date, cv.day_first)                      as entry_date,
         lib.parse_timestamp(r.start, cv.day_first, cv.timezone)   as start_at,
         lib.parse_timestamp(r."end", cv.day_first, cv.timezone)   as end_at
  offset 0  -- parsed once: keeps the planner from copying the calls into each use
) d
left join stg_servicetracker.work_orders w on w.work_order_id = btrim(r.work_order_id)
left join stg_servicetracker.assets a on a.asset_id = btrim(r.asset_id)
left join stg_servicetracker.technicians t on t.technician_id = btrim(r.technician_id)
where r.rn = 1
