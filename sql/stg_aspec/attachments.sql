-- unique_key: attachment_id
-- indexes: contact_id; company_id
-- ASPEC attachment list (the export holds no file bodies), one row per Attachment ID (the last
-- row wins), with the record each belongs to. Size in bytes as exported (null when not a whole
-- number).
with ranked as (
  select a.*,
         row_number() over (partition by btrim(a.attachment_id) order by a._line desc) as rn,
         count(*) over (partition by btrim(a.attachment_id))                          as id_rows
  from raw_aspec.attachments a
  where btrim(a.attachment_id) <> ''
)
select
  btrim(a.attachment_id)                                       as attachment_id,
  nullif(btrim(a.contact_id), '')                              as contact_id,
  k.contact_id is not null                                     as contact_known,
  nullif(btrim(a.company_id), '')                              as company_id,
  co.company_id is not null                                    as company_known,
  co.account_company_id,
  lib.squish(a.file_name)                                      as file_name,
  lib.squish(a.size)                                           as size_raw,
  case when btrim(a.size) ~ '^\d{1,15}$' then btrim(a.size)::bigint end as size_bytes,
  a.id_rows,
  a._file, a._line
from ranked a
left join stg_aspec.contacts k on k.contact_id = btrim(a.contact_id)
left join stg_aspec.companies co on co.company_id = btrim(a.company_id)
where a.rn = 1
