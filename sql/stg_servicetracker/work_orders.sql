-- unique_key: work_order_id
-- indexes: client_id; technician_id
-- ServiceTracker work orders, typed once by the source's conventions. One row per Work Order ID
-- (the export's last row wins). Raw text is kept beside every parsed value so
-- dq_servicetracker can report what did not parse; client and technician links are checked,
-- not enforced.
with ranked as (
  select w.*, row_number() over (partition by btrim(w.work_order_id) order by w._line desc) as rn,
         count(*) over (partition by btrim(w.work_order_id)) as id_rows,
         raw_servicetracker.work_orders_custom(w) as custom
  from raw_servicetracker.work_orders w
  where btrim(w.work_order_id) <> ''
)
select
  btrim(r.work_order_id)                                      as work_order_id,
  lib.squish(r.work_order_number)                             as work_order_number,
  nullif(btrim(r.client_id), '')                              as client_id,
  c.client_id is not null                                     as client_exists,
  c.account_client_id,
  lib.squish(r.service_type)                                  as service_type,
  lib.squish(r.status)                                        as status,
  lower(lib.squish(r.status))                                 as status_key,
  nullif(btrim(r.technician_id), '')                          as technician_id,
  t.technician_id is not null                                 as technician_exists,
  r.scheduled_start                                           as scheduled_start_raw,
  s.scheduled_start,
  r.completed_at                                              as completed_at_raw,
  s.completed_at,
  -- the calendar days in the source's time zone (a date written without a time is that day)
  (s.scheduled_start at time zone cv.timezone)::date          as scheduled_on,
  (s.completed_at at time zone cv.timezone)::date             as completed_on,
  r.labor_hours                                               as labor_hours_raw,
  -- a plain number, read by the money parser (no currency), by the source's decimal separator
  lib.parse_money(r.labor_hours, cv.decimal_separator)        as labor_hours,
  r.amount                                                    as amount_raw,
  lib.parse_money(r.amount, cv.decimal_separator)             as amount,
  r.description,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
cross join lateral (
  select lib.parse_timestamp(r.scheduled_start, cv.day_first, cv.timezone) as scheduled_start,
         lib.parse_timestamp(r.completed_at, cv.day_first, cv.timezone)    as completed_at
  offset 0  -- parsed once: keeps the planner from copying the calls into each use
) s
left join stg_servicetracker.clients c on c.client_id = btrim(r.client_id)
left join stg_servicetracker.technicians t on t.technician_id = btrim(r.technician_id)
where r.rn = 1
