-- The owner roster: each LeadTrac owner matched to a Nutshell user by email, or flagged for the
-- admin to provision (their records wait in the queue, or went to --fallback-owner).
select
  u.email, u.name,
  case when u.active is false then 'inactive' when u.active then 'active' else 'not in users.csv' end as leadtrac_status,
  (select count(*) from stg_leadtrac.leads l where l.owner_email = u.email) as leads_owned,
  coalesce(m.matched_by, 'not matched yet')              as nutshell_match,
  case when m.matched_by = 'inactive'
       then 'a Nutshell user with this email exists but is disabled: enable it, then run users and load again; or load with the fallback-owner option'
       when m.dest_user_id is null
       then 'invite this user in Nutshell (Setup > Users), then run users and load again; or load with the fallback-owner option' end as action
from leadtrac_to_nutshell.users u
left join etl.user_map m on m.pipeline = 'leadtrac-to-nutshell' and m.source_email = u.email
