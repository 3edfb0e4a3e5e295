-- Values the pipeline fills because Zoho refuses a record without them (pipelines/leadtrekker-to-zoho/README.md,
-- "Mandatory fields"): one finding per filled record, naming the export file, line and column.
select 'mandatory_filled' as category, 'warning' as severity, 'leads' as object, z.source_key,
       'Company' as field, z."Company" as value,
       format('Zoho requires Company on Leads and this lead has none (%s line %s, column Company): filled with %s; correct it in Zoho if the lead has a company',
              z._file, z._line, case when z."Company" = '[Not provided]' then '"[Not provided]"' else 'the person''s name' end) as message
from leadtrekker_to_zoho.leads z
join stg_leadtrekker.leads l on 'leads:' || l.lead_id = z.source_key
where l.company is null and z._reject_reason is null
