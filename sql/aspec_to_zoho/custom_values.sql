-- materialized: table
-- unique_key: object, record_id, field
-- Custom-field values, typed once: one row per record and confirmed custom-field mapping that
-- has a value. The mapping in use (map_custom_fields: the workspace's custom-fields.csv, else
-- the pipeline's defaults) binds to the export's column by the header as written; the value is
-- typed by the field's type (the mapping's, else the ASPEC definition's through
-- maps/custom_field_type.csv) and the source's conventions (lib.custom_value). `value` is null
-- when the text does not read as that type (`issue` says why; dq reports it, the record loads
-- without the field). A picklist value takes the spelling of the ASPEC definition's option it
-- matches ('francais' -> 'Français'); `in_options` is false when a value matches none.
with mapping as (
  select distinct on (m.object, m.field)
         m.object, m.module, m.field, c.column_name, c.header,
         coalesce(nullif(lower(btrim(m.field_type)), ''), t.zoho_type, nullif(lower(btrim(m.inferred_type)), ''), 'text') as field_type,
         d.options
  from aspec_to_zoho.map_custom_fields m
  join etl.raw_columns c on c.source = 'aspec' and c.file = m.object and c.is_custom
                        and lib.header_key(c.header) = lib.header_key(m.source_header)
  left join stg_aspec.custom_field_definitions d on d.object = m.object and d.field_key = lib.header_key(m.source_header)
  left join aspec_to_zoho.map_custom_field_type t on lower(btrim(t.aspec_type)) = d.type_key
  where lib.parse_bool(m.confirmed) and m.field is not null and m.module is not null  -- setup creates no field without its module
  order by m.object, m.field, (c.header = m.source_header) desc
),
raw_values as (
  select 'contacts' as object, k.contact_id as record_id, k._file, k._line, e.key as column_name, e.value as raw
  from stg_aspec.contacts k
  cross join lateral jsonb_each_text(k.custom) e
  union all
  select 'companies', c.company_id, c._file, c._line, e.key, e.value
  from stg_aspec.companies c
  cross join lateral jsonb_each_text(c.custom) e
  union all
  select 'opportunities', o.opportunity_id, o._file, o._line, e.key, e.value
  from stg_aspec.opportunities o
  cross join lateral jsonb_each_text(o.custom) e
),
typed as (
  select
    v.object, v.record_id, m.module, m.field, m.field_type, m.header, m.options, v.raw,
    lib.custom_value(v.raw, m.field_type, cv.day_first, cv.timezone, cv.decimal_separator, cv.currency) as value,
    cv.day_first, cv.decimal_separator,
    v._file, v._line
  from raw_values v
  join mapping m on m.object = v.object and m.column_name = v.column_name
  cross join stg_aspec.conventions cv
  where lib.squish(v.raw) is not null
),
-- each picklist choice matched to a defined option, accents and case aside
choices as (
  select t.object, t.record_id, t.field, e.ord, e.choice,
         (select o from unnest(t.options) o where lower(lib.fold_accents(o)) = lower(lib.fold_accents(e.choice)) limit 1) as option
  from typed t
  cross join lateral jsonb_array_elements_text(case jsonb_typeof(t.value) when 'array' then t.value else jsonb_build_array(t.value) end)
                     with ordinality e(choice, ord)
  where t.field_type in ('picklist', 'multiselectpicklist') and cardinality(t.options) > 0 and t.value is not null
),
matched as (
  select object, record_id, field,
         jsonb_agg(to_jsonb(coalesce(option, choice)) order by ord) as choices,
         bool_and(option is not null)                               as in_options
  from choices
  group by object, record_id, field
)
select
  t.object, t.record_id, t.module, t.field, t.field_type, t.header, t.raw,
  case when mt.choices is null then t.value
       when jsonb_typeof(t.value) = 'array' then mt.choices
       else mt.choices -> 0 end                                 as value,
  -- the reason is looked for only where the value did not type
  case when t.value is null then lib.value_issue(t.raw, t.field_type, t.day_first, t.decimal_separator) end as issue,
  mt.in_options,
  t._file, t._line
from typed t
left join matched mt on mt.object = t.object and mt.record_id = t.record_id and mt.field = t.field
