-- Document references per record, as the text of the "LeadTrac Documents" reference field:
-- one line per document: file name | URL | DocuSign envelope id. A document on a lead or person
-- that is not in the export stays in handoff_documents only.
select 'lead' as kind, d.lead_id as id,
       string_agg(concat_ws(' | ', coalesce(d.file_name, 'document ' || d.document_id), coalesce(d.url, 'no URL'), 'DocuSign envelope ' || d.docusign_envelope_id), E'\n' order by d.document_id) as text,
       count(*) as documents
from stg_leadtrac.documents d where d.lead_id is not null group by d.lead_id
union all
select 'person', d.person_id,
       string_agg(concat_ws(' | ', coalesce(d.file_name, 'document ' || d.document_id), coalesce(d.url, 'no URL'), 'DocuSign envelope ' || d.docusign_envelope_id), E'\n' order by d.document_id),
       count(*)
from stg_leadtrac.documents d where d.person_id is not null and d.lead_id is null group by d.person_id
