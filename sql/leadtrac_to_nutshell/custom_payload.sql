-- materialized: table
-- unique_key: object, record_id, module
-- Each record's typed custom fields per Nutshell entity as the `_custom` the loader writes
-- ({field: value}), and a line per value that did not type (kept for the record's description,
-- so nothing written in the export is lost; custom_values has the reason and dq reports it).
select
  object, record_id, module,
  coalesce(jsonb_object_agg(field, value) filter (where value is not null), '{}'::jsonb) as payload,
  string_agg(format('%s (not loaded as %s: %s): %s', header, field_type, issue, raw), E'\n' order by header)
    filter (where value is null)                                                        as untyped
from leadtrac_to_nutshell.custom_values
group by object, record_id, module
