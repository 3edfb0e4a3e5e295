-- Custom field definitions (custom_fields.csv) with the export column that carries each one
-- (etl.raw_columns: headers matched case- and whitespace-insensitively); column_name is null
-- when the field is defined but no file has the column.
select distinct on (lower(btrim(d.object)), lower(lib.squish(d.field)))
  lower(btrim(d.object))                                as object,
  lib.squish(d.field)                                   as field,
  lower(btrim(d.type))                                  as type,
  coalesce(array(select lib.squish(o) from unnest(string_to_array(d.options, '|')) o where lib.squish(o) is not null), '{}') as options,
  rc.column_name,
  rc.file                                               as raw_table,
  d._line
from raw_leadtrac.custom_fields d
left join etl.raw_columns rc
  on rc.source = 'leadtrac'
 and rc.file = case lower(btrim(d.object)) when 'lead' then 'leads' when 'person' then 'people' end
 and lower(regexp_replace(btrim(rc.header), '\s+', ' ', 'g')) = lower(lib.squish(d.field))
where btrim(d.field) <> ''
order by lower(btrim(d.object)), lower(lib.squish(d.field)), d._line
