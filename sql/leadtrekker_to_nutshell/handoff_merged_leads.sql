-- The email merge report (seed 001 "email is the dedupe key"): every lead of an email shared by
-- several leads, which one survives (most recently modified), and where its values differ from
-- the merged record (the merged value is the most recent lead's that has one, field by field).
select
  lp.person_key,
  p.email,
  case when p.import_as = 'person' then 'contacts:' else 'leads:' end || lp.person_key as nutshell_record,
  lp.lead_id,
  lp.recency = 1                                          as survivor,
  lp.modified_at,
  lp.full_name, lp.company, lp.phone, lp.mobile, lp.status, lp.source,
  coalesce(lp.owner_email, lower(lp.owner_raw))            as owner,
  nullif(concat_ws(', ',
    case when lp.last_name is not null and lp.full_name is distinct from p.full_name then 'name' end,
    case when lp.company_key is not null and lp.company_key is distinct from p.company_key then 'company' end,
    case when lp.phone is not null and lp.phone is distinct from p.phone then 'phone' end,
    case when lp.mobile is not null and lp.mobile is distinct from p.mobile then 'mobile' end,
    case when lp.status is not null and lp.status is distinct from p.status then 'status' end,
    case when lp.source is not null and lp.source is distinct from p.source then 'source' end,
    case when coalesce(lp.owner_email, lower(lp.owner_raw)) is not null
          and coalesce(lp.owner_email, lower(lp.owner_raw)) is distinct from p.owner then 'owner' end), '') as overridden_fields
from leadtrekker_to_nutshell.lead_people lp
join leadtrekker_to_nutshell.people p on p.person_key = lp.person_key
where lp.person_leads > 1
