-- Files that cannot be uploaded (over the per-file limit): attachments, and images a note
-- refers to inline. The admin attaches them by hand or links them from a file store.
select
  'attachment'                                            as kind,
  a.attachment_id                                         as source_id,
  a.lead_id,
  a.file_name,
  a.content_type,
  round(a.size_bytes / 1048576.0, 1)                      as size_mb,
  a.path                                                  as path_in_export
from stg_leadtrekker.attachments a
cross join leadtrekker_to_zoho.attachment_limit s
where a.size_bytes > s.max_bytes
union all
select 'note image', n.activity_id, n.lead_id, a.file_name, a.content_type, round(a.size_bytes / 1048576.0, 1), a.path
from stg_leadtrekker.activities n
cross join lateral unnest(n.inline_images) img(file_name)
join stg_leadtrekker.attachments a on a.lead_id = n.lead_id and a.file_name = img.file_name
cross join leadtrekker_to_zoho.attachment_limit s
where n.type = 'note' and a.size_bytes > s.max_bytes
