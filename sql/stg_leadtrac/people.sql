-- materialized: table
-- LeadTrac people, typed. One row per Person ID (the export's last row wins when an ID repeats).
-- Every column the connector does not know is kept in `custom` (text as exported).
with ranked as (
  select p.*, row_number() over (partition by btrim(person_id) order by _line desc) as rn,
         count(*) over (partition by btrim(person_id)) as id_rows
  from raw_leadtrac.people p
  where btrim(person_id) <> ''
)
select
  btrim(r.person_id)                                    as person_id,
  lib.squish(r.first_name)                              as first_name,
  lib.squish(r.last_name)                               as last_name,
  lib.squish(r.email)                                   as email_raw,
  lib.clean_email(r.email)                              as email,
  coalesce(lib.is_valid_email(lib.clean_email(r.email)), false) as email_valid,
  lib.squish(r.phone)                                   as phone,
  lib.phone_e164(r.phone, 'US')                         as phone_e164,
  lib.squish(r.title)                                   as title,
  lib.squish(r.street) as street, lib.squish(r.city) as city, upper(lib.squish(r.state)) as state, lib.squish(r.zip) as zip,
  r.modified_date                                       as modified_raw,
  lib.parse_timestamp(r.modified_date, false, 'America/New_York') as modified_at,
  (select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
     from jsonb_each(to_jsonb(r)) e
     join etl.raw_columns rc on rc.source = 'leadtrac' and rc.file = 'people' and rc.is_custom and rc.column_name = e.key
    where e.value <> 'null'::jsonb and e.value <> '""'::jsonb) as custom,
  r.id_rows,
  r._file, r._line
from ranked r
where r.rn = 1
