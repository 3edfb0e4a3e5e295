-- Hand-off: archived ASPEC users who own records (seed 004: "flagged for manual decision:
-- provision as inactive Zoho Users (preserving history) or leave unassigned (reassign records
-- post-migration)"). Zoho refuses an inactive user as a record owner, so until a person
-- decides, their records wait in etl.reconciliation_queue (kind 'user', key = the email);
-- `load --fallback-owner EMAIL` reassigns them.
select
  u.user_id                                                    as "User ID",
  u.name                                                       as "Name",
  u.email                                                      as "Email",
  coalesce(m.matched_by, 'not matched yet (run users)')        as "Zoho Match",
  (select count(*) from stg_aspec.companies c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id and c.account_company_id = c.company_id) as "Accounts",
  (select count(*) from stg_aspec.contacts c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id) as "Contacts",
  (select count(*) from stg_aspec.opportunities c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id) as "Deals",
  (select count(*) from stg_aspec.activities c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id) as "Activities",
  q.status                                                     as "Queue Status",
  case
    when m.matched_by = 'email' then 'an active Zoho user exists: their records load under it'
    when not u.email_valid then 'no email: their records load under the fallback owner'
    else 'Decide: (a) provision as an inactive Zoho user to keep the history of who owned what, and load their records with --fallback-owner (an active user) then reassign; or (b) reassign now with --fallback-owner EMAIL'
  end                                                          as "Decision Needed"
from stg_aspec.users u
left join etl.user_map m on m.pipeline = 'aspec-to-zoho' and m.source_email = u.email
left join etl.reconciliation_queue q on q.pipeline = 'aspec-to-zoho' and q.kind = 'user' and q.key = u.email
where u.archived
order by u.user_id
