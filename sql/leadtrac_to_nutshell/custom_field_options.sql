-- The options LeadTrac's own definition lists (custom_fields.csv Options) for each picklist
-- custom field of the mapping in use, bound like the values (by the header as written). setup
-- adds them to the Decision field beside every value the records hold (custom_values), so an
-- option no record uses yet is still a choice.
select distinct m.module, m.field, o as option
from leadtrac_to_nutshell.map_custom_fields m
join stg_leadtrac.custom_fields d on d.file = m.object and lib.header_key(d.field) = lib.header_key(m.source_header)
cross join lateral unnest(d.options) o
where lib.parse_bool(m.confirmed) and m.field is not null and lower(m.field_type) like '%picklist'
