-- Lead companies (free text) whose names look alike: Zoho keeps each lead's Company as written,
-- so a person decides whether they are one company before the leads are converted.
select
  'company_near_duplicate'::text as category, 'info'::text as severity, 'leads'::text as object,
  (select 'leads:' || min(l.lead_id) from stg_leadtrekker.leads l where l.company_key = p.key_a) as source_key,
  'Company'::text as field,
  array_to_string(p.variants_a, ' / ') as value,
  format('looks like %s (similarity %s): kept as written on each lead; converting them makes separate Accounts unless they are one company', array_to_string(p.variants_b, ' / '), round(p.similarity::numeric, 2)) as message
from lib.company_near_duplicates(array(select company from stg_leadtrekker.leads where company is not null), 0.6) p
