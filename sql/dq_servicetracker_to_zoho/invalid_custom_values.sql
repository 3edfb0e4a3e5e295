-- Custom-field values that do not read as their field's type: the record loads without the
-- field and the text is kept in its Description.
select 'invalid_custom_value'::text as category, 'warning'::text as severity, v.object, v.object || ':' || v.record_id as source_key,
       v.header as field, v.raw as value,
       format('%s %s: %s; %s left empty, the text kept in Description (%s line %s)', v.module, v.field, v.issue, v.field, v._file, v._line) as message
from servicetracker_to_zoho.custom_values v
where v.value is null
