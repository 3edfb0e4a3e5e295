-- materialized: table
-- Work order attachments (signatures, photos, reports): the manifest. Bodies sit under the
-- export's files/ folder at `path`.
with ranked as (
  select a.*, row_number() over (partition by btrim(attachment_id) order by _line desc) as rn
  from raw_servicetracker.attachments a
  where btrim(attachment_id) <> ''
)
select
  btrim(attachment_id)                    as attachment_id,
  nullif(btrim(work_order_id), '')        as work_order_id,
  lower(lib.squish(kind))                 as kind,
  lib.squish(file_name)                   as file_name,
  lib.squish(content_type)                as content_type,
  size                                    as size_raw,
  case when btrim(size) ~ '^\d{1,18}$' then btrim(size)::bigint end as size_bytes,
  nullif(btrim(path), '')                 as path,
  _file, _line
from ranked
where rn = 1
