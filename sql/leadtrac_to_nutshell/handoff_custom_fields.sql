-- Every custom column of the export and every LeadTrac custom-field definition
-- (custom_fields.csv), with the Nutshell field the mapping in use sends it to (created by setup
-- over REST; anything setup could not create is in the admin checklist).
with cols as (
  select c.file, c.column_name, c.header
  from etl.raw_columns c
  where c.source = 'leadtrac' and c.is_custom
),
mapped as (
  select c.file, c.column_name,
         string_agg(m.module || '.' || m.field || ' (' || m.field_type || ')', '; ' order by m.module, m.field) as nutshell_fields,
         bool_and(coalesce(lib.parse_bool(m.confirmed), false)) as confirmed
  from cols c
  join leadtrac_to_nutshell.map_custom_fields m on m.object = c.file and lib.header_key(m.source_header) = lib.header_key(c.header)
  where m.field is not null
  group by c.file, c.column_name
)
select
  coalesce(c.file, d.file, d.object)                     as leadtrac_file,
  coalesce(c.header, d.field)                            as leadtrac_column,
  d.type                                                 as leadtrac_type,
  array_to_string(d.options, ' | ')                      as options,
  m.nutshell_fields,
  case when c.column_name is null then 'defined in custom_fields.csv, but no export file has the column: nothing to migrate'
       when m.nutshell_fields is null then 'not in the custom-field mapping: not migrated (run discover, then map and confirm it)'
       when not m.confirmed then 'mapping not confirmed: load stops at its gate until it is'
       else 'migrated' end                               as status
from cols c
full join stg_leadtrac.custom_fields d on d.file = c.file and d.column_name = c.column_name
left join mapped m on m.file = c.file and m.column_name = c.column_name
