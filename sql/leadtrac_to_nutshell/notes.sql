-- Nutshell Notes for LeadTrac notes (seed 003 "Activity (Note)"). A Nutshell note belongs to one
-- record: the most specific parent the export has (lead, then person, then company); the other
-- parents are named in the note. Author and creation time are set by Nutshell (the API user,
-- now), so the original author and date open the text (the local time of the export, written
-- in its date order).
select
  'notes:' || a.activity_id                              as source_key,
  concat_ws(E'\n',
    'LeadTrac note by ' || coalesce(a.owner_raw, 'unknown author') || ', '
      || coalesce(to_char(a.occurred_at at time zone cv.timezone, case when cv.day_first then 'DD/MM/YYYY' else 'MM/DD/YYYY' end || ' HH12:MI AM'), a.occurred_raw, 'date unknown')
      || coalesce(' - ' || a.subject, ''),
    'Filed under: ' || ap.parents_text,
    '',
    coalesce(a.body, '(empty note)'))                    as note,
  ap.shown_under                                         as entity,
  case when ap.shown_under is null and not ap.parent_rejected
       then 'NO_PARENT: note ' || a.activity_id || case when cardinality(ap.missing) > 0 then ' names ' || array_to_string(ap.missing_why, '; ') else ' names no lead, person or company' end
            || ': attach it by hand or drop it' end      as "_queue_reason",
  case when ap.shown_under is null and ap.parent_rejected
       then 'PARENT_REJECTED: note ' || a.activity_id || ' names ' || array_to_string(ap.missing_why, '; ') end as "_reject_reason"
from stg_leadtrac.activities a
join leadtrac_to_nutshell.activity_parents ap on ap.activity_id = a.activity_id
cross join stg_leadtrac.conventions cv
where a.kind = 'note'
