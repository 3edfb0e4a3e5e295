-- Nutshell Accounts (companies), created first (seed 001 "Company (free text on Lead)").
select
  'accounts:' || c.company_key     as source_key,
  c.display_name                   as name,
  case when array_length(c.variants, 1) > 1
       then 'Written in Leadtrekker as: ' || array_to_string(c.variants, ' | ') end as description
from leadtrekker_to_nutshell.companies c
