-- ASPEC attachment list (the export holds no file bodies), with the record each belongs to.
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
  a._file, a._line
from raw_aspec.attachments a
left join stg_aspec.contacts k on k.contact_id = nullif(btrim(a.contact_id), '')
left join stg_aspec.companies co on co.company_id = nullif(btrim(a.company_id), '')
where btrim(coalesce(a.attachment_id, '')) <> ''
