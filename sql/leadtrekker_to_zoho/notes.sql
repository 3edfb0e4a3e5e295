-- Zoho CRM Notes on the lead (seed 000 "Activity: Note"). Plain text kept (rich text reduced to
-- text); author and original time written into the note, as Notes' own times are read-only.
select
  'notes:' || a.activity_id                               as source_key,
  coalesce(a.subject, 'Leadtrekker note')                 as "Note_Title",
  concat_ws(E'\n\n', coalesce(a.body_text, '(empty note)'),
    '- ' || concat_ws(', ', coalesce(a.user_raw, 'unknown author'),
                     coalesce(to_char(a.occurred_at at time zone cv.timezone, 'YYYY-MM-DD HH24:MI'), a.occurred_raw))) as "Note_Content",
  'leads:' || a.lead_id                                   as "Parent_Id",
  case when not a.lead_exists
       then 'ORPHAN: note ' || a.activity_id || ' refers to ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead') end as "_reject_reason"
from stg_leadtrekker.activities a
cross join stg_leadtrekker.conventions cv
where a.type = 'note'
