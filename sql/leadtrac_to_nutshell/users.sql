-- Every person who owns something in LeadTrac, with their user record (read by the users step,
-- which matches them to Nutshell users by email). Owners outside users.csv are listed too.
select u.email, u.name, u.active
from stg_leadtrac.users u
union
select r.email, null, null
from (
  select owner_email as email from stg_leadtrac.leads
  union select owner_email from stg_leadtrac.activities
) r
where r.email is not null and not exists (select 1 from stg_leadtrac.users u where u.email = r.email)
