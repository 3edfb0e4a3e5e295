-- Files on the Deal (seed 002, "Work Order Attachment / Signature -> Zoho Files"): one row per
-- attachment, Parent_Id the deal's source_key, File_Path relative to the export's files/.
-- Over the limit: skipped here, listed in handoff_oversize_attachments and in the deal's
-- Oversize_Attachments field.
select
  'attachments:' || a.attachment_id                   as source_key,
  'work_orders:' || a.work_order_id                   as "Parent_Id",
  a.file_name                                         as "File_Name",
  a.content_type                                      as "Content_Type",
  a.kind                                              as "Kind",
  a.size_bytes::float8                                as "Size",
  a.path                                              as "File_Path",
  case when not a.work_order_exists and a.work_order_id is not null
       then 'ORPHAN: ' || lib.parent_missing('servicetracker', 'work_orders', a.work_order_id, 'work order') end as _reject_reason,
  case when a.over_limit
       then format('OVER_SIZE_LIMIT: %s bytes is over Zoho''s %s-byte file limit; listed in handoff_oversize_attachments', a.size_bytes, a.limit_bytes) end as _skip_reason
from servicetracker_to_zoho.attachment_files a
