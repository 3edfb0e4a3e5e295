-- unique_key: contact_id
-- indexes: account_company_id; email
-- ASPEC contacts, typed once by the source's conventions; one row per Contact ID (the export's
-- last row wins, `id_rows` counts repeats). Names through lib.person_name: First/Last as the
-- export split them, a whole name in one column split. Phones in E.164 (the source's phone
-- country when written without one), provinces as two-letter codes, postal codes as 'A1A 1A1',
-- an address without a country in the source's country. The company resolves to its
-- account (stg_aspec.companies.account_company_id); custom fields: every column the connector
-- does not declare, as exported.
with ranked as (
  select c.*,
         row_number() over (partition by btrim(c.contact_id) order by c._line desc) as rn,
         count(*) over (partition by btrim(c.contact_id))                          as id_rows,
         raw_aspec.contacts_custom(c)                                               as custom
  from raw_aspec.contacts c
  where btrim(c.contact_id) <> ''
)
select
  btrim(k.contact_id)                                          as contact_id,
  lib.squish(k.first_name)                                     as first_name_raw,
  lib.squish(k.last_name)                                      as last_name_raw,
  n.salutation,
  n.first_name,
  n.middle                                                     as middle_name,
  n.last_name,
  n.suffix,
  -- why a person should look at the name (null: nothing doubtful)
  case when n.uncertain then coalesce(n.reason, 'check the name') end as name_uncertain,
  lib.squish(k.email)                                          as email_raw,
  lib.clean_email(k.email)                                     as email,
  coalesce(lib.is_valid_email(lib.clean_email(k.email)), false) as email_valid,
  lib.squish(k.phone)                                          as phone_raw,
  lib.phone_e164(k.phone, cv.phone_country)                    as phone_e164,
  lib.squish(k.street)                                         as street,
  lib.squish(k.city)                                           as city,
  lib.squish(k.province)                                       as province_raw,
  -- Canadian provinces as their two-letter codes, however written; other values as written
  case upper(lib.fold_accents(coalesce(lib.squish(k.province), '')))
    when 'QC' then 'QC' when 'QUEBEC' then 'QC' when 'QUE.' then 'QC' when 'ON' then 'ON' when 'ONTARIO' then 'ON'
    when 'BC' then 'BC' when 'BRITISH COLUMBIA' then 'BC' when 'AB' then 'AB' when 'ALBERTA' then 'AB'
    when 'MB' then 'MB' when 'MANITOBA' then 'MB' when 'SK' then 'SK' when 'SASKATCHEWAN' then 'SK'
    when 'NS' then 'NS' when 'NOVA SCOTIA' then 'NS' when 'NB' then 'NB' when 'NEW BRUNSWICK' then 'NB'
    when 'NL' then 'NL' when 'NEWFOUNDLAND AND LABRADOR' then 'NL' when 'PE' then 'PE' when 'PRINCE EDWARD ISLAND' then 'PE'
    when 'YT' then 'YT' when 'NT' then 'NT' when 'NU' then 'NU'
    else lib.squish(k.province) end                            as province,
  lib.squish(k.postal_code)                                    as postal_code_raw,
  case when p.key ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$' then substr(p.key, 1, 3) || ' ' || substr(p.key, 4, 3)
       else lib.squish(k.postal_code) end                      as postal_code,
  -- the Canadian postal code shape (A1A 1A1); dq reports a Canadian address without it
  coalesce(p.key ~ '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$', false) as postal_code_valid,
  lib.squish(k.country)                                        as country_raw,
  case when lib.squish(k.country) is null then cv.phone_country else ct.code end as country_code,
  case when lib.squish(k.country) is null then home.name else coalesce(ct.name, lib.squish(k.country)) end as country,
  nullif(btrim(k.company_id), '')                              as company_id,
  co.company_id is not null                                    as company_known,
  co.account_company_id,
  lib.squish(k.owner_id)                                       as owner_raw,
  k.tags                                                       as tags_raw,
  k.custom,
  k.id_rows,
  k._file, k._line
from ranked k
cross join stg_aspec.conventions cv
cross join lateral lib.person_name(k.first_name, k.last_name, null) n
cross join lateral (select upper(replace(k.postal_code, ' ', '')) as key) p
left join stg_aspec.countries ct on ct.alias = lower(lib.fold_accents(lib.squish(k.country)))
left join stg_aspec.countries home on home.alias = lower(cv.phone_country)
left join stg_aspec.companies co on co.company_id = btrim(k.company_id)
where k.rn = 1
