-- materialized: table
-- ServiceTracker contacts, one row per Contact ID. Names: separate First/Last columns win;
-- a whole name written into one of them is split (lib.split_name), all-caps names re-cased,
-- a title in the first name ("Dr. Ana") becomes the salutation.
with ranked as (
  select c.*, row_number() over (partition by btrim(contact_id) order by _line desc) as rn
  from raw_servicetracker.contacts c
  where btrim(contact_id) <> ''
),
named as (
  select r.*, lib.split_name(concat_ws(' ', lib.squish(first_name), lib.squish(last_name))) as n
  from ranked r
  where rn = 1
)
select
  btrim(contact_id)                                           as contact_id,
  nullif(btrim(client_id), '')                                as client_id,
  (n).salutation                                              as salutation,
  nullif(concat_ws(' ', (n).first_name, (n).middle), '')      as first_name,
  nullif(concat_ws(' ', (n).last_name, (n).suffix), '')       as last_name,
  (n).uncertain                                               as name_uncertain,
  (n).reason                                                  as name_reason,
  lib.clean_email(email)                                      as email,
  coalesce(lib.is_valid_email(lib.clean_email(email)), false) as email_valid,
  lib.squish(phone)                                           as phone,
  lib.squish(mobile)                                          as mobile,
  lib.squish(title)                                           as title,
  lib.squish(street)                                          as street,
  lib.squish(city)                                            as city,
  lib.squish(state)                                           as state,
  lib.squish(zip)                                             as zip,
  _file, _line
from named
