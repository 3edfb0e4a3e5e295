-- unique_key: person_id, company_id
-- indexes: company_id
-- Person-company links, typed once; one row per (person, company) pair, the first in file order
-- (_line): the first link is the fallback primary.
select distinct on (btrim(pc.person_id), btrim(pc.company_id))
  btrim(pc.person_id)                                   as person_id,
  btrim(pc.company_id)                                  as company_id,
  coalesce(lib.parse_bool(pc.is_primary), false)        as is_primary,
  lib.squish(pc.is_primary)                             as is_primary_raw,
  pc._file, pc._line
from raw_leadtrac.person_companies pc
where btrim(pc.person_id) <> '' and btrim(pc.company_id) <> ''
order by btrim(pc.person_id), btrim(pc.company_id), pc._line
