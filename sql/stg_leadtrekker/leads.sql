-- unique_key: lead_id
-- indexes: company_key; owner_email
-- Leadtrekker leads, typed once by the source's conventions (stg_leadtrekker.conventions);
-- destination-neutral (feeds both Leadtrekker pipelines). One row per Lead ID: the export's
-- last row wins when an ID repeats (dq_leadtrekker reports it).
-- Names: lib.person_name keeps First/Last columns as the export split them, else splits the
-- compound name; custom fields: every column the connector does not declare, as exported.
with ranked as (
  select l.*,
         row_number() over (partition by btrim(l.lead_id) order by l._line desc) as rn,
         count(*) over (partition by btrim(l.lead_id))                          as id_rows,
         raw_leadtrekker.leads_custom(l)                                         as custom
  from raw_leadtrekker.leads l
  where btrim(l.lead_id) <> ''
),
-- a company key once per spelling, not once per lead
companies as (
  select c.company, lib.company_key(c.company) as company_key
  from (select distinct lib.squish(company) as company from ranked where rn = 1) c
  where c.company is not null
)
select
  btrim(r.lead_id)                                      as lead_id,
  coalesce(lib.squish(r.name), lib.squish(concat_ws(' ', r.first_name, r.last_name))) as full_name,
  n.salutation,
  n.first_name,
  n.middle                                              as middle_name,
  n.last_name,
  n.suffix,
  -- why a person should look at the name (null: nothing doubtful)
  case when n.uncertain then coalesce(n.reason, 'check the name')
       when n.first_name is null and n.last_name is not null then 'single word: taken as the last name' end as name_uncertain,
  lib.squish(r.email)                                   as email_raw,
  lib.clean_email(r.email)                              as email,
  coalesce(lib.is_valid_email(lib.clean_email(r.email)), false) as email_valid,
  lib.squish(r.phone)                                   as phone,
  lib.phone_e164(r.phone, cv.phone_country)             as phone_e164,
  lib.squish(r.mobile)                                  as mobile,
  lib.phone_e164(r.mobile, cv.phone_country)            as mobile_e164,
  co.company,
  -- one key per company however it is spelled (case, spacing, punctuation, legal suffix)
  co.company_key,
  lib.squish(r.status)                                  as status,
  lib.squish(r.source)                                  as source,
  lib.squish(r.owner)                                   as owner_raw,
  coalesce(o.email, case when lib.squish(r.owner) ~ '@' then lib.clean_email(r.owner) end) as owner_email,
  case when o.email is not null then o.matched_by
       when lib.squish(r.owner) is null then null
       when lib.squish(r.owner) ~ '@' then 'email'
       else 'unresolved' end                            as owner_matched_by,
  lib.squish(r."group")                                 as user_group,
  r.created                                             as created_raw,
  lib.parse_timestamp(r.created, cv.day_first, cv.timezone)  as created_at,
  r.modified                                            as modified_raw,
  lib.parse_timestamp(r.modified, cv.day_first, cv.timezone) as modified_at,
  r.custom,
  r.id_rows,
  r._file, r._line, r._row_hash
from ranked r
cross join stg_leadtrekker.conventions cv
cross join lateral lib.person_name(r.first_name, r.last_name, r.name) n
left join companies co on co.company = lib.squish(r.company)
left join stg_leadtrekker.user_refs o on o.ref = lower(lib.squish(r.owner))
where r.rn = 1
