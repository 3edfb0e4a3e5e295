-- Zoho Events (Meetings) for ASPEC meetings (seed 004 "Activity -> Events"): the original
-- start and end. A meeting with no end, or an end before its start, lasts one hour (reported);
-- a meeting without a readable start cannot exist in Zoho (Start_DateTime is mandatory) and is
-- rejected with its date.
select
  'activities:' || a.activity_id                               as source_key,
  coalesce(a.subject, 'Meeting')                               as "Event_Title",
  lib.zoho_datetime(a.occurred_at)                             as "Start_DateTime",
  lib.zoho_datetime(case when a.ended_at > a.occurred_at then a.ended_at else a.occurred_at + interval '1 hour' end) as "End_DateTime",
  nullif(concat_ws(E'\n\n',
    case when a.status is not null then 'ASPEC status: ' || a.status end,
    a.details, nullif(a.missing_note, '')), '')                as "Description",
  case when a.deal_key is not null then a.deal_key else a.account_key end as "What_Id",
  a.contact_key                                                as "Who_Id",
  a.owner_email                                                as "Owner",
  a.activity_id                                                as "ASPEC_Activity_ID",
  case
    when a.orphan then format('ORPHAN: meeting %s names no contact, company or opportunity the export has', a.activity_id)
    when a.occurred_at is null then format('UNPARSEABLE_DATE: meeting %s has date %s; Start_DateTime is mandatory', a.activity_id, coalesce('"' || a.date_raw || '"', 'none'))
  end                                                          as _reject_reason
from aspec_to_zoho.activities a
where a.type = 'Meeting'
