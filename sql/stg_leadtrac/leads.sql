-- materialized: table
-- LeadTrac leads, typed. One row per Lead ID (the export's last row wins when an ID repeats).
-- Owner: an email, else a user's name from users.csv (stg_leadtrac.user_refs). Status and source
-- are trimmed; matching them to Nutshell is case-insensitive (the maps). Unknown columns are the
-- custom fields, kept as exported in `custom`.
with ranked as (
  select l.*, row_number() over (partition by btrim(lead_id) order by _line desc) as rn,
         count(*) over (partition by btrim(lead_id)) as id_rows
  from raw_leadtrac.leads l
  where btrim(lead_id) <> ''
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
  lib.parse_timestamp(r.created_date, false, 'America/New_York') as created_at,
  r.modified_date                                       as modified_raw,
  lib.parse_timestamp(r.modified_date, false, 'America/New_York') as modified_at,
  (select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
     from jsonb_each(to_jsonb(r)) e
     join etl.raw_columns rc on rc.source = 'leadtrac' and rc.file = 'leads' and rc.is_custom and rc.column_name = e.key
    where e.value <> 'null'::jsonb and e.value <> '""'::jsonb) as custom,
  r.id_rows,
  r._file, r._line
from ranked r
left join stg_leadtrac.user_refs u on u.ref = lower(lib.squish(r.owner_email))
where r.rn = 1
