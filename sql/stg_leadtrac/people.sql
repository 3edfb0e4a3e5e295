-- unique_key: person_id
-- indexes: email
-- LeadTrac people, typed once by the source's conventions. One row per Person ID: the export's
-- last row wins when an ID repeats (dq_leadtrac reports it).
-- Names: lib.person_name keeps First/Last as the export split them (LeadTrac has no compound
-- name column). Phones in the source's phone country when written without one. LeadTrac
-- addresses carry no country: the source's country (its phone country) is theirs.
-- Custom fields: every column the connector does not declare, as exported (`custom`).
with ranked as (
  select p.*,
         row_number() over (partition by btrim(p.person_id) order by p._line desc) as rn,
         count(*) over (partition by btrim(p.person_id))                           as id_rows,
         raw_leadtrac.people_custom(p)                                              as custom
  from raw_leadtrac.people p
  where btrim(p.person_id) <> ''
)
select
  btrim(r.person_id)                                    as person_id,
  -- the digits of the id, for the lowest-Person-ID rule (P2010 after P2009, not after P201)
  nullif(regexp_replace(r.person_id, '\D', '', 'g'), '')::numeric as person_number,
  n.salutation,
  n.first_name,
  n.middle                                              as middle_name,
  n.last_name,
  n.suffix,
  nullif(concat_ws(' ', n.first_name, n.middle, n.last_name, n.suffix), '') as display_name,
  -- why a person should look at the name (null: nothing doubtful)
  case when n.uncertain then coalesce(n.reason, 'check the name') end as name_uncertain,
  lib.squish(concat_ws(' ', r.first_name, r.last_name)) as name_raw,
  lib.squish(r.email)                                   as email_raw,
  lib.clean_email(r.email)                              as email,
  coalesce(lib.is_valid_email(lib.clean_email(r.email)), false) as email_valid,
  lib.squish(r.phone)                                   as phone,
  lib.phone_e164(r.phone, cv.phone_country)             as phone_e164,
  lib.squish(r.title)                                   as title,
  lib.squish(r.street)                                  as street,
  lib.squish(r.city)                                    as city,
  upper(lib.squish(r.state))                            as state,
  lib.squish(r.zip)                                     as zip,
  cv.phone_country                                      as country,
  r.modified_date                                       as modified_raw,
  lib.parse_timestamp(r.modified_date, cv.day_first, cv.timezone) as modified_at,
  case when lib.squish(r.modified_date) is not null then lib.date_issue(r.modified_date, cv.day_first) end as modified_issue,
  r.custom,
  r.id_rows,
  r._file, r._line, r._row_hash
from ranked r
cross join stg_leadtrac.conventions cv
cross join lateral lib.person_name(r.first_name, r.last_name, null) n
where r.rn = 1
