-- Every LeadTrac document reference and where it is kept: the "LeadTrac Documents" field of the
-- lead or person (file name | URL | DocuSign envelope id). Nutshell stores no files or envelopes:
-- the team re-links them in DocuSign / file storage after cutover.
select
  d.document_id, d.file_name, d.url, d.docusign_envelope_id,
  coalesce('lead ' || d.lead_id, 'person ' || d.person_id) as leadtrac_record,
  case when d.lead_id is not null and l.lead_id is not null then 'Nutshell lead: field LeadTrac Documents'
       when d.lead_id is null and p.person_id is not null then 'Nutshell person: field LeadTrac Documents'
       else 'not attached: its record is not in the export' end as kept_in
from stg_leadtrac.documents d
left join stg_leadtrac.leads l on l.lead_id = d.lead_id
left join stg_leadtrac.people p on p.person_id = d.person_id
