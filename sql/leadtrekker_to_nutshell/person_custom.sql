-- materialized: table
-- unique_key: person_key, module
-- Each person's typed custom fields per Nutshell entity (Contacts for people, Leads for
-- prospects), merged like the rest of the person: per field, the value of the most recently
-- modified lead that has one (custom_values types them, lead by lead). `untyped` keeps the
-- values that did not type, for the description (dq reports them).
with ranked as (
  select distinct on (g.person_key, v.module, v.field)
         g.person_key, v.module, v.field, v.field_type, v.header, v.raw, v.value, v.issue
  from leadtrekker_to_nutshell.custom_values v
  join leadtrekker_to_nutshell.lead_people g on v.object = 'leads' and g.lead_id = v.record_id
  order by g.person_key, v.module, v.field, (v.value is null), g.recency
)
select
  person_key, module,
  coalesce(jsonb_object_agg(field, value) filter (where value is not null), '{}'::jsonb) as payload,
  string_agg(format('%s (not loaded as %s: %s): %s', header, field_type, issue, raw), E'\n' order by header)
    filter (where value is null)                                                         as untyped
from ranked
group by person_key, module
