-- The attachment manifest. Size in bytes as exported (null when not a number).
select
  btrim(a.attachment_id)                                        as attachment_id,
  btrim(a.lead_id)                                              as lead_id,
  exists (select 1 from stg_leadtrekker.leads l where l.lead_id = btrim(a.lead_id)) as lead_exists,
  btrim(a.file_name)                                            as file_name,
  nullif(lower(btrim(a.content_type)), '')                      as content_type,
  case when btrim(a.size) ~ '^\d+$' then btrim(a.size)::bigint end as size_bytes,
  nullif(btrim(a.path), '')                                     as path,
  a._file, a._line
from raw_leadtrekker.attachments a
where btrim(a.attachment_id) <> ''
