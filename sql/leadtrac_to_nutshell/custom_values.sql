-- materialized: table
-- unique_key: object, record_id, module, field
-- indexes: module, field
-- Custom-field values, typed once: one row per record and confirmed custom-field mapping that
-- has a value. The mapping in use (map_custom_fields: the workspace's custom-fields.csv, else
-- the pipeline's defaults) binds to the export's column by the header as written; the value is
-- typed by the field's type and the source's conventions (lib.custom_value). `value` is null
-- when the text does not read as that type (`issue` says why; dq reports it, the record loads
-- without the field and the text goes to its description).
-- LeadTrac's own definition of the column (custom_fields.csv) spells a picklist's options: a
-- value matching one case-insensitively is written as the option is spelled (`option_matched`
-- is false for a value the definition does not list, null when it lists no options).
-- Each distinct text is typed once per field type (picklists and dates repeat across records).
with mapping as (
  select distinct on (m.object, m.module, m.field)
         m.object, m.module, m.field, lower(m.field_type) as field_type, c.column_name, c.header
  from leadtrac_to_nutshell.map_custom_fields m
  join etl.raw_columns c on c.source = 'leadtrac' and c.file = m.object and c.is_custom
                        and lib.header_key(c.header) = lib.header_key(m.source_header)
  where lib.parse_bool(m.confirmed) and m.field is not null and m.module is not null  -- setup creates no field without its module
  order by m.object, m.module, m.field, (c.header = m.source_header) desc
),
raw_values as (
  select 'leads' as object, l.lead_id as record_id, l._file, l._line, e.key as column_name, e.value as raw
  from stg_leadtrac.leads l
  cross join lateral jsonb_each_text(l.custom) e
  union all
  select 'people', p.person_id, p._file, p._line, e.key, e.value
  from stg_leadtrac.people p
  cross join lateral jsonb_each_text(p.custom) e
  union all
  select 'companies', c.company_id, c._file, c._line, e.key, e.value
  from stg_leadtrac.companies c
  cross join lateral jsonb_each_text(c.custom) e
),
bound as (
  select v.object, v.record_id, m.module, m.field, m.field_type, m.header, v.raw, d.type as defined_type, d.options, v._file, v._line
  from raw_values v
  join mapping m on m.object = v.object and m.column_name = v.column_name
  left join stg_leadtrac.custom_fields d on d.file = v.object and d.column_name = v.column_name
  where lib.squish(v.raw) is not null
),
typed as materialized (
  select t.field_type, t.raw,
         lib.custom_value(t.raw, t.field_type, cv.day_first, cv.timezone, cv.decimal_separator, cv.currency) as value
  from (select distinct field_type, raw from bound) t
  cross join stg_leadtrac.conventions cv
)
select
  b.object, b.record_id, b.module, b.field, b.field_type, b.header, b.raw, b.defined_type,
  coalesce(to_jsonb(o.option), t.value)                  as value,
  case when o.option is null and t.value is null
       then lib.value_issue(b.raw, b.field_type, cv.day_first, cv.decimal_separator) end as issue,
  case when b.field_type = 'picklist' and cardinality(b.options) > 0 then o.option is not null end as option_matched,
  b._file, b._line
from bound b
join typed t on t.field_type = b.field_type and t.raw = b.raw
cross join stg_leadtrac.conventions cv
left join lateral (
  select x as option from unnest(b.options) x
  where b.field_type = 'picklist' and lower(x) = lower(lib.squish(b.raw))
  limit 1
) o on true
