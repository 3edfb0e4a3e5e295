-- unique_key: attachment_id
-- indexes: lead_id
-- The attachment manifest, one row per Attachment ID (the last row wins). Size in bytes as
-- exported (null when not a whole number; dq reports it).
with ranked as (
  select a.*, row_number() over (partition by btrim(a.attachment_id) order by a._line desc) as rn,
         count(*) over (partition by btrim(a.attachment_id)) as id_rows
  from raw_leadtrekker.attachments a
  where btrim(a.attachment_id) <> ''
)
select
  btrim(a.attachment_id)                                        as attachment_id,
  btrim(a.lead_id)                                              as lead_id,
  l.lead_id is not null                                         as lead_exists,
  btrim(a.file_name)                                            as file_name,
  nullif(lower(btrim(a.content_type)), '')                      as content_type,
  btrim(a.size)                                                 as size_raw,
  case when btrim(a.size) ~ '^\d{1,18}$' then btrim(a.size)::bigint end as size_bytes,
  nullif(btrim(a.path), '')                                     as path,
  a.id_rows,
  a._file, a._line
from ranked a
left join stg_leadtrekker.leads l on l.lead_id = btrim(a.lead_id)
where a.rn = 1
