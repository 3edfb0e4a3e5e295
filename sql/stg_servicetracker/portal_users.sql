-- unique_key: username
-- indexes: contact_id
-- ServiceTracker customer portal logins, typed once. One row per Username however it is cased
-- (the export's last row wins). Passwords are not exported.
with ranked as (
  select p.*, row_number() over (partition by lower(btrim(p.username)) order by p._line desc) as rn,
         count(*) over (partition by lower(btrim(p.username))) as id_rows
  from raw_servicetracker.portal_users p
  where btrim(p.username) <> ''
)
select
  btrim(r.username)                                           as username,
  nullif(btrim(r.contact_id), '')                             as contact_id,
  k.contact_id is not null                                    as contact_exists,
  lib.squish(r.email)                                         as email_raw,
  lib.clean_email(r.email)                                    as email,
  coalesce(lib.is_valid_email(lib.clean_email(r.email)), false) as email_valid,
  r.last_login                                                as last_login_raw,
  lib.parse_timestamp(r.last_login, cv.day_first, cv.timezone) as last_login,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
left join stg_servicetracker.contacts k on k.contact_id = btrim(r.contact_id)
where r.rn = 1
