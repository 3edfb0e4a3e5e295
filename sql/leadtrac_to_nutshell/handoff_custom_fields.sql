-- LeadTrac custom field definitions and the Nutshell field each becomes (created by setup over
-- REST; anything setup could not create is in the admin checklist).
select
  initcap(d.object) as leadtrac_object, d.field, d.type as leadtrac_type,
  array_to_string(d.options, ' | ')                      as options,
  case d.object when 'lead' then 'Leads' else 'Contacts' end as nutshell_module,
  case d.type when 'date' then 'Date' when 'picklist' then 'Decision' when 'number' then 'Text (Nutshell has no number field; plain decimal)' else 'Text' end as nutshell_type,
  case when d.column_name is null then 'no column in the export: nothing to migrate' else 'migrated' end as status
from stg_leadtrac.custom_fields d
