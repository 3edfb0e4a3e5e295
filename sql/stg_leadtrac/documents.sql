-- materialized: table
-- LeadTrac document references (the files themselves are not in the export).
select distinct on (btrim(document_id))
  btrim(document_id)                                    as document_id,
  nullif(btrim(lead_id), '')                            as lead_id,
  nullif(btrim(person_id), '')                          as person_id,
  lib.squish(file_name)                                 as file_name,
  nullif(btrim(url), '')                                as url,
  nullif(btrim(docusign_envelope_id), '')               as docusign_envelope_id,
  _file, _line
from raw_leadtrac.documents
where btrim(document_id) <> ''
order by btrim(document_id), _line desc
