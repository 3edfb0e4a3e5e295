-- unique_key: email
-- LeadTrac users, one row per email (the first row of the export wins).
select distinct on (lib.clean_email(u.email))
  lib.clean_email(u.email)               as email,
  lib.squish(u.name)                     as name,
  coalesce(lib.parse_bool(u.active), true) as active,
  lib.squish(u.active)                   as active_raw,
  u._file, u._line
from raw_leadtrac.users u
where lib.clean_email(u.email) is not null
order by lib.clean_email(u.email), u._line
