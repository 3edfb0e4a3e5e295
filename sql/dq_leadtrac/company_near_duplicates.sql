-- Companies whose names look alike but are separate records of the export: loaded as separate
-- Nutshell accounts; a person decides whether they are one company.
select
  'company_near_duplicate'::text as category, 'info'::text as severity, 'companies'::text as object,
  (select min(c.company_id) from stg_leadtrac.companies c where lib.company_key(c.name) = p.key_a) as source_key,
  'Name'::text as field,
  array_to_string(p.variants_a, ' / ') as value,
  format('looks like %s (similarity %s); loaded as separate accounts: check whether they are one company', array_to_string(p.variants_b, ' / '), round(p.similarity::numeric, 2)) as message
from lib.company_near_duplicates(array(select name from stg_leadtrac.companies), 0.6) p
