-- materialized: table
-- ServiceTracker clients, typed and cleaned; one row per Client ID (the export's last row wins
-- when an ID repeats). `account_client_id` is the client whose Account this one lands in:
-- clients that repeat another under a variant spelling (same company key, same street and
-- zip) merge into the lowest Client ID of the group, reported in dq_servicetracker.duplicate_clients.
with ranked as (
  select c.*, row_number() over (partition by btrim(client_id) order by _line desc) as rn
  from raw_servicetracker.clients c
  where btrim(client_id) <> ''
),
typed as (
  select
    btrim(client_id)                                          as client_id,
    lib.squish(client_name)                                   as client_name,
    lib.company_key(client_name)                              as company_key,
    lib.squish(street)                                        as street,
    lib.squish(city)                                          as city,
    lib.squish(state)                                         as state,
    lib.squish(zip)                                           as zip,
    -- the export writes US, USA, United States or nothing; Zoho shows the country as text
    case when upper(lib.squish(country)) in ('US', 'USA', 'U.S.', 'U.S.A.', 'UNITED STATES', 'UNITED STATES OF AMERICA') or lib.squish(country) is null
         then 'United States' else lib.squish(country) end    as country,
    lib.squish(phone)                                         as phone,
    lib.phone_e164(phone, 'US')                               as phone_e164,
    lib.clean_email(primary_contact_email)                    as primary_contact_email,
    coalesce(lib.is_valid_email(lib.clean_email(primary_contact_email)), false) as primary_contact_email_valid,
    -- columns the connector does not know: custom fields, mapped through custom-fields.csv
    -- ServiceTracker writes some dates month-first; a custom value that is such a date is
    -- rewritten as ISO here so the typed conversion at load cannot read it day-first.
    (select coalesce(jsonb_object_agg(e.k, case when e.v ~ '^\s*\d{1,2}/\d{1,2}/\d{4}\s*$' and lib.parse_date(e.v, false) is not null
                                              then to_char(lib.parse_date(e.v, false), 'YYYY-MM-DD') else e.v end), '{}'::jsonb)
       from jsonb_each_text(to_jsonb(ranked) - array['client_id', 'client_name', 'street', 'city', 'state', 'zip', 'country', 'phone',
      'primary_contact_email', '_file', '_line', '_batch_id', '_row_hash', '_extracted_at', 'rn']) as e(k, v)) as custom,
    _file, _line
  from ranked
  where rn = 1
)
select
  t.*,
  first_value(t.client_id) over (
    partition by coalesce(t.company_key, t.client_id), lower(coalesce(t.street, '')), coalesce(t.zip, '')
    order by length(t.client_id), t.client_id
  ) as account_client_id
from typed t
