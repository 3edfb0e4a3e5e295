-- unique_key: ref
-- How an owner column may name a user (an email, else a user's name in users.csv): every
-- lower-cased email and name of users.csv -> the user's email. A name two users share resolves
-- to neither (left unresolved, reported by dq_leadtrac); a name that is also someone's email
-- resolves to that email.
with refs as (
  select email as ref, email, 'email' as matched_by from stg_leadtrac.users
  union all
  select lower(name), min(email), 'user name' from stg_leadtrac.users
  where name is not null group by lower(name) having count(*) = 1
)
select distinct on (ref) ref, email, matched_by
from refs
order by ref, (matched_by = 'email') desc
