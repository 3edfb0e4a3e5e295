-- materialized: table
-- ServiceTracker customer portal logins, one row per Username.
with ranked as (
  select p.*, row_number() over (partition by lower(btrim(username)) order by _line desc) as rn
  from raw_servicetracker.portal_users p
  where btrim(username) <> ''
)
select
  btrim(username)                                 as username,
  nullif(btrim(contact_id), '')                   as contact_id,
  lib.clean_email(email)                          as email,
  last_login                                      as last_login_raw,
  lib.parse_timestamp(last_login, false, 'UTC')   as last_login,
  _file, _line
from ranked
where rn = 1
