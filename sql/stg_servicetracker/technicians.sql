-- unique_key: technician_id
-- indexes: email
-- ServiceTracker technicians (internal field staff), typed once. One row per Technician ID (the
-- export's last row wins when an ID repeats; dq_servicetracker.duplicate_ids reports it).
-- The export writes one Name column: lib.person_name splits it.
with ranked as (
  select t.*, row_number() over (partition by btrim(t.technician_id) order by t._line desc) as rn,
         count(*) over (partition by btrim(t.technician_id)) as id_rows,
         raw_servicetracker.technicians_custom(t) as custom
  from raw_servicetracker.technicians t
  where btrim(t.technician_id) <> ''
)
select
  btrim(r.technician_id)                                      as technician_id,
  lib.squish(r.name)                                          as name,
  n.salutation,
  n.first_name,
  n.middle                                                    as middle_name,
  n.last_name,
  n.suffix,
  case when n.uncertain then coalesce(n.reason, 'check the name') end as name_uncertain,
  lib.squish(r.email)                                         as email_raw,
  lib.clean_email(r.email)                                    as email,
  coalesce(lib.is_valid_email(lib.clean_email(r.email)), false) as email_valid,
  lib.squish(r.phone)                                         as phone,
  lib.squish(r.territory)                                     as territory,
  lib.squish(r.schedule)                                      as schedule,
  btrim(r.active)                                             as active_raw,
  -- a technician is active unless the export says otherwise
  coalesce(lib.parse_bool(r.active), true)                    as active,
  lib.squish(r.active) is not null and lib.parse_bool(r.active) is null as active_unreadable,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
cross join lateral lib.person_name(null, null, r.name) n
where r.rn = 1
