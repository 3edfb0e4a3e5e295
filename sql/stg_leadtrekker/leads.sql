-- Leadtrekker leads, typed and cleaned; destination-neutral (also feeds other destinations).
-- One row per Lead ID: the export's last row wins when an ID repeats (reported in dq_leadtrekker).
-- Names: separate First/Last columns win; else lib.split_name on the compound name (seed rule:
-- split on the first space; honorifics, suffixes, "Last, First", particles and capitals handled).
with ranked as (
  select l.*, row_number() over (partition by btrim(lead_id) order by _line desc) as rn,
         count(*) over (partition by btrim(lead_id)) as id_rows
  from raw_leadtrekker.leads l
  where btrim(lead_id) <> ''
),
base as (
  select r.*,
         lib.squish(coalesce(nullif(btrim(r.name), ''), concat_ws(' ', lib.squish(r.first_name), lib.squish(r.last_name)))) as full_name,
         lib.squish(r.last_name) is not null as has_columns,
         lib.split_name(r.name) as np
  from ranked r
  where rn = 1
)
select
  btrim(b.lead_id)                                      as lead_id,
  b.full_name,
  case when not b.has_columns then (b.np).salutation end as salutation,
  case when b.has_columns then lib.squish(b.first_name) else (b.np).first_name end as first_name,
  case when not b.has_columns then (b.np).middle end    as middle_name,
  case when b.has_columns then lib.squish(b.last_name) else (b.np).last_name end as last_name,
  case when not b.has_columns then (b.np).suffix end    as suffix,
  -- why a person should look at the split (null: nothing doubtful)
  case
    when b.has_columns then null
    when lib.squish(b.name) is null then 'no name'
    when (b.np).uncertain then (b.np).reason
    when (b.np).first_name is null then 'single word: taken as the last name'
  end                                                   as name_uncertain,
  lib.squish(b.email)                                   as email_raw,
  lib.clean_email(b.email)                              as email,
  coalesce(lib.is_valid_email(lib.clean_email(b.email)), false) as email_valid,
  lib.squish(b.phone)                                   as phone,
  lib.phone_e164(b.phone, 'ZA')                         as phone_e164,
  lib.squish(b.mobile)                                  as mobile,
  lib.phone_e164(b.mobile, 'ZA')                        as mobile_e164,
  lib.squish(b.company)                                 as company,
  -- one key per company however it is spelled (case, spacing, punctuation, legal suffix)
  lib.company_key(b.company)                            as company_key,
  lib.squish(b.status)                                  as status,
  lib.squish(b.source)                                  as source,
  lib.squish(b.owner)                                   as owner_raw,
  coalesce(o.email, case when lib.squish(b.owner) ~ '@' then lib.clean_email(b.owner) end) as owner_email,
  case when o.email is not null then o.matched_by
       when lib.squish(b.owner) is null then null
       when lib.squish(b.owner) ~ '@' then 'email'
       else 'unresolved' end                            as owner_matched_by,
  lib.squish(b."group")                                 as user_group,
  b.created                                             as created_raw,
  lib.parse_timestamp(b.created, true, 'Africa/Johannesburg')  as created_at,
  b.modified                                            as modified_raw,
  lib.parse_timestamp(b.modified, true, 'Africa/Johannesburg') as modified_at,
  -- every column the connector does not know: the custom fields, as exported (text)
  (select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
     from jsonb_each(to_jsonb(b)) e
    where e.key not like '\_%'
      and e.key not in ('lead_id', 'name', 'first_name', 'last_name', 'email', 'phone', 'mobile', 'company', 'status',
                        'source', 'owner', 'group', 'created', 'modified',
                        'rn', 'id_rows', 'full_name', 'has_columns', 'np')
      and e.value <> 'null'::jsonb and e.value <> '""'::jsonb) as custom,
  b.id_rows,
  b._file, b._line, b._row_hash
from base b
left join stg_leadtrekker.user_refs o on o.ref = lower(lib.squish(b.owner))
