-- Zoho Notes for ASPEC notes (seed 004 "Activity -> Notes"), on one parent: the Deal, else the
-- Contact, else the Account. Notes' own times are read-only, so the author and original time
-- end the note's text.
select
  'activities:' || a.activity_id                               as source_key,
  coalesce(a.subject, 'ASPEC note')                            as "Note_Title",
  concat_ws(E'\n\n', coalesce(a.details, '(empty note)'), nullif(a.missing_note, ''),
    '- ' || concat_ws(', ', coalesce(a.owner_name, 'unknown author'), coalesce(a.local_time, a.date_raw))) as "Note_Content",
  coalesce(a.deal_key, a.contact_key, a.account_key)           as "Parent_Id",
  a.owner_email                                                as "Owner",
  case when a.orphan then format('ORPHAN: note %s names no contact, company or opportunity the export has', a.activity_id) end as _reject_reason
from aspec_to_zoho.activities a
where a.type = 'Note'
