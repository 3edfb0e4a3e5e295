-- Custom-field values per record as the `_custom` jsonb the loader reads ({source column: value}),
-- typed in stg_leadtrac.custom_values; pipelines/leadtrac-to-nutshell/custom-fields.csv maps each
-- source column to its Nutshell field.
select object, record_id, jsonb_object_agg(column_name, value) as custom
from stg_leadtrac.custom_values
where value is not null
group by object, record_id
