-- unique_key: object, field
-- LeadTrac's own custom-field definitions (custom_fields.csv: Object, Field, Type, Options),
-- one row per object and field (the first definition wins), with the export file and column
-- that carry it: the definition names the column by its header, compared as extract compares
-- headers (lib.header_key; an exact match wins). `column_name` is null when no file has the
-- column. The definitions do not type values (the pipeline's mapping and lib.custom_value
-- do): they give picklist options and the type LeadTrac declares, for checking the mapping.
with defs as (
  select distinct on (lower(btrim(d.object)), lib.header_key(d.field))
    lower(btrim(d.object))                              as object,
    lib.squish(d.field)                                 as field,
    lower(btrim(d.type))                                as type,
    coalesce(array(select lib.squish(o) from unnest(string_to_array(d.options, '|')) o where lib.squish(o) is not null), '{}') as options,
    case lower(btrim(d.object)) when 'lead' then 'leads' when 'leads' then 'leads' when 'person' then 'people' when 'people' then 'people'
         when 'company' then 'companies' when 'companies' then 'companies' end as file,
    d._line
  from raw_leadtrac.custom_fields d
  where lib.squish(d.field) is not null
  order by lower(btrim(d.object)), lib.header_key(d.field), d._line
)
select distinct on (d.object, d.field)
  d.object, d.field, d.type, d.options, d.file,
  rc.column_name,
  rc.header,
  d._line
from defs d
left join etl.raw_columns rc
  on rc.source = 'leadtrac' and rc.file = d.file and lib.header_key(rc.header) = lib.header_key(d.field)
order by d.object, d.field, (rc.header = d.field) desc nulls last
