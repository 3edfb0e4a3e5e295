-- unique_key: company_id
-- indexes: account_company_id; company_key
-- ASPEC companies, typed once by the source's conventions; one row per Company ID (the export's
-- last row wins, `id_rows` counts repeats). Companies the export repeats under a variant
-- spelling (same company key - accents, capitals and legal forms such as Ltée / Inc. ignored -
-- and the same domain or postal code, directly or through another variant) share
-- `account_company_id`, the lowest Company ID of the group: one destination record.
-- An address without a country is in the source's country (its phone country).
with recursive ranked as (
  select c.*,
         row_number() over (partition by btrim(c.company_id) order by c._line desc) as rn,
         count(*) over (partition by btrim(c.company_id))                          as id_rows,
         raw_aspec.companies_custom(c)                                              as custom
  from raw_aspec.companies c
  where btrim(c.company_id) <> ''
),
-- a company key once per spelling, not once per company
names as (
  select n.name, lib.company_key(n.name) as company_key
  from (select distinct lib.squish(name) as name from ranked where rn = 1) n
  where n.name is not null
),
typed as (
  select
    btrim(r.company_id)                                         as company_id,
    lib.squish(r.name)                                          as name,
    n.company_key,
    lib.squish(r.domain)                                        as domain_raw,
    -- Domain written as a host, with www., a scheme or a path: the bare host
    nullif(regexp_replace(regexp_replace(lower(lib.squish(r.domain)), '^(https?://)?(www\.)?', ''), '[/?#].*$', ''), '') as domain_host,
    lib.squish(r.street)                                        as street,
    lib.squish(r.city)                                          as city,
    lib.squish(r.province)                                      as province_raw,
    lib.squish(r.postal_code)                                   as postal_code_raw,
    upper(replace(r.postal_code, ' ', ''))                      as postal_code_key,
    lib.squish(r.country)                                       as country_raw,
    case when lib.squish(r.country) is null then cv.phone_country else ct.code end as country_code,
    case when lib.squish(r.country) is null then home.name else coalesce(ct.name, lib.squish(r.country)) end as country,
    lib.squish(r.owner_id)                                      as owner_raw,
    r.tags                                                      as tags_raw,
    r.custom,
    r.id_rows,
    r._file, r._line
  from ranked r
  cross join stg_aspec.conventions cv
  left join names n on n.name = lib.squish(r.name)
  left join stg_aspec.countries ct on ct.alias = lower(lib.fold_accents(lib.squish(r.country)))
  left join stg_aspec.countries home on home.alias = lower(cv.phone_country)
  where r.rn = 1
),
cleaned as (
  select t.*,
    case when t.domain_host ~ '^[a-z0-9-]+(\.[a-z0-9-]+)+$' then t.domain_host end as domain,
    -- Canadian provinces as their two-letter codes, however written; other values as written
    case upper(lib.fold_accents(coalesce(t.province_raw, '')))
      when 'QC' then 'QC' when 'QUEBEC' then 'QC' when 'QUE.' then 'QC' when 'ON' then 'ON' when 'ONTARIO' then 'ON'
      when 'BC' then 'BC' when 'BRITISH COLUMBIA' then 'BC' when 'AB' then 'AB' when 'ALBERTA' then 'AB'
      when 'MB' then 'MB' when 'MANITOBA' then 'MB' when 'SK' then 'SK' when 'SASKATCHEWAN' then 'SK'
      when 'NS' then 'NS' when 'NOVA SCOTIA' then 'NS' when 'NB' then 'NB' when 'NEW BRUNSWICK' then 'NB'
      when 'NL' then 'NL' when 'NEWFOUNDLAND AND LABRADOR' then 'NL' when 'PE' then 'PE' when 'PRINCE EDWARD ISLAND' then 'PE'
      when 'YT' then 'YT' when 'NT' then 'NT' when 'NU' then 'NU'
      else t.province_raw end                                   as province,
    -- the Canadian postal code shape (A1A 1A1); dq reports a Canadian address without it
    coalesce(t.postal_code_key ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$', false) as postal_code_valid
  from typed t
),
shaped as (
  select c.*,
    case when c.postal_code_valid then substr(c.postal_code_key, 1, 3) || ' ' || substr(c.postal_code_key, 4, 3)
         else c.postal_code_raw end                             as postal_code
  from cleaned c
),
edges as (
  select a.company_id as a, b.company_id as b
  from shaped a
  join shaped b on a.company_key = b.company_key
   and ((a.domain is not null and a.domain = b.domain) or (a.postal_code_valid and b.postal_code_valid and a.postal_code = b.postal_code))
),
reach (a, b) as (
  select a, b from edges
  union
  select r.a, e.b from reach r join edges e on e.a = r.b
),
survivor as (
  select a as company_id, min(b) as account_company_id from reach group by a
)
select
  c.company_id, c.name, c.company_key, c.domain_raw, c.domain_host, c.domain,
  c.street, c.city, c.province_raw, c.province, c.postal_code_raw, c.postal_code, c.postal_code_valid,
  c.country_raw, c.country_code, c.country,
  c.owner_raw, c.tags_raw, c.custom,
  coalesce(s.account_company_id, c.company_id)                  as account_company_id,
  c.id_rows,
  c._file, c._line
from shaped c
left join survivor s on s.company_id = c.company_id
