-- materialized: table
-- ASPEC contacts, typed; one row per Contact ID (the export's last row wins). Names: First/Last
-- as written, a whole name in one column split by lib.split_name, capitals re-cased, a title
-- ("Dr. Anne") taken to the salutation. Phones in E.164 (Canada by default), provinces as
-- two-letter codes, postal codes as 'A1A 1A1'. The company resolves to its Account
-- (stg_aspec.companies.account_company_id).
with ranked as (
  select c.*, row_number() over (partition by btrim(contact_id) order by _line desc) as rn
  from raw_aspec.contacts c
  where btrim(coalesce(contact_id, '')) <> ''
),
named as (
  select r.*, lib.split_name(concat_ws(' ', lib.squish(r.first_name), lib.squish(r.last_name))) as n
  from ranked r
  where rn = 1
)
select
  btrim(k.contact_id)                                          as contact_id,
  lib.squish(k.first_name)                                     as first_name_raw,
  lib.squish(k.last_name)                                      as last_name_raw,
  (k.n).salutation                                             as salutation,
  nullif(concat_ws(' ', (k.n).first_name, (k.n).middle), '')   as first_name,
  nullif(concat_ws(' ', (k.n).last_name, (k.n).suffix), '')    as last_name,
  (k.n).uncertain                                              as name_uncertain,
  (k.n).reason                                                 as name_reason,
  lib.squish(k.email)                                          as email_raw,
  lib.clean_email(k.email)                                     as email,
  coalesce(lib.is_valid_email(lib.clean_email(k.email)), false) as email_valid,
  lib.squish(k.phone)                                          as phone_raw,
  lib.phone_e164(k.phone, 'CA')                                as phone,
  lib.squish(k.street)                                         as street,
  lib.squish(k.city)                                           as city,
  lib.squish(k.province)                                       as province_raw,
  case upper(lib.fold_accents(coalesce(lib.squish(k.province), '')))
    when 'QC' then 'QC' when 'QUEBEC' then 'QC' when 'QUE.' then 'QC' when 'ON' then 'ON' when 'ONTARIO' then 'ON'
    when 'BC' then 'BC' when 'BRITISH COLUMBIA' then 'BC' when 'AB' then 'AB' when 'ALBERTA' then 'AB'
    when 'MB' then 'MB' when 'MANITOBA' then 'MB' when 'SK' then 'SK' when 'SASKATCHEWAN' then 'SK'
    when 'NS' then 'NS' when 'NOVA SCOTIA' then 'NS' when 'NB' then 'NB' when 'NEW BRUNSWICK' then 'NB'
    when 'NL' then 'NL' when 'NEWFOUNDLAND AND LABRADOR' then 'NL' when 'PE' then 'PE' when 'PRINCE EDWARD ISLAND' then 'PE'
    when 'YT' then 'YT' when 'NT' then 'NT' when 'NU' then 'NU'
    else lib.squish(k.province) end                            as province,
  lib.squish(k.postal_code)                                    as postal_code_raw,
  case when upper(replace(coalesce(k.postal_code, ''), ' ', '')) ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$'
       then substr(upper(replace(k.postal_code, ' ', '')), 1, 3) || ' ' || substr(upper(replace(k.postal_code, ' ', '')), 4, 3)
       else lib.squish(k.postal_code) end                      as postal_code,
  upper(replace(coalesce(k.postal_code, ''), ' ', '')) ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$' as postal_code_valid,
  case when lib.squish(k.country) is null or upper(lib.squish(k.country)) in ('CA', 'CAN', 'CANADA') then 'Canada' else lib.squish(k.country) end as country,
  nullif(btrim(k.company_id), '')                              as company_id,
  co.account_company_id,
  lib.squish(k.owner_id)                                       as owner_raw,
  k.tags                                                       as tags_raw,
  (select coalesce(jsonb_object_agg(v.col, v.value) filter (where v.value is not null), '{}'::jsonb)
     from stg_aspec.custom_values v where v.object = 'contacts' and v.record_id = btrim(k.contact_id) and v._line = k._line) as custom,
  k._file, k._line
from named k
left join stg_aspec.companies co on co.company_id = nullif(btrim(k.company_id), '')
