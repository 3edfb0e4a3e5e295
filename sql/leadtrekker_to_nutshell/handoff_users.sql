-- The user roster (seed 001 "User -> User"): matched to a Nutshell user by email or flagged for
-- the admin to provision (Nutshell sends the invitation; passwords do not transfer).
select
  u.email, u.name, u.role,
  case when u.active then 'active' else 'inactive' end    as leadtrekker_status,
  coalesce(m.matched_by, 'not matched yet')                as nutshell_match,
  case when m.matched_by = 'inactive'
       then 'a Nutshell user with this email exists but is disabled: enable it, then run users and load again (or load with --fallback-owner)'
       when m.dest_user_id is null
       then 'provision this user in Nutshell (Setup > Users, sends an invitation), then run users and load again' end as action
from stg_leadtrekker.users u
left join etl.user_map m on m.pipeline = 'leadtrekker-to-nutshell' and m.source_email = u.email
