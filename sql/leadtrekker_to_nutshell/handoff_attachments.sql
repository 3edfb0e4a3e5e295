-- Leadtrekker attachments (not a seed 001 row): Nutshell's API has no file upload (reference
-- 3.12), so every file is listed with the Nutshell record it belongs to, for upload by hand
-- (drag onto the person's timeline) from the export's files/ folder.
select
  a.attachment_id,
  a.lead_id,
  coalesce(lp.contact_key, lp.lead_key)                   as nutshell_record,
  p.email,
  a.file_name,
  a.content_type,
  a.size_bytes,
  a.path                                                  as path_in_export,
  case when lp.lead_id is null then 'the lead is not in the export: keep or drop the file'
       else 'upload to the Nutshell ' || case when lp.contact_key is not null then 'person' else 'lead' end
            || ' ' || coalesce(p.full_name, p.email, lp.person_key) end as action
from stg_leadtrekker.attachments a
left join leadtrekker_to_nutshell.lead_parents lp on lp.lead_id = a.lead_id
left join leadtrekker_to_nutshell.people p on p.person_key = lp.person_key
