-- Every person who owns, logged or is assigned something in Leadtrekker, with their user record
-- (read by the users step, which matches them to Nutshell users by email).
select u.email, u.name, u.active
from stg_leadtrekker.users u
union
select r.email, null, null
from (
  select coalesce(owner_email, lower(owner_raw)) as email from stg_leadtrekker.leads
  union select coalesce(user_email, lower(user_raw)) from stg_leadtrekker.activities where type in ('call', 'email')
  union select coalesce(assigned_email, lower(assigned_raw)) from stg_leadtrekker.reminders
) r
where r.email is not null and not exists (select 1 from stg_leadtrekker.users u where u.email = r.email)
