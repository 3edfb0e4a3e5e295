-- materialized: table
-- Person-company links, typed, in file order (_line): the first link is the fallback primary.
select distinct on (btrim(person_id), btrim(company_id))
  btrim(person_id)                                      as person_id,
  btrim(company_id)                                     as company_id,
  coalesce(lib.parse_bool(is_primary), false)           as is_primary,
  _file, _line
from raw_leadtrac.person_companies
where btrim(person_id) <> '' and btrim(company_id) <> ''
order by btrim(person_id), btrim(company_id), _line
