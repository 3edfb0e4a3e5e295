-- Custom-field values that do not fit their field's type (a Currency 'TBD', a Date 31/02, a
-- Number 'about 50'): the record loads without that value.
select 'invalid_custom_value'::text as category, 'warning'::text as severity, v.object,
       v.record_id as source_key, coalesce(v.field, v.col) as field, v.raw as value,
       format('not a valid %s value; the record loads without it', coalesce(v.type, 'custom')) as message
from stg_aspec.custom_values v
where v.value is null
