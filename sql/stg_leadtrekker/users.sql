-- Leadtrekker users, one row per email (the first row of the export wins).
select distinct on (lib.clean_email(email))
  lib.clean_email(email)           as email,
  lib.squish(name)                 as name,
  lower(btrim(active)) in ('yes', 'y', 'true', '1', 'active') as active,
  lib.squish(active)               as active_raw,
  lib.squish(role)                 as role,
  btrim(user_id)                   as user_id,
  _file, _line
from raw_leadtrekker.users
where lib.clean_email(email) is not null
order by lib.clean_email(email), _line
