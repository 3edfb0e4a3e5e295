-- Attachments over Zoho's per-file limit: not uploaded, handed off.
select 'size_limit'::text as category, 'warning'::text as severity, 'attachments'::text as object,
       'attachments:' || a.attachment_id as source_key, 'Size'::text as field, a.size_bytes::text as value,
       format('%s is %s MB, over the 20 MB limit: listed on the deal and in handoff_oversize_attachments', a.file_name, round(a.size_bytes / 1048576.0, 1)) as message
from servicetracker_to_zoho.attachment_files a
where a.over_limit
