-- materialized: table
-- Owners for records LeadTrac gives none: a person is owned by the owner of the most recently
-- modified lead it belongs to (its own lead first: where it is the lead's person); a company by
-- the owner of its people's. Records with no derivable owner go to --fallback-owner, else
-- Nutshell makes the API user the owner.
with person_owner as (
  select distinct on (lp.person_id) lp.person_id, l.owner_email
  from stg_leadtrac.lead_people lp
  join stg_leadtrac.leads l on l.lead_id = lp.lead_id
  left join leadtrac_to_nutshell.lead_person k on k.lead_id = lp.lead_id and k.person_id = lp.person_id
  where l.owner_email is not null
  order by lp.person_id, (k.lead_id is not null) desc, l.modified_at desc nulls last, l.lead_id
),
company_owner as (
  select distinct on (pc.company_id) pc.company_id, po.owner_email
  from leadtrac_to_nutshell.person_company pc
  join person_owner po on po.person_id = pc.person_id
  join stg_leadtrac.people p on p.person_id = pc.person_id
  order by pc.company_id, p.modified_at desc nulls last, pc.person_id
)
select 'person' as kind, person_id as id, owner_email from person_owner
union all
select 'company', company_id, owner_email from company_owner
