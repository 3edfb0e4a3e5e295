-- Hand-off: ASPEC attachments (seed 004 "Attachment -> not migrated"): the export lists files
-- but holds none. Download each from the ASPEC UI and attach it to the Zoho record named here
-- (Zoho's limit is 20 MB per file).
select
  a.attachment_id                                              as "Attachment ID",
  a.file_name                                                  as "File Name",
  a.size_bytes                                                 as "Size (bytes)",
  coalesce(a.size_bytes > 20 * 1024 * 1024, false)             as "Over Zoho 20 MB Limit",
  case when a.contact_id is not null then 'Contact ' || a.contact_id else 'Company ' || a.company_id end as "ASPEC Record",
  case when a.contact_known then 'Contacts' when a.company_known then 'Accounts' end as "Zoho Module",
  case when a.contact_known then 'contacts:' || a.contact_id
       when a.company_known then 'companies:' || a.account_company_id end as "Zoho Record source_key",
  case when a.contact_known then concat_ws(' ', k.first_name, k.last_name) when a.company_known then c.name end as "Record Name",
  case when not (a.contact_known or a.company_known) then 'the record is not in the export: find it in ASPEC or skip the file'
       when a.size_bytes > 20 * 1024 * 1024 then 'over 20 MB: store in a document system and link it from the record'
       else 'download from ASPEC and attach in Zoho' end       as "Action"
from stg_aspec.attachments a
left join stg_aspec.contacts k on k.contact_id = a.contact_id and a.contact_known
left join stg_aspec.companies c on c.company_id = a.account_company_id and a.company_known
order by a.attachment_id
