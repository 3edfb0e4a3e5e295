-- unique_key: user_id
-- indexes: email
-- ASPEC users, one row per User ID (the export's last row wins). `archived` users are the ones
-- the seed says need a person's decision (provision inactive in the destination, or reassign
-- their records).
with ranked as (
  select u.*, row_number() over (partition by upper(btrim(u.user_id)) order by u._line desc) as rn
  from raw_aspec.users u
  where btrim(u.user_id) <> ''
)
select
  upper(btrim(user_id))                                        as user_id,
  lib.squish(name)                                             as name,
  lib.clean_email(email)                                       as email,
  coalesce(lib.is_valid_email(lib.clean_email(email)), false)  as email_valid,
  coalesce(lower(lib.squish(status)), 'active')                as status,
  coalesce(lower(lib.squish(status)) = 'archived', false)      as archived,
  _file, _line
from ranked
where rn = 1
