-- materialized: table
-- unique_key: object, record_id, module, field
-- Custom-field values, typed once: one row per record and confirmed custom-field mapping that
-- has a value. The mapping in use (map_custom_fields: the workspace's custom-fields.csv, else
-- the pipeline's defaults) binds to the export's column by the header as written; the value is
-- typed by the field's type and the source's conventions (lib.custom_value). `value` is null
-- when the text does not read as that type (`issue` says why; dq reports it, the record loads
-- without the field).
with mapping as (
  select distinct on (m.object, m.module, m.field)
         m.object, m.module, m.field, lower(m.field_type) as field_type, c.column_name, c.header
  from leadtrekker_to_nutshell.map_custom_fields m
  join etl.raw_columns c on c.source = 'leadtrekker' and c.file = m.object and c.is_custom
                        and lib.header_key(c.header) = lib.header_key(m.source_header)
  where lib.parse_bool(m.confirmed) and m.field is not null
  order by m.object, m.module, m.field, (c.header = m.source_header) desc
),
raw_values as (
  select 'leads' as object, l.lead_id as record_id, l._file, l._line, e.key as column_name, e.value as raw
  from stg_leadtrekker.leads l
  cross join lateral jsonb_each_text(l.custom) e
)
select
  v.object, v.record_id, m.module, m.field, m.field_type, m.header, v.raw,
  lib.custom_value(v.raw, m.field_type, cv.day_first, cv.timezone, cv.decimal_separator, cv.currency) as value,
  lib.value_issue(v.raw, m.field_type, cv.day_first, cv.decimal_separator) as issue,
  v._file, v._line
from raw_values v
join mapping m on m.object = v.object and m.column_name = v.column_name
cross join stg_leadtrekker.conventions cv
where lib.squish(v.raw) is not null
