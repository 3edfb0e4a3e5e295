-- The user roster for the report: active/inactive as in Leadtrekker, and whether a Zoho user
-- with the same email exists (etl.user_map, filled by the users step).
select
  u.email, u.name, u.role,
  case when u.active then 'active' else 'inactive' end    as leadtrekker_status,
  coalesce(m.matched_by, 'not matched yet')                as zoho_match,
  case when m.matched_by = 'inactive'
       then 'a Zoho user with this email exists but is inactive: reactivate it, then run users and load again (or load with --fallback-owner)'
       when m.dest_user_id is null
       then 'provision this user in Zoho (' || case when u.active then 'active' else 'inactive' end || '), then run users and load again' end as action
from stg_leadtrekker.users u
left join etl.user_map m on m.pipeline = 'leadtrekker-to-zoho' and m.source_email = u.email
