-- unique_key: client_id
-- indexes: primary_contact_email; account_client_id
-- ServiceTracker clients, typed once by the source's conventions (stg_servicetracker.conventions).
-- One row per Client ID (the export's last row wins when an ID repeats). `account_client_id` is
-- the client whose Account this one lands in: clients that repeat another under a variant
-- spelling (same company key, same street and zip) merge into the lowest Client ID of the group,
-- reported in dq_servicetracker.duplicate_clients.
with ranked as (
  select c.*, row_number() over (partition by btrim(c.client_id) order by c._line desc) as rn,
         count(*) over (partition by btrim(c.client_id)) as id_rows,
         raw_servicetracker.clients_custom(c) as custom
  from raw_servicetracker.clients c
  where btrim(c.client_id) <> ''
),
-- a company key once per spelling, not once per client
companies as (
  select k.client_name, lib.company_key(k.client_name) as company_key
  from (select distinct lib.squish(client_name) as client_name from ranked where rn = 1) k
  where k.client_name is not null
),
typed as (
  select
    btrim(r.client_id)                                        as client_id,
    co.client_name,
    co.company_key,
    lib.squish(r.street)                                      as street,
    lib.squish(r.city)                                        as city,
    lib.squish(r.state)                                       as state,
    lib.squish(r.zip)                                         as zip,
    lib.squish(r.country)                                     as country_raw,
    -- a client with no country is in the source's own: the country its phone numbers are
    -- written in (the pipeline's country map names it for the destination)
    coalesce(lib.squish(r.country), cv.phone_country)         as country,
    lib.squish(r.phone)                                       as phone,
    lib.phone_e164(r.phone, cv.phone_country)                 as phone_e164,
    lib.squish(r.primary_contact_email)                       as primary_contact_email_raw,
    lib.clean_email(r.primary_contact_email)                  as primary_contact_email,
    coalesce(lib.is_valid_email(lib.clean_email(r.primary_contact_email)), false) as primary_contact_email_valid,
    r.custom,
    r.id_rows,
    r._file, r._line
  from ranked r
  cross join stg_servicetracker.conventions cv
  left join companies co on co.client_name = lib.squish(r.client_name)
  where r.rn = 1
)
select
  t.*,
  first_value(t.client_id) over (
    partition by coalesce(t.company_key, t.client_id), lower(coalesce(t.street, '')), coalesce(t.zip, '')
    order by length(t.client_id), t.client_id
  ) as account_client_id
from typed t
