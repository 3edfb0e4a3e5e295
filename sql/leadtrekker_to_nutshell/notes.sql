-- Nutshell Notes for Leadtrekker notes (seed 001 "Activity: Note"), on the person of the lead's
-- email. A note's author and creation time are set by Nutshell (the API user, now): the
-- original author and time open the note's text. Rich text is reduced to plain text.
select
  'notes:' || a.activity_id                               as source_key,
  concat_ws(E'\n',
    'Leadtrekker note by ' || coalesce(a.user_raw, 'unknown author') || ', '
      || coalesce(to_char(a.occurred_at at time zone cv.timezone, 'YYYY-MM-DD HH24:MI'), a.occurred_raw, 'time unknown')
      || coalesce(' - ' || a.subject, ''),
    '',
    coalesce(a.body_text, '(empty note)'))                 as note,
  coalesce(lp.contact_key, lp.lead_key)                   as entity,
  case when lp.lead_id is null and not lib.parent_rejected_at_extract('leadtrekker', 'leads', a.lead_id)
       then 'NO_PERSON: note ' || a.activity_id || ' is on ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead') || ': attach it by hand or drop it' end as "_queue_reason",
  case when lp.lead_id is null and lib.parent_rejected_at_extract('leadtrekker', 'leads', a.lead_id)
       then 'PARENT_REJECTED: note ' || a.activity_id || ' is on ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead') end as "_reject_reason"
from stg_leadtrekker.activities a
cross join stg_leadtrekker.conventions cv
left join leadtrekker_to_nutshell.lead_parents lp on lp.lead_id = a.lead_id
where a.type = 'note'
