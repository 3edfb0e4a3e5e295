-- unique_key: attachment_id
-- The attachment manifest, one row per Attachment ID (the last row wins). Size in bytes as
-- exported (null when not a whole number; dq reports it).
with dup as materialized (
  -- ids written on more than one row: only their rows are compared (the last one wins)
  select btrim(attachment_id) as id, max(_line) as last_line, count(*) as n
  from raw_leadtrekker.attachments
  where btrim(attachment_id) <> ''
  group by 1
  having count(*) > 1
),
ranked as (
  select a.*, coalesce(d.n, 1) as id_rows
  from raw_leadtrekker.attachments a
  left join dup d on d.id = btrim(a.attachment_id)
  where btrim(a.attachment_id) <> '' and (d.id is null or a._line = d.last_line)
),
-- the Lead IDs the export has (its leads file, not the staged leads: so this table does not wait for them)
lead_ids as (
  select distinct btrim(lead_id) as lead_id from raw_leadtrekker.leads where btrim(lead_id) <> ''
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
left join lead_ids l on l.lead_id = btrim(a.lead_id)
