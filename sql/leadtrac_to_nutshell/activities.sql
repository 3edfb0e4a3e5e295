-- Nutshell Activities for LeadTrac calls, emails, meetings and appointments (seed 003
-- "Activity (Call/Email/Meeting)"), logged (status 1) at the original time, or scheduled
-- (status 0) when in the future. Type: maps/activity_type.csv. Parents: every one the export
-- has is linked (lead -> leads, person and company -> participants); the most specific is named
-- first in the description ("Filed under"). Nutshell activities have no custom fields: outcome,
-- duration and the original owner are written into the description; the duration also sets the
-- end time when there is no End Date. Owner: an extra Users participant.
select
  'activities:' || a.activity_id                         as source_key,
  left(coalesce(a.subject, initcap(a.kind) || coalesce(' - ' || a.outcome, '')), 255) as name,
  t.nutshell_activity_type                               as activity_type,
  a.occurred_at                                          as "startTime",
  coalesce(case when a.end_at >= a.occurred_at then a.end_at end,
           a.occurred_at + make_interval(secs => coalesce(a.duration_seconds, 0))) as "endTime",
  case when a.occurred_at > now() then 0 else 1 end      as status,
  a.location,
  concat_ws(E'\n',
    'Filed under: ' || coalesce(ap.parents_text, 'no parent'),
    'Outcome: ' || a.outcome,
    case when a.kind in ('call', 'meeting') then 'Duration: ' || coalesce((a.duration_seconds / 60)::text || ' min' || coalesce(' (exported as "' || a.duration_raw || '")', ''),
                                                              case when a.duration_raw is not null then '"' || a.duration_raw || '" (not a duration)' else 'not recorded' end) end,
    'LeadTrac ' || a.type_raw || ' ' || a.activity_id || ' by ' || coalesce(a.owner_raw, 'unknown user'),
    E'\n' || a.body)                                     as description,
  case when ap.lead_id is not null then 'leads:' || ap.lead_id end as leads,
  case when ap.person_id is not null then 'contacts:' || ap.person_id end as participants_person,
  case when ap.company_id is not null then 'accounts:' || ap.company_id end as participants_company,
  a.owner_email,
  case when a.kind is not null and ap.shown_under is null and not ap.parent_rejected
       then 'NO_PARENT: ' || a.type_raw || ' ' || a.activity_id || case when cardinality(ap.missing) > 0 then ' names ' || array_to_string(ap.missing_why, '; ') else ' names no lead, person or company' end
            || ': attach it by hand or drop it' end      as "_queue_reason",
  case when a.kind is not null and ap.shown_under is null and ap.parent_rejected
       then 'PARENT_REJECTED: ' || a.type_raw || ' ' || a.activity_id || ' names ' || array_to_string(ap.missing_why, '; ')
       when a.kind is null
       then 'UNKNOWN_TYPE: activity ' || a.activity_id || ' has type "' || coalesce(a.type_raw, '') || '" (not Call, Email, Note, Meeting or Appointment)'
       when ap.shown_under is not null and a.occurred_at is null
       then 'UNPARSEABLE_DATE: ' || a.type_raw || ' ' || a.activity_id || ' has date ' || coalesce('"' || a.occurred_raw || '"', 'none') || '; Nutshell activities need a start time' end as "_reject_reason"
from stg_leadtrac.activities a
join leadtrac_to_nutshell.activity_parents ap on ap.activity_id = a.activity_id
left join leadtrac_to_nutshell.map_activity_type t on lower(btrim(t.leadtrac_kind)) = a.kind
where a.kind is distinct from 'note'
