-- materialized: table
-- ServiceTracker work orders, typed; one row per Work Order ID. Raw text is kept beside
-- every parsed value so dq_servicetracker can report what did not parse.
with ranked as (
  select w.*, row_number() over (partition by btrim(work_order_id) order by _line desc) as rn
  from raw_servicetracker.work_orders w
  where btrim(work_order_id) <> ''
)
select
  btrim(work_order_id)                                        as work_order_id,
  lib.squish(work_order_number)                               as work_order_number,
  nullif(btrim(client_id), '')                                as client_id,
  lib.squish(service_type)                                    as service_type,
  lib.squish(status)                                          as status,
  lower(lib.squish(status))                                   as status_key,
  nullif(btrim(technician_id), '')                            as technician_id,
  scheduled_start                                             as scheduled_start_raw,
  lib.parse_timestamp(scheduled_start, false, 'UTC')          as scheduled_start,
  completed_at                                                as completed_at_raw,
  lib.parse_timestamp(completed_at, false, 'UTC')             as completed_at,
  labor_hours                                                 as labor_hours_raw,
  lib.parse_money(labor_hours)                                as labor_hours,
  amount                                                      as amount_raw,
  lib.parse_money(amount)                                     as amount,
  description,
  -- ServiceTracker writes some dates month-first; a custom value that is such a date is
  -- rewritten as ISO here so the typed conversion at load cannot read it day-first.
  (select coalesce(jsonb_object_agg(e.k, case when e.v ~ '^\s*\d{1,2}/\d{1,2}/\d{4}\s*$' and lib.parse_date(e.v, false) is not null
                                            then to_char(lib.parse_date(e.v, false), 'YYYY-MM-DD') else e.v end), '{}'::jsonb)
     from jsonb_each_text(to_jsonb(ranked) - array['work_order_id', 'work_order_number', 'client_id', 'service_type', 'status', 'technician_id',
    'scheduled_start', 'completed_at', 'labor_hours', 'amount', 'description',
    '_file', '_line', '_batch_id', '_row_hash', '_extracted_at', 'rn']) as e(k, v)) as custom,
  _file, _line
from ranked
where rn = 1
