-- Hand-off: attachments over Zoho's per-file limit. They are not uploaded; each deal lists
-- them in Oversize_Attachments so users know the file exists. Store them in a document
-- system and paste the link into the deal.
select
  a.attachment_id                                     as "Attachment ID",
  a.work_order_number                                 as "Work Order Number",
  a.kind                                              as "Kind",
  a.file_name                                         as "File Name",
  a.size_bytes                                        as "Size (bytes)",
  round(a.size_bytes / 1048576.0, 1)                  as "Size (MB)",
  a.path                                              as "Path in export",
  'work_orders:' || a.work_order_id                   as "Deal source_key"
from servicetracker_to_zoho.attachment_files a
where a.over_limit
order by a.attachment_id
