-- Nutshell Accounts for LeadTrac companies (seed 003 "Company -> Company"), shaped once and split
-- by `tier` into the three account objects loaded in this order so every parent exists before its
-- children: `parent_accounts` (top companies that have children), `mid_accounts` (companies
-- with a parent and children) and `accounts` (everything else). Nutshell has no parent-company
-- field (reference 3.3): the parent is the reference field "Parent Company" (name and LeadTrac
-- id). Industry and employee count are custom fields (Nutshell's industryId is an id of the
-- instance's own industry list; Accounts have no employee field). Custom columns of
-- companies.csv: typed by the mapping in custom_values (`_custom`); a value that did not type is
-- kept in the description.
select
  'accounts:' || c.company_id                            as source_key,
  case when t.has_children and coalesce(t.depth, 0) = 0 and not t.in_cycle then 'top'
       when t.has_children and t.depth >= 1 then 'mid'
       else 'leaf' end                                   as tier,
  c.name,
  c.domain                                               as url,
  case when coalesce(c.street, c.city, c.state, c.zip) is not null then
    jsonb_strip_nulls(jsonb_build_object('address_1', c.street, 'city', c.city, 'state', c.state, 'postalCode', c.zip, 'country', c.country)) end as address,
  o.owner_email,
  c.company_id                                           as "cf:LeadTrac Company ID",
  c.industry                                             as "cf:Industry",
  coalesce(c.employees::text, c.employees_raw)           as "cf:Employees",
  case when c.parent_company_id is not null then
    coalesce(p.name || ' (LeadTrac ' || p.company_id || ')', 'LeadTrac ' || c.parent_company_id || ' (not in the export)') end as "cf:Parent Company",
  'LeadTrac ' || cu.untyped                              as description,
  coalesce(cu.payload, '{}'::jsonb)                      as "_custom",
  case when c.name is null then 'MISSING_NAME: company ' || c.company_id || ' has no name; Nutshell accounts need one' end as "_reject_reason"
from stg_leadtrac.companies c
join stg_leadtrac.company_tree t on t.company_id = c.company_id
left join stg_leadtrac.companies p on p.company_id = c.parent_company_id
left join leadtrac_to_nutshell.owners o on o.kind = 'company' and o.id = c.company_id
left join leadtrac_to_nutshell.custom_payload cu on cu.object = 'companies' and cu.record_id = c.company_id and cu.module = 'Accounts'
