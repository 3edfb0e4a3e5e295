-- Owners for records LeadTrac gives none (people, companies): a person is owned by the owner of
-- the most recently modified lead it belongs to (its own lead first: where it is the lead's
-- person), a company by its people's owner, taking only owners that have a Nutshell user
-- (etl.user_map, filled by the users step). A derived owner never makes a record wait: without
-- one the record goes to --fallback-owner, else Nutshell makes the API user the owner. This also
-- keeps parents-before-children: a parent company is never queued on its owner.
with matched as (
  select source_email from etl.user_map where pipeline = 'leadtrac-to-nutshell' and dest_user_id is not null
),
person_owner as (
  select distinct on (lp.person_id) lp.person_id, l.owner_email
  from stg_leadtrac.lead_people lp
  join stg_leadtrac.leads l on l.lead_id = lp.lead_id
  join matched m on m.source_email = l.owner_email
  left join leadtrac_to_nutshell.lead_person k on k.lead_id = lp.lead_id and k.person_id = lp.person_id
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
