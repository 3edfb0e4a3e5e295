-- Everyone whose email may be a Zoho user (read by the users step): every ASPEC user with an
-- email, archived ones included (their records wait for a person's decision, see
-- handoff_archived_users), and owner emails written on records that users.csv does not list.
select u.email, u.name, u.status, u.archived
from stg_aspec.users u
where u.email_valid
union
select o.email, null, null, false
from stg_aspec.owner_refs o
where o.user_id is null and o.email is not null
