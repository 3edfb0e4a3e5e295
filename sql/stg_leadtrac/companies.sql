-- unique_key: company_id
-- indexes: parent_company_id
-- LeadTrac companies, typed once by the source's conventions. One row per Company ID: the
-- export's last row wins when an ID repeats. Domain is reduced to the host
-- ("https://www.x.com/" -> "x.com"); Employees to a whole number by the source's decimal
-- separator ("3,410" -> 3410 where "," groups thousands; a range such as "50-100" stays text
-- only, reported by dq_leadtrac). LeadTrac addresses carry no country: the source's country
-- (its phone country) is theirs. Custom fields: the columns the connector does not declare.
with ranked as (
  select c.*,
         row_number() over (partition by btrim(c.company_id) order by c._line desc) as rn,
         count(*) over (partition by btrim(c.company_id))                            as id_rows,
         raw_leadtrac.companies_custom(c)                                             as custom
  from raw_leadtrac.companies c
  where btrim(c.company_id) <> ''
)
select
  btrim(r.company_id)                                   as company_id,
  lib.squish(r.name)                                    as name,
  lib.squish(r.domain)                                  as domain_raw,
  nullif(regexp_replace(regexp_replace(lower(btrim(r.domain)), '^[a-z]+://', ''), '^www\.|[/?#].*$', '', 'g'), '') as domain,
  lib.squish(r.street)                                  as street,
  lib.squish(r.city)                                    as city,
  upper(lib.squish(r.state))                            as state,
  lib.squish(r.zip)                                     as zip,
  cv.phone_country                                      as country,
  lib.squish(r.industry)                                as industry,
  lib.squish(r.employees)                               as employees_raw,
  (lib.typed_value(r.employees, 'integer', cv.day_first, cv.timezone, cv.decimal_separator) #>> '{}')::numeric as employees,
  nullif(btrim(r.parent_company_id), '')                as parent_company_id,
  r.custom,
  r.id_rows,
  r._file, r._line, r._row_hash
from ranked r
cross join stg_leadtrac.conventions cv
where r.rn = 1
