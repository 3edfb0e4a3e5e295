-- materialized: table
-- ASPEC activities (Call, Email, Task, Meeting, Note in any case), typed; one row per Activity
-- ID. Times without an offset are America/Toronto (EXPORTS.md); dates day-first. `*_known`
-- says whether the contact / company / opportunity named is in the export.
with ranked as (
  select a.*, row_number() over (partition by btrim(activity_id) order by _line desc) as rn
  from raw_aspec.activities a
  where btrim(coalesce(activity_id, '')) <> ''
)
select
  btrim(a.activity_id)                                         as activity_id,
  lib.squish(a.type)                                           as type_raw,
  case lower(lib.squish(a.type)) when 'call' then 'Call' when 'email' then 'Email' when 'e-mail' then 'Email' when 'task' then 'Task'
    when 'meeting' then 'Meeting' when 'note' then 'Note' end  as type,
  nullif(btrim(a.contact_id), '')                              as contact_id,
  k.contact_id is not null                                     as contact_known,
  nullif(btrim(a.company_id), '')                              as company_id,
  co.company_id is not null                                    as company_known,
  -- the activity's account: its own company, else its contact's
  coalesce(co.account_company_id, k.account_company_id)        as account_company_id,
  nullif(btrim(a.opportunity_id), '')                          as opportunity_id,
  o.opportunity_id is not null                                 as opportunity_known,
  lib.squish(a.date)                                           as date_raw,
  lib.parse_timestamp(a.date, true, 'America/Toronto')         as occurred_at,
  coalesce(a.date ~ '\d:\d\d', false)                          as has_time,
  lib.squish(a."end")                                          as end_raw,
  lib.parse_timestamp(a."end", true, 'America/Toronto')        as ended_at,
  lib.squish(a.subject)                                        as subject,
  nullif(btrim(a.details), '')                                 as details,
  lib.squish(a.owner_id)                                       as owner_raw,
  lib.squish(a.status)                                         as status,
  a._file, a._line
from ranked a
left join stg_aspec.contacts k on k.contact_id = nullif(btrim(a.contact_id), '')
left join stg_aspec.companies co on co.company_id = nullif(btrim(a.company_id), '')
left join stg_aspec.opportunities o on o.opportunity_id = nullif(btrim(a.opportunity_id), '')
where rn = 1
