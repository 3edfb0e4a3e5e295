-- Account names that look alike but were not merged (different key, or nothing else in
-- common): a person decides whether they are one company.
select
  'company_near_duplicate'::text as category, 'info'::text as severity, 'companies'::text as object,
  (select min(c.company_id) from stg_aspec.companies c where c.company_key = p.key_a) as source_key,
  'Name'::text as field,
  array_to_string(p.variants_a, ' / ') as value,
  format('looks like %s (similarity %s); not merged: check whether they are one company', array_to_string(p.variants_b, ' / '), round(p.similarity::numeric, 2)) as message
from lib.company_near_duplicates(array(select name from stg_aspec.companies where account_company_id = company_id), 0.6) p
