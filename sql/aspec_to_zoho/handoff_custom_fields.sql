-- Hand-off: every ASPEC custom field definition (the schema audit), the Zoho field and type the
-- mapping in use gives it, and who owned it. ASPEC lets a user define fields only they see; Zoho
-- fields are org-wide, so a per-user field is created for everyone: restrict it with field
-- permissions per profile if it must stay private. "Values in Export": how many records of this
-- export hold a value for it.
with filled as (
  select 'contacts' as object, e.key as column_name, count(*) as n from stg_aspec.contacts k cross join lateral jsonb_object_keys(k.custom) e(key) group by 1, 2
  union all
  select 'companies', e.key, count(*) from stg_aspec.companies c cross join lateral jsonb_object_keys(c.custom) e(key) group by 1, 2
  union all
  select 'opportunities', e.key, count(*) from stg_aspec.opportunities o cross join lateral jsonb_object_keys(o.custom) e(key) group by 1, 2
)
select
  d.field                                                      as "ASPEC Field",
  d.type                                                       as "ASPEC Type",
  d.attached_to                                                as "Attached To",
  coalesce(m.module, case d.object when 'contacts' then 'Contacts' when 'companies' then 'Accounts' when 'opportunities' then 'Deals' end) as "Zoho Module",
  m.field                                                      as "Zoho Field",
  coalesce(nullif(lower(btrim(m.field_type)), ''), t.zoho_type) as "Zoho Type",
  array_to_string(d.options, ' | ')                            as "Options",
  d.owner_user_id                                              as "Per-user Owner",
  u.name                                                       as "Owner Name",
  u.status                                                     as "Owner Status",
  coalesce(f.n, 0)                                             as "Values in Export",
  case
    when m.field is null then 'not in the custom-field mapping: add a row to custom-fields.csv (discover proposes one) and confirm it'
    when not coalesce(lib.parse_bool(m.confirmed), false) then 'mapping not confirmed: check the row in custom-fields.csv and confirm it'
    when t.zoho_type is null and nullif(btrim(m.field_type), '') is null then 'type not in maps/custom_field_type.csv: give the field a type in custom-fields.csv'
    when d.owner_user_id is not null then format('per-user field of %s: now visible to every profile; set field permissions if it must stay private', coalesce(u.name, d.owner_user_id))
    else 'created by setup before data'
  end                                                          as "Action"
from stg_aspec.custom_field_definitions d
left join lateral (
  select m.* from aspec_to_zoho.map_custom_fields m
  where m.object = d.object and lib.header_key(m.source_header) = d.field_key and m.field is not null
  order by lib.parse_bool(m.confirmed) desc nulls last
  limit 1
) m on true
left join aspec_to_zoho.map_custom_field_type t on lower(btrim(t.aspec_type)) = d.type_key
left join stg_aspec.users u on u.user_id = d.owner_user_id
left join filled f on f.object = d.object and f.column_name = d.column_name
order by 4, d.field
