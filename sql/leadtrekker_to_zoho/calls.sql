-- Zoho CRM Calls, one per Leadtrekker call log (seed 000 "Activity: Call Log"; the seed's
-- "Tasks with TaskSubtype = Call" is another CRM's model: Zoho has a Calls module with typed
-- duration, result and start-time fields, so calls go there; README.md).
select
  'calls:' || a.activity_id                               as source_key,
  coalesce(a.subject, initcap(coalesce(a.direction, 'logged')) || ' call' || coalesce(' - ' || a.disposition, '')) as "Subject",
  -- a call with no talk time (no answer, busy) is Zoho's 'Missed': Zoho refuses an inbound or
  -- outbound call without a duration; the Leadtrekker direction stays in Description
  case when coalesce(a.duration_seconds, 0) = 0 then 'Missed'
       when a.direction = 'inbound' then 'Inbound'
       else 'Outbound' end                                as "Call_Type",
  case when coalesce(a.duration_seconds, 0) > 0 and coalesce(a.direction, 'outbound') <> 'inbound' then 'Completed' end as "Outbound_Call_Status",
  lib.zoho_datetime(a.occurred_at)                        as "Call_Start_Time",
  -- mm:ss (minutes may exceed 59); Zoho refuses a zero duration on inbound/outbound calls
  case when a.duration_seconds > 0
       then lpad((a.duration_seconds / 60)::text, 2, '0') || ':' || lpad((a.duration_seconds % 60)::text, 2, '0') end as "Call_Duration",
  a.disposition                                           as "Call_Result",
  concat_ws(E'\n', initcap(coalesce(a.direction, 'logged')) || ' call in Leadtrekker'
    || case when coalesce(a.duration_seconds, 0) = 0 then ', no talk time' else '' end, a.body_text) as "Description",
  'leads:' || a.lead_id                                   as "What_Id",
  coalesce(a.user_email, lower(a.user_raw))               as "Owner",
  case
    when not a.lead_exists then 'ORPHAN: call ' || a.activity_id || ' refers to ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead')
    when a.occurred_at is null then 'UNPARSEABLE_DATE: call ' || a.activity_id || ' has date ' || coalesce('"' || a.occurred_raw || '"', 'none') || '; Call_Start_Time is mandatory'
  end                                                     as "_reject_reason"
from stg_leadtrekker.activities a
where a.type = 'call'
