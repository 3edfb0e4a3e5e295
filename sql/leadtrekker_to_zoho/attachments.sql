-- Zoho CRM Attachments on the lead (seed 000 "Attachment (on Lead)"). `file_path` is relative
-- to the export's files/ folder. Files the manifest says are over the destination's limit are
-- not uploaded (exports carry no body for them): queued with the reason for manual hand-off
-- and listed in handoff_attachments_over_limit.
select
  'attachments:' || a.attachment_id                       as source_key,
  'leads:' || a.lead_id                                   as "Parent_Id",
  a.file_name                                             as "File_Name",
  coalesce(a.content_type, case lower(substring(a.file_name from '\.([A-Za-z0-9]+)$'))
    when 'pdf' then 'application/pdf' when 'jpg' then 'image/jpeg' when 'jpeg' then 'image/jpeg'
    when 'png' then 'image/png' when 'tif' then 'image/tiff' when 'tiff' then 'image/tiff'
    when 'docx' then 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
    when 'xlsx' then 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    when 'txt' then 'text/plain' when 'csv' then 'text/csv'
    else 'application/octet-stream' end)                  as "Content_Type",
  a.size_bytes                                            as "Size",
  a.path                                                  as file_path,
  case when not a.lead_exists
       then 'ORPHAN: attachment ' || a.attachment_id || ' refers to ' || lib.parent_missing('leadtrekker', 'leads', a.lead_id, 'lead') end as "_reject_reason",
  case when a.size_bytes > s.max_bytes
       then 'OVER_SIZE_LIMIT: ' || a.file_name || ' is ' || round(a.size_bytes / 1048576.0, 1) || ' MB; Zoho takes at most '
            || (s.max_bytes / 1048576) || ' MB per file: listed for manual hand-off' end as "_queue_reason"
from stg_leadtrekker.attachments a
cross join leadtrekker_to_zoho.attachment_limit s
