-- materialized: table
-- Every Leadtrekker lead with the person it becomes. Email is the dedupe key: leads with the
-- same valid email are one person (person_key 'email:<address>'); a lead without a valid email
-- is a person of its own ('lead:<Lead ID>'). recency 1 = the most recently modified lead of the
-- person (ties: later creation, then the higher Lead ID), the one whose values win a merge.
with l as (
  select s.*,
         case when s.email_valid then 'email:' || s.email else 'lead:' || s.lead_id end as person_key,
         s.company_key as raw_company_key
  from stg_leadtrekker.leads s
)
select
  l.lead_id, l.person_key, l.full_name, l.salutation, l.first_name, l.last_name, l.email, l.email_raw, l.email_valid,
  l.phone, l.phone_e164, l.mobile, l.mobile_e164, l.status, l.source, l.owner_raw, l.owner_email, l.user_group,
  l.created_at, l.modified_at, l.custom, l._line,
  -- a placeholder ("N/A", "Private") is no company at all
  case when l.raw_company_key is not null and p.company_key is null then l.company end as company,
  case when p.company_key is null then l.raw_company_key end as company_key,
  case when p.company_key is not null then l.company end as company_placeholder,
  row_number() over (partition by l.person_key order by l.modified_at desc nulls last, l.created_at desc nulls last, l.lead_id desc) as recency,
  count(*) over (partition by l.person_key) as person_leads
from l
left join leadtrekker_to_nutshell.map_company_placeholder p on p.company_key = l.raw_company_key
