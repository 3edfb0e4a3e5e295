-- unique_key: document_id
-- indexes: lead_id; person_id
-- LeadTrac document references (the files themselves are not in the export). One row per
-- Document ID (the export's last row wins).
with ranked as (
  select d.*,
         row_number() over (partition by btrim(d.document_id) order by d._line desc) as rn,
         count(*) over (partition by btrim(d.document_id))                           as id_rows
  from raw_leadtrac.documents d
  where btrim(d.document_id) <> ''
)
select
  btrim(r.document_id)                                  as document_id,
  nullif(btrim(r.lead_id), '')                          as lead_id,
  nullif(btrim(r.person_id), '')                        as person_id,
  lib.squish(r.file_name)                               as file_name,
  nullif(btrim(r.url), '')                              as url,
  nullif(btrim(r.docusign_envelope_id), '')             as docusign_envelope_id,
  r.id_rows,
  r._file, r._line
from ranked r
where r.rn = 1
