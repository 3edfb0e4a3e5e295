-- materialized: table
-- LeadTrac companies, typed. One row per Company ID: the export's last row wins when an ID repeats.
-- Domain is reduced to the host ("https://www.x.com/" -> "x.com"); Employees to a whole number
-- ("3,410" -> 3410; a range such as "50-100" stays text only, reported by dq_leadtrac).
with ranked as (
  select c.*, row_number() over (partition by btrim(company_id) order by _line desc) as rn,
         count(*) over (partition by btrim(company_id)) as id_rows
  from raw_leadtrac.companies c
  where btrim(company_id) <> ''
)
select
  btrim(company_id)                                     as company_id,
  lib.squish(name)                                      as name,
  lib.squish(domain)                                    as domain_raw,
  nullif(regexp_replace(regexp_replace(lower(btrim(domain)), '^[a-z]+://', ''), '^www\.|[/?#].*$', '', 'g'), '') as domain,
  lib.squish(street) as street, lib.squish(city) as city, upper(lib.squish(state)) as state, lib.squish(zip) as zip,
  lib.squish(industry)                                  as industry,
  lib.squish(employees)                                 as employees_raw,
  case when replace(btrim(employees), ',', '') ~ '^\d{1,9}$' then replace(btrim(employees), ',', '')::int end as employees,
  nullif(btrim(parent_company_id), '')                  as parent_company_id,
  id_rows,
  _file, _line
from ranked
where rn = 1
