-- Hand-off: every ASPEC custom field definition (the schema audit), its Zoho field and type, and
-- who owned it. ASPEC lets a user define fields only they see; Zoho fields are org-wide, so a
-- per-user field is created for everyone: restrict it with field permissions per profile if it
-- must stay private. The Zoho API names follow custom-fields.csv (the labels' words joined by
-- '_'; Birthday and Employee Count land in Zoho's standard fields).
select
  d.field                                                      as "ASPEC Field",
  d.type                                                       as "ASPEC Type",
  d.attached_to                                                as "Attached To",
  d.zoho_module                                                as "Zoho Module",
  case d.column_name when 'birthday' then 'Date_of_Birth' when 'employee_count' then 'Employees'
       else regexp_replace(regexp_replace(lib.fold_accents(d.field), '[^A-Za-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g') end as "Zoho Field",
  d.zoho_type                                                  as "Zoho Type",
  array_to_string(d.options, ' | ')                            as "Options",
  d.owner_user_id                                              as "Per-user Owner",
  u.name                                                       as "Owner Name",
  u.status                                                     as "Owner Status",
  (select count(*) from stg_aspec.custom_values v where v.object = d.object and v.col = d.column_name) as "Values in Export",
  case
    when d.zoho_type is null then 'type not in maps/custom_field_type.csv: add it, then map the field in custom-fields.csv'
    when d.owner_user_id is not null then format('per-user field of %s: now visible to every profile; set field permissions if it must stay private', coalesce(u.name, d.owner_user_id))
    else 'created by setup before data'
  end                                                          as "Action"
from stg_aspec.custom_field_definitions d
left join stg_aspec.users u on u.user_id = d.owner_user_id
order by d.zoho_module, d.field
