-- materialized: table
-- ServiceTracker technicians (internal field staff), one row per Technician ID.
with ranked as (
  select t.*, row_number() over (partition by btrim(technician_id) order by _line desc) as rn
  from raw_servicetracker.technicians t
  where btrim(technician_id) <> ''
)
select
  btrim(technician_id)                                        as technician_id,
  lib.squish(name)                                            as name,
  (lib.split_name(name)).first_name                           as first_name,
  coalesce((lib.split_name(name)).last_name, lib.squish(name)) as last_name,
  lib.clean_email(email)                                      as email,
  coalesce(lib.is_valid_email(lib.clean_email(email)), false) as email_valid,
  lib.squish(phone)                                           as phone,
  lib.squish(territory)                                       as territory,
  lib.squish(schedule)                                        as schedule,
  coalesce(lib.parse_bool(active), true)                      as active,
  _file, _line
from ranked
where rn = 1
