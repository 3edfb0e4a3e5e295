-- materialized: table
-- unique_key: object, record_id, field
-- Custom-field values, typed once: one row per record and confirmed custom-field mapping that
-- has a value. The mapping in use (map_custom_fields: the workspace's custom-fields.csv, else
-- the pipeline's defaults) binds to the export's column by the header as written; the value is
-- typed by the field's type and the source's conventions (lib.custom_value). `value` is null
-- when the text does not read as that type (`issue` says why; dq reports it, the record loads
-- without the field). Any export file whose records load may carry custom columns, so every
-- one of them has a branch here.
with mapping as (
  select distinct on (m.object, m.field)
         m.object, m.module, m.field, lower(m.field_type) as field_type, c.column_name, c.header
  from servicetracker_to_zoho.map_custom_fields m
  join etl.raw_columns c on c.source = 'servicetracker' and c.file = m.object and c.is_custom
                        and lib.header_key(c.header) = lib.header_key(m.source_header)
  where lib.parse_bool(m.confirmed) and m.field is not null and m.module is not null  -- setup creates no field without its module
  order by m.object, m.field, (c.header = m.source_header) desc
),
records as (
  select 'clients' as object, client_id as record_id, custom, _file, _line from stg_servicetracker.clients where custom <> '{}'
  union all select 'contacts', contact_id, custom, _file, _line from stg_servicetracker.contacts where custom <> '{}'
  union all select 'technicians', technician_id, custom, _file, _line from stg_servicetracker.technicians where custom <> '{}'
  union all select 'work_orders', work_order_id, custom, _file, _line from stg_servicetracker.work_orders where custom <> '{}'
  union all select 'contracts', contract_id, custom, _file, _line from stg_servicetracker.contracts where custom <> '{}'
  union all select 'assets', asset_id, custom, _file, _line from stg_servicetracker.assets where custom <> '{}'
  union all select 'parts', part_number, custom, _file, _line from stg_servicetracker.parts where custom <> '{}'
  union all select 'work_order_parts', line_id, custom, _file, _line from stg_servicetracker.work_order_parts where custom <> '{}'
  union all select 'service_history', entry_id, custom, _file, _line from stg_servicetracker.service_history where custom <> '{}'
),
raw_values as (
  select r.object, r.record_id, r._file, r._line, e.key as column_name, e.value as raw
  from records r
  cross join lateral jsonb_each_text(r.custom) e
)
select
  v.object, v.record_id, m.module, m.field, m.field_type, m.header, v.raw,
  t.value,
  -- why, only for a value that did not type (the reason costs a second parse)
  case when t.value is null then lib.value_issue(v.raw, m.field_type, cv.day_first, cv.decimal_separator) end as issue,
  v._file, v._line
from raw_values v
join mapping m on m.object = v.object and m.column_name = v.column_name
cross join stg_servicetracker.conventions cv
cross join lateral (
  select lib.custom_value(v.raw, m.field_type, cv.day_first, cv.timezone, cv.decimal_separator, cv.currency) as value
  offset 0  -- typed once per value: keeps the planner from copying the call into each use
) t
where lib.squish(v.raw) is not null
