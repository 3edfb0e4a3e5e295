-- unique_key: attachment_id
-- indexes: work_order_id
-- Work order attachments (signatures, photos, reports): the manifest, one row per Attachment ID
-- (the export's last row wins). Bodies sit under the export's files/ folder at `path`; size in
-- bytes as exported (null when not a whole number; dq reports it).
with ranked as (
  select a.*, row_number() over (partition by btrim(a.attachment_id) order by a._line desc) as rn,
         count(*) over (partition by btrim(a.attachment_id)) as id_rows
  from raw_servicetracker.attachments a
  where btrim(a.attachment_id) <> ''
)
select
  btrim(r.attachment_id)                            as attachment_id,
  nullif(btrim(r.work_order_id), '')                as work_order_id,
  w.work_order_id is not null                       as work_order_exists,
  w.work_order_number,
  lower(lib.squish(r.kind))                         as kind,
  lib.squish(r.file_name)                           as file_name,
  lib.squish(r.content_type)                        as content_type,
  btrim(r.size)                                     as size_raw,
  case when btrim(r.size) ~ '^\d{1,18}$' then btrim(r.size)::bigint end as size_bytes,
  nullif(btrim(r.path), '')                         as path,
  r.id_rows,
  r._file, r._line
from ranked r
left join stg_servicetracker.work_orders w on w.work_order_id = btrim(r.work_order_id)
where r.rn = 1
