-- unique_key: ref
-- Every way an export column names a Leadtrekker user: by email, or by the user's name as
-- written in users.csv (docs/sources.md). A name two users share resolves to nobody; a name
-- that is also someone's email resolves to that email.
with u as (
  select lib.clean_email(email) as email, lower(lib.squish(name)) as name_key
  from raw_leadtrekker.users
  where lib.clean_email(email) is not null
),
refs as (
  select distinct email as ref, email, 'email' as matched_by from u
  union all
  select name_key, min(email), 'name'
  from u
  where name_key is not null
  group by name_key
  having count(distinct email) = 1
)
select distinct on (ref) ref, email, matched_by
from refs
order by ref, (matched_by = 'email') desc
