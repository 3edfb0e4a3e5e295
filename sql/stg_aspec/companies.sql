-- materialized: table
-- ASPEC companies, typed; one row per Company ID (the export's last row wins). Companies the
-- export repeats under a variant spelling (same company key - accents, capitals and legal forms
-- such as Ltée / Inc. ignored - and the same domain or postal code, directly or through another
-- variant) share `account_company_id`, the lowest Company ID of the group: one Zoho Account.
with recursive ranked as (
  select c.*, row_number() over (partition by btrim(company_id) order by _line desc) as rn
  from raw_aspec.companies c
  where btrim(coalesce(company_id, '')) <> ''
),
typed as (
  select
    btrim(r.company_id)                                         as company_id,
    lib.squish(r.name)                                          as name,
    lib.company_key(r.name)                                     as company_key,
    lib.squish(r.domain)                                        as domain_raw,
    -- Domain written as a host, with www., a scheme or a path: the bare host
    nullif(regexp_replace(regexp_replace(lower(lib.squish(r.domain)), '^(https?://)?(www\.)?', ''), '[/?#].*$', ''), '') as domain_host,
    lib.squish(r.street)                                        as street,
    lib.squish(r.city)                                          as city,
    lib.squish(r.province)                                      as province_raw,
    lib.squish(r.postal_code)                                   as postal_code_raw,
    lib.squish(r.country)                                       as country_raw,
    lib.squish(r.owner_id)                                      as owner_raw,
    r.tags                                                      as tags_raw,
    (select coalesce(jsonb_object_agg(v.col, v.value) filter (where v.value is not null), '{}'::jsonb)
       from stg_aspec.custom_values v where v.object = 'companies' and v.record_id = btrim(r.company_id) and v._line = r._line) as custom,
    r._file, r._line
  from ranked r
  where rn = 1
),
cleaned as (
  select t.*,
    case when t.domain_host ~ '^[a-z0-9-]+(\.[a-z0-9-]+)+$' then t.domain_host end as domain,
    case upper(lib.fold_accents(coalesce(t.province_raw, '')))
      when 'QC' then 'QC' when 'QUEBEC' then 'QC' when 'QUE.' then 'QC' when 'ON' then 'ON' when 'ONTARIO' then 'ON'
      when 'BC' then 'BC' when 'BRITISH COLUMBIA' then 'BC' when 'AB' then 'AB' when 'ALBERTA' then 'AB'
      when 'MB' then 'MB' when 'MANITOBA' then 'MB' when 'SK' then 'SK' when 'SASKATCHEWAN' then 'SK'
      when 'NS' then 'NS' when 'NOVA SCOTIA' then 'NS' when 'NB' then 'NB' when 'NEW BRUNSWICK' then 'NB'
      when 'NL' then 'NL' when 'NEWFOUNDLAND AND LABRADOR' then 'NL' when 'PE' then 'PE' when 'PRINCE EDWARD ISLAND' then 'PE'
      when 'YT' then 'YT' when 'NT' then 'NT' when 'NU' then 'NU'
      else t.province_raw end                                   as province,
    case when upper(replace(coalesce(t.postal_code_raw, ''), ' ', '')) ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$'
         then substr(upper(replace(t.postal_code_raw, ' ', '')), 1, 3) || ' ' || substr(upper(replace(t.postal_code_raw, ' ', '')), 4, 3)
         else t.postal_code_raw end                             as postal_code,
    upper(replace(coalesce(t.postal_code_raw, ''), ' ', '')) ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$' as postal_code_valid,
    case when t.country_raw is null or upper(t.country_raw) in ('CA', 'CAN', 'CANADA') then 'Canada' else t.country_raw end as country
  from typed t
),
edges as (
  select a.company_id as a, b.company_id as b
  from cleaned a
  join cleaned b on a.company_key = b.company_key
   and ((a.domain is not null and a.domain = b.domain) or (a.postal_code_valid and b.postal_code_valid and a.postal_code = b.postal_code))
),
reach (a, b) as (
  select a, b from edges
  union
  select r.a, e.b from reach r join edges e on e.a = r.b
)
select
  c.*,
  coalesce((select min(b) from reach where reach.a = c.company_id), c.company_id) as account_company_id
from cleaned c
