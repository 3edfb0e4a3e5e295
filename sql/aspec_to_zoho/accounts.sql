-- Zoho Accounts, one per ASPEC company (seed 004 "Company -> Accounts"): name, Domain ->
-- Website (bare host), billing address, owner, tags. Companies the export repeats under a
-- variant spelling are one Account: the group's most-written spelling names it, the repeats are
-- skipped (MERGED) and their contacts and deals link to it.
with groups as (
  select account_company_id,
         lib.company_display_name(array_agg(name order by company_id)) as display_name,
         string_agg(case when company_id <> account_company_id then format('%s (%s)', name, company_id) end, '; ' order by company_id) as variants,
         min(domain) filter (where domain is not null) as any_domain
  from stg_aspec.companies
  group by account_company_id
)
select
  'companies:' || c.company_id                                 as source_key,
  -- Account_Name is system-mandatory in Zoho: a company no spelling names keeps its id (a finding)
  coalesce(g.display_name, 'Company ' || c.account_company_id) as "Account_Name",
  coalesce(c.domain, g.any_domain)                             as "Website",
  c.street                                                     as "Billing_Street",
  c.city                                                       as "Billing_City",
  c.province                                                   as "Billing_State",
  c.postal_code                                                as "Billing_Code",
  c.country                                                    as "Billing_Country",
  o.email                                                      as "Owner",
  t.zoho_tags                                                  as "Tag",
  nullif(concat_ws(E'\n',
    'Also exported by ASPEC as: ' || g.variants,
    'ASPEC tags over Zoho''s tag limits: ' || t.overflow,
    'ASPEC ' || cu.untyped), '')                               as "Description",
  c.company_id                                                 as "ASPEC_Company_ID",
  -- custom fields typed in custom_values (a value that does not type is kept in Description)
  coalesce(cu.payload, '{}'::jsonb)                            as _custom,
  case when c.account_company_id <> c.company_id
       then format('MERGED: %s is %s again; loaded as Account companies:%s', c.company_id, c.name, c.account_company_id) end as _skip_reason
from stg_aspec.companies c
join groups g on g.account_company_id = c.account_company_id
left join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw
left join aspec_to_zoho.record_tags t on t.object = 'companies' and t.record_id = c.company_id
left join aspec_to_zoho.custom_payload cu on cu.object = 'companies' and cu.record_id = c.company_id
