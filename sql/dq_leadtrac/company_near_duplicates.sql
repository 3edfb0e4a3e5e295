-- Companies whose names look alike but are separate records of the export (another company
-- key; the same key is a cluster, below): loaded as separate
-- Nutshell accounts; a person decides whether they are one company.
select
  'company_near_duplicate'::text as category, 'info'::text as severity, 'companies'::text as object,
  (select min(c.company_id) from stg_leadtrac.companies c where lib.company_key(c.name) = p.key_a) as source_key,
  'Name'::text as field,
  array_to_string(p.variants_a, ' / ') as value,
  format('looks like %s (similarity %s); loaded as separate accounts: check whether they are one company', array_to_string(p.variants_b, ' / '), round(p.similarity::numeric, 2)) as message
from lib.company_near_duplicates(array(select name from stg_leadtrac.companies), 0.6) p
union all
-- Companies the export repeats under another id with the same name once legal forms, case and
-- punctuation are set aside (one company key): LeadTrac keeps them apart, so they load as
-- separate accounts; a person decides whether to merge them in Nutshell.
select 'company_variants', 'warning', 'companies', c.company_id, 'Name', c.name,
       format('same company key as %s (%s): loaded as separate accounts; merge them in Nutshell if they are one company', k.first_id, k.first_name)
from stg_leadtrac.companies c
join (select lib.company_key(name) as key, min(company_id) as first_id, (array_agg(name order by company_id))[1] as first_name
        from stg_leadtrac.companies where lib.company_key(name) is not null group by 1 having count(*) > 1) k
  on k.key = lib.company_key(c.name) and c.company_id <> k.first_id
