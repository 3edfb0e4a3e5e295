-- unique_key: owner_raw
-- Every distinct Owner ID value of the export, resolved to an ASPEC user. ASPEC writes the
-- User ID; hand-edited exports also carry the user's email or name (a value that is not an
-- email is matched against the user names). A name two users share resolves to nobody.
-- An email that is not in users.csv is still an owner email (the users step matches it).
with refs as (
  select distinct lib.squish(owner_id) as owner_raw
  from (
    select owner_id from raw_aspec.companies
    union all select owner_id from raw_aspec.contacts
    union all select owner_id from raw_aspec.opportunities
    union all select owner_id from raw_aspec.activities
  ) x
  where lib.squish(owner_id) is not null
),
matches as (
  select r.owner_raw, u.user_id,
         case when u.user_id = upper(r.owner_raw) then 1 when u.email = lib.clean_email(r.owner_raw) then 2 else 3 end as how,
         count(*) over (partition by r.owner_raw, case when u.user_id = upper(r.owner_raw) then 1 when u.email = lib.clean_email(r.owner_raw) then 2 else 3 end) as n
  from refs r
  join stg_aspec.users u
    on u.user_id = upper(r.owner_raw) or u.email = lib.clean_email(r.owner_raw) or lower(u.name) = lower(r.owner_raw)
),
best as (
  select distinct on (owner_raw) owner_raw, user_id, how, n from matches order by owner_raw, how
)
select
  r.owner_raw,
  case when b.n = 1 then b.user_id end                         as user_id,
  case when b.n = 1 then (array['user_id', 'email', 'name'])[b.how]
       when b.n > 1 then 'ambiguous name' end                   as matched_by,
  u.name                                                       as user_name,
  coalesce(case when u.email_valid then u.email end,
           case when u.user_id is null and lib.is_valid_email(lib.clean_email(r.owner_raw)) then lib.clean_email(r.owner_raw) end) as email,
  coalesce(u.archived, false)                                  as archived
from refs r
left join best b on b.owner_raw = r.owner_raw
left join stg_aspec.users u on u.user_id = b.user_id and b.n = 1
