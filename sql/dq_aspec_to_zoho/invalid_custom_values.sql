-- Custom-field values that do not read as their Zoho field's type (a Currency 'TBD', a Date
-- 31/02, a Number 'about 50'): the record loads without that field and the text is kept in its
-- Description. And picklist values that are none of the options the ASPEC definition lists:
-- they load, and setup adds them to the Zoho picklist.
select 'invalid_custom_value'::text as category, 'warning'::text as severity, v.object,
       v.record_id as source_key, v.header as field, v.raw as value,
       format('%s %s: %s; %s left empty, the text kept in Description (%s line %s)', v.module, v.field, v.issue, v.field, v._file, v._line) as message
from aspec_to_zoho.custom_values v
where v.value is null
union all
select 'unlisted_option', 'info', v.object, v.record_id, v.header, v.raw,
       format('%s %s: not one of the options ASPEC defines for %s; loaded as written and added to the Zoho picklist by setup', v.module, v.field, v.header)
from aspec_to_zoho.custom_values v
where not v.in_options
