-- Hand-off: every ASPEC user, their Zoho match (from the last users step) and what to do.
-- Passwords do not export; each Zoho user is invited by the admin.
select
  u.user_id                                                    as "User ID",
  u.name                                                       as "Name",
  u.email                                                      as "Email",
  u.status                                                     as "ASPEC Status",
  coalesce(m.matched_by, 'not matched yet (run users)')        as "Zoho Match",
  (select count(*) from stg_aspec.companies c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id)
  + (select count(*) from stg_aspec.contacts c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id)
  + (select count(*) from stg_aspec.opportunities c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id)
  + (select count(*) from stg_aspec.activities c join stg_aspec.owner_refs o on o.owner_raw = c.owner_raw where o.user_id = u.user_id) as "Records Owned",
  case
    when not u.email_valid then 'no email in ASPEC: records owned by this user go to the fallback owner; nothing to provision'
    when u.archived then 'archived in ASPEC: decide (handoff_archived_users)'
    when m.matched_by = 'email' then 'matched: nothing to do'
    when m.matched_by = 'inactive' then 'Zoho user is inactive: reactivate it, or reassign (--fallback-owner)'
    else 'create or invite this Zoho user, then re-run users and load'
  end                                                          as "Action"
from stg_aspec.users u
left join etl.user_map m on m.pipeline = 'aspec-to-zoho' and m.source_email = u.email
order by u.user_id
