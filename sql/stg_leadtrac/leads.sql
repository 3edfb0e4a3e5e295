-- unique_key: lead_id
-- indexes: owner_email
-- LeadTrac leads, typed once by the source's conventions (stg_leadtrac.conventions). One row per
-- Lead ID: the export's last row wins when an ID repeats (dq_leadtrac reports it).
-- Owner: an email, else a user's name from users.csv (stg_leadtrac.user_refs). Status and source
-- are trimmed; matching them to a destination is case-insensitive (the pipeline's maps).
-- Custom fields: every column the connector does not declare, as exported (`custom`).
with ranked as (
  select l.*,
         row_number() over (partition by btrim(l.lead_id) order by l._line desc) as rn,
         count(*) over (partition by btrim(l.lead_id))                          as id_rows,
         raw_leadtrac.leads_custom(l)                                            as custom
  from raw_leadtrac.leads l
  where btrim(l.lead_id) <> ''
)
select
  btrim(r.lead_id)                                      as lead_id,
  lib.squish(r.lead_name)                               as lead_name,
  lib.squish(r.status)                                  as status,
  lib.squish(r.source)                                  as source,
  lib.squish(r.owner_email)                             as owner_raw,
  coalesce(u.email, case when lib.is_valid_email(lib.clean_email(r.owner_email)) then lib.clean_email(r.owner_email) end) as owner_email,
  case when lib.squish(r.owner_email) is null then 'none'
       when u.email is not null then u.matched_by
       when lib.is_valid_email(lib.clean_email(r.owner_email)) then 'email'
       else 'unresolved' end                            as owner_matched_by,
  r.created_date                                        as created_raw,
  lib.parse_timestamp(r.created_date, cv.day_first, cv.timezone) as created_at,
  -- why a date did not read (null when it did, or when there is none); dq reports it
  case when lib.squish(r.created_date) is not null then lib.date_issue(r.created_date, cv.day_first) end as created_issue,
  r.modified_date                                       as modified_raw,
  lib.parse_timestamp(r.modified_date, cv.day_first, cv.timezone) as modified_at,
  case when lib.squish(r.modified_date) is not null then lib.date_issue(r.modified_date, cv.day_first) end as modified_issue,
  r.custom,
  r.id_rows,
  r._file, r._line, r._row_hash
from ranked r
cross join stg_leadtrac.conventions cv
left join stg_leadtrac.user_refs u on u.ref = lower(lib.squish(r.owner_email))
where r.rn = 1
