-- materialized: table
-- Custom-field values, typed once: one row per record and confirmed custom-field mapping that
-- has a value. The mapping in use (map_custom_fields: the workspace's custom-fields.csv, else
-- the pipeline's defaults) binds to the export's column by the header as written; the value is
-- typed by the field's type and the source's conventions (lib.custom_value). `value` is null
-- when the text does not read as that type (`issue` says why; dq reports it, the record loads
-- without the field and the text goes to its description).
-- Each distinct text is typed once per field type: budgets, picklists and dates repeat.
with mapping as (
  select distinct on (m.object, m.module, m.field)
         m.object, m.module, m.field, lower(m.field_type) as field_type, c.column_name, c.header
  from leadtrekker_to_nutshell.map_custom_fields m
  join etl.raw_columns c on c.source = 'leadtrekker' and c.file = m.object and c.is_custom
                        and lib.header_key(c.header) = lib.header_key(m.source_header)
  where lib.parse_bool(m.confirmed) and m.field is not null and m.module is not null  -- setup creates no field without its module
  order by m.object, m.module, m.field, (c.header = m.source_header) desc
),
bound as (
  select 'leads'::text as object, l.lead_id as record_id, m.module, m.field, m.field_type, m.header, e.value as raw, l._file, l._line
  from stg_leadtrekker.leads l
  cross join lateral jsonb_each_text(l.custom) e
  join mapping m on m.object = 'leads' and m.column_name = e.key
  where btrim(e.value) <> ''
),
typed as materialized (
  select t.field_type, t.raw,
         lib.custom_value(t.raw, t.field_type, cv.day_first, cv.timezone, cv.decimal_separator, cv.currency) as value
  from (select distinct field_type, raw from bound) t
  cross join stg_leadtrekker.conventions cv
)
select
  b.object, b.record_id, b.module, b.field, b.field_type, b.header, b.raw, t.value,
  case when t.value is null then lib.value_issue(b.raw, b.field_type, cv.day_first, cv.decimal_separator) end as issue,
  b._file, b._line
from bound b
join typed t on t.field_type = b.field_type and t.raw = b.raw
cross join stg_leadtrekker.conventions cv
