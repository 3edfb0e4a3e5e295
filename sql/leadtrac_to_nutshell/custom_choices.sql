-- Choices of each picklist custom field: the options custom_fields.csv defines plus any other
-- value the data uses (so no value is refused by the Nutshell Decision field).
select d.object, d.column_name, o as value
from stg_leadtrac.custom_fields d, unnest(d.options) o
where d.type = 'picklist' and d.column_name is not null
union
select v.object, v.column_name, v.value
from stg_leadtrac.custom_values v
where v.type = 'picklist' and v.value is not null
