-- materialized: table
-- Every custom-field value of the export (columns the connector does not know), typed by its
-- definition so the loader receives values Zoho takes: money and numbers as plain numbers
-- ('12 500,00 $' -> 12500.00), dates as yyyy-mm-dd (day-first), checkboxes as true/false,
-- picklist values in the option's own spelling, multi-selects ';'-separated. `value` is null
-- when the text does not convert: the record loads without it and dq_aspec.invalid_custom_values
-- reports it.
with cells as (
  select 'contacts' as object, btrim(c.contact_id) as record_id, c._line, e.k as col, e.v as raw
  from raw_aspec.contacts c
  cross join lateral jsonb_each_text(to_jsonb(c) - array['contact_id', 'first_name', 'last_name', 'email', 'phone', 'street', 'city', 'province',
    'postal_code', 'country', 'company_id', 'owner_id', 'tags', '_file', '_line', '_batch_id', '_row_hash', '_extracted_at']) e(k, v)
  union all
  select 'companies', btrim(c.company_id), c._line, e.k, e.v
  from raw_aspec.companies c
  cross join lateral jsonb_each_text(to_jsonb(c) - array['company_id', 'name', 'domain', 'street', 'city', 'province', 'postal_code', 'country',
    'owner_id', 'tags', '_file', '_line', '_batch_id', '_row_hash', '_extracted_at']) e(k, v)
  union all
  select 'opportunities', btrim(o.opportunity_id), o._line, e.k, e.v
  from raw_aspec.opportunities o
  cross join lateral jsonb_each_text(to_jsonb(o) - array['opportunity_id', 'name', 'company_id', 'contact_id', 'value', 'stage', 'expected_close',
    'owner_id', 'probability', 'tags', '_file', '_line', '_batch_id', '_row_hash', '_extracted_at']) e(k, v)
),
typed as (
  select c.*, d.field, d.type, d.zoho_type, d.options, lib.squish(c.raw) as txt
  from cells c
  left join stg_aspec.custom_field_definitions d on d.object = c.object and d.column_name = c.col
  where lib.squish(c.raw) is not null
)
select
  t.object, t.record_id, t._line, t.col, t.field, t.type, t.zoho_type, t.raw,
  case
    when t.zoho_type in ('currency', 'double') then lib.parse_money(t.txt)::text
    when t.zoho_type = 'date' then to_char(lib.parse_date(t.txt, true), 'YYYY-MM-DD')
    when t.zoho_type = 'boolean' then lib.parse_bool(t.txt)::text
    when t.zoho_type = 'picklist' then coalesce(
      (select o from unnest(t.options) o where lower(lib.fold_accents(o)) = lower(lib.fold_accents(t.txt)) limit 1), t.txt)
    when t.zoho_type = 'multiselectpicklist' then (
      select string_agg(coalesce((select o from unnest(t.options) o where lower(lib.fold_accents(o)) = lower(lib.fold_accents(lib.squish(v))) limit 1), lib.squish(v)), ';')
      from unnest(regexp_split_to_array(t.txt, '\s*[;|]\s*')) v where lib.squish(v) is not null)
    when t.zoho_type = 'website' then case when t.txt ~* '^(https?://)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]\S*)?$' then t.txt end
    when t.zoho_type = 'email' then case when lib.is_valid_email(lib.clean_email(t.txt)) then lib.clean_email(t.txt) end
    else t.txt
  end as value
from typed t
