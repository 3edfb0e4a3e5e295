-- materialized: table
-- One row per record and defined custom field that has a value, typed by its definition:
-- date -> yyyy-mm-dd (LeadTrac dates are month-first), number -> plain decimal (currency signs
-- and thousands separators dropped), picklist -> the option as defined (matched
-- case-insensitively), text as exported. `value` is null when the text does not fit the type
-- (reported by dq_leadtrac; the record loads without it).
with v as (
  select 'lead' as object, l.lead_id as record_id, e.key as column_name, e.value #>> '{}' as raw
  from stg_leadtrac.leads l, jsonb_each(l.custom) e
  union all
  select 'person', p.person_id, e.key, e.value #>> '{}'
  from stg_leadtrac.people p, jsonb_each(p.custom) e
)
select
  v.object, v.record_id, d.field, d.type, v.column_name, v.raw,
  case d.type
    when 'date' then to_char(lib.parse_date(v.raw, false), 'YYYY-MM-DD')
    when 'number' then case when regexp_replace(btrim(v.raw), '[$,\s]|USD', '', 'g') ~ '^-?\d+(\.\d+)?$'
                            then regexp_replace(btrim(v.raw), '[$,\s]|USD', '', 'g') end
    when 'picklist' then coalesce((select o from unnest(d.options) o where lower(o) = lower(lib.squish(v.raw)) limit 1), lib.squish(v.raw))
    else lib.squish(v.raw)
  end as value,
  case when d.type = 'picklist' and not exists (select 1 from unnest(d.options) o where lower(o) = lower(lib.squish(v.raw))) then false else true end as in_options
from v
join stg_leadtrac.custom_fields d on d.object = v.object and d.column_name = v.column_name
