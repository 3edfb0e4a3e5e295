-- materialized: table
-- ASPEC's custom field definitions (the schema audit the seed makes mandatory): one row per
-- field and object, typed for Zoho through maps/custom_field_type.csv. `column_name` is the raw
-- column the field's values land in (the extract names columns from headers this way).
select
  lib.squish(d.field)                                          as field,
  lib.squish(d.type)                                           as type,
  lower(lib.squish(d.type))                                    as type_key,
  lib.squish(d.attached_to)                                    as attached_to,
  case lower(lib.squish(d.attached_to))
    when 'contact' then 'contacts' when 'company' then 'companies' when 'opportunity' then 'opportunities' end as object,
  case lower(lib.squish(d.attached_to))
    when 'contact' then 'Contacts' when 'company' then 'Accounts' when 'opportunity' then 'Deals' end as zoho_module,
  nullif(upper(btrim(d.owner_user_id)), '')                    as owner_user_id,
  coalesce(array(select lib.squish(o) from unnest(string_to_array(d.options, '|')) o where lib.squish(o) is not null), '{}') as options,
  trim(both '_' from regexp_replace(lower(lib.fold_accents(lib.squish(d.field))), '[^a-z0-9]+', '_', 'g')) as column_name,
  m.zoho_type,
  d._file, d._line
from raw_aspec.custom_field_definitions d
left join aspec_to_zoho.map_custom_field_type m on lower(btrim(m.aspec_type)) = lower(lib.squish(d.type))
where lib.squish(d.field) is not null
