-- materialized: table
-- LeadTrac users, one row per email (the first row of the export wins).
select distinct on (lib.clean_email(email))
  lib.clean_email(email)           as email,
  lib.squish(name)                 as name,
  coalesce(lib.parse_bool(active), true) as active,
  lib.squish(active)               as active_raw,
  _file, _line
from raw_leadtrac.users
where lib.clean_email(email) is not null
order by lib.clean_email(email), _line
