-- Companies the export repeats under a variant spelling (same company key and the same domain
-- or postal code): merged into one Account, the lowest Company ID of the group.
select
  'company_variants'::text as category, 'warning'::text as severity, 'companies'::text as object,
  c.company_id as source_key, 'Name'::text as field, c.name as value,
  format('same company as %s (%s); merged into its Account, the variant spelling kept in the Account''s Description', c.account_company_id, k.name) as message
from stg_aspec.companies c
join stg_aspec.companies k on k.company_id = c.account_company_id
where c.account_company_id <> c.company_id
