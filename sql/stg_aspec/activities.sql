-- unique_key: activity_id
-- indexes: contact_id; account_company_id; opportunity_id
-- ASPEC activities (Call, Email, Task, Meeting, Note in any case), typed once by the source's
-- conventions; one row per Activity ID (the export's last row wins, `id_rows` counts repeats).
-- Times without an offset are in the source's time zone; `occurred_local` is the same instant
-- on the source's clock (for due dates and the text of notes). `*_known` says whether the
-- contact / company / opportunity named is in the export.
with ranked as (
  select a.*,
         row_number() over (partition by btrim(a.activity_id) order by a._line desc) as rn,
         count(*) over (partition by btrim(a.activity_id))                          as id_rows
  from raw_aspec.activities a
  where btrim(a.activity_id) <> ''
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
  -- the activity's account: its own company's, else its contact's
  coalesce(co.account_company_id, k.account_company_id)        as account_company_id,
  nullif(btrim(a.opportunity_id), '')                          as opportunity_id,
  o.opportunity_id is not null                                 as opportunity_known,
  lib.squish(a.date)                                           as date_raw,
  t.occurred_at,
  t.occurred_at at time zone cv.timezone                       as occurred_local,
  -- why Date is not a date (null when it is, or is empty)
  case when t.occurred_at is null then lib.date_issue(a.date, cv.day_first) end as date_issue,
  coalesce(a.date ~ '\d:\d\d', false)                          as has_time,
  lib.squish(a."end")                                          as end_raw,
  lib.parse_timestamp(a."end", cv.day_first, cv.timezone)      as ended_at,
  lib.squish(a.subject)                                        as subject,
  nullif(btrim(a.details), '')                                 as details,
  lib.squish(a.owner_id)                                       as owner_raw,
  lib.squish(a.status)                                         as status,
  a.id_rows,
  a._file, a._line
from ranked a
cross join stg_aspec.conventions cv
cross join lateral (select lib.parse_timestamp(a.date, cv.day_first, cv.timezone) as occurred_at offset 0) t  -- parsed once (offset 0 keeps the planner from copying the call into each use)
left join stg_aspec.contacts k on k.contact_id = btrim(a.contact_id)
left join stg_aspec.companies co on co.company_id = btrim(a.company_id)
left join stg_aspec.opportunities o on o.opportunity_id = btrim(a.opportunity_id)
where a.rn = 1
