-- unique_key: email
-- Leadtrekker users, one row per email (the first row of the export wins).
select distinct on (lib.clean_email(u.email))
  lib.clean_email(u.email)         as email,
  lib.squish(u.name)               as name,
  coalesce(lib.parse_bool(u.active), lower(btrim(u.active)) = 'active') as active,
  lib.squish(u.active)             as active_raw,
  lib.squish(u.role)               as role,
  btrim(u.user_id)                 as user_id,
  u._file, u._line
from raw_leadtrekker.users u
where lib.clean_email(u.email) is not null
order by lib.clean_email(u.email), u._line
