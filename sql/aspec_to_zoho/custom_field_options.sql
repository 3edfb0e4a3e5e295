-- The picklist options ASPEC's definitions give each mapped custom field (module, field,
-- option), which `setup` adds to the destination picklist beside the values the records hold:
-- an option no record uses yet is still there for the people who pick it after the move.
select distinct m.module, m.field, o.option
from aspec_to_zoho.map_custom_fields m
join stg_aspec.custom_field_definitions d on d.object = m.object and d.field_key = lib.header_key(m.source_header)
cross join lateral unnest(d.options) as o(option)
where lib.parse_bool(m.confirmed) and m.field is not null
