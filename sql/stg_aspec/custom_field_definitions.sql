-- unique_key: object, field_key
-- ASPEC's custom field definitions (custom_field_definitions.csv, the schema audit): one row per
-- field and object it is attached to (the export's last row wins), with its ASPEC type, the
-- user it is private to (per-user fields) and its picklist options. `column_name` is the raw
-- column its values landed in, bound by the header as written (null: no column in this export).
with defs as (
  select d.*,
         lower(lib.squish(d.attached_to)) as attached_key,
         row_number() over (partition by lower(lib.squish(d.attached_to)), lib.header_key(d.field) order by d._line desc) as rn
  from raw_aspec.custom_field_definitions d
  where lib.squish(d.field) is not null
)
select
  lib.squish(d.field)                                          as field,
  lib.header_key(d.field)                                      as field_key,
  lib.squish(d.type)                                           as type,
  lower(lib.squish(d.type))                                    as type_key,
  lib.squish(d.attached_to)                                    as attached_to,
  case d.attached_key when 'contact' then 'contacts' when 'company' then 'companies' when 'opportunity' then 'opportunities'
       else coalesce(d.attached_key, '?') end                  as object,
  nullif(upper(btrim(d.owner_user_id)), '')                    as owner_user_id,
  coalesce(array(select lib.squish(o) from unnest(string_to_array(d.options, '|')) o where lib.squish(o) is not null), '{}') as options,
  c.column_name,
  d._file, d._line
from defs d
left join lateral (
  -- an exact header wins over one that differs in case or spacing only
  select rc.column_name from etl.raw_columns rc
  where rc.source = 'aspec' and rc.is_custom
    and rc.file = case d.attached_key when 'contact' then 'contacts' when 'company' then 'companies' when 'opportunity' then 'opportunities' end
    and lib.header_key(rc.header) = lib.header_key(d.field)
  order by (rc.header = lib.squish(d.field)) desc
  limit 1
) c on true
where d.rn = 1
