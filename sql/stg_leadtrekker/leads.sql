-- Leadtrekker leads, typed and cleaned. One row per Lead ID (the export's last row wins
-- when an ID repeats; the duplicates are reported in dq_leadtrekker).
with ranked as (
  select l.*, row_number() over (partition by btrim(lead_id) order by _line desc) as rn
  from raw_leadtrekker.leads l
  where btrim(lead_id) <> ''
)
select
  btrim(lead_id)                                        as lead_id,
  lib.squish(coalesce(name, concat_ws(' ', first_name, last_name))) as full_name,
  -- separate columns win over the compound name
  coalesce(lib.squish(first_name), case when lib.squish(last_name) is null then lib.first_name_of(name) end) as first_name,
  coalesce(lib.squish(last_name), lib.last_name_of(name)) as last_name,
  lib.clean_email(email)                                as email,
  coalesce(lib.is_valid_email(lib.clean_email(email)), false) as email_valid,
  lib.squish(phone)                                     as phone,
  lib.squish(mobile)                                    as mobile,
  lib.squish(company)                                   as company,
  lib.squish(status)                                    as status,
  lib.squish(source)                                    as source,
  lib.clean_email(owner)                                as owner,
  lib.squish("group")                                   as user_group,
  created                                               as created_raw,
  lib.parse_timestamp(created, true, 'Africa/Johannesburg')  as created_at,
  modified                                              as modified_raw,
  lib.parse_timestamp(modified, true, 'Africa/Johannesburg') as modified_at,
  _file, _line, _row_hash
from ranked
where rn = 1
