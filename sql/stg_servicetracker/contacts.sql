-- unique_key: contact_id
-- indexes: client_id; email
-- ServiceTracker contacts, typed once. One row per Contact ID (the export's last row wins).
-- Names: lib.person_name keeps the First/Last columns as the export split them (a title in
-- First goes to the salutation; a name wholly in capitals is re-cased). The client link is
-- checked, not enforced: a contact of a client the export lacks is kept and reported.
with ranked as (
  select c.*, row_number() over (partition by btrim(c.contact_id) order by c._line desc) as rn,
         count(*) over (partition by btrim(c.contact_id)) as id_rows,
         raw_servicetracker.contacts_custom(c) as custom
  from raw_servicetracker.contacts c
  where btrim(c.contact_id) <> ''
)
select
  btrim(r.contact_id)                                         as contact_id,
  nullif(btrim(r.client_id), '')                              as client_id,
  k.client_id is not null                                     as client_exists,
  -- the Account the contact belongs to (its client's, after variant spellings merge)
  k.account_client_id,
  nullif(concat_ws(' ', lib.squish(r.first_name), lib.squish(r.last_name)), '') as full_name,
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
  lib.squish(r.mobile)                                        as mobile,
  lib.squish(r.title)                                         as title,
  lib.squish(r.street)                                        as street,
  lib.squish(r.city)                                          as city,
  lib.squish(r.state)                                         as state,
  lib.squish(r.zip)                                           as zip,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
cross join lateral lib.person_name(r.first_name, r.last_name, null) n
left join stg_servicetracker.clients k on k.client_id = btrim(r.client_id)
where r.rn = 1
