-- Data-quality findings of the LeadTrac export (destination-neutral), one row per finding.
-- duplicate IDs: the export's last row wins
select 'duplicate_id' as category, 'warning' as severity, 'leads' as object, lead_id as source_key, 'Lead ID' as field, lead_id as value,
       'Lead ID appears ' || id_rows || ' times; the last row is used' as message
from stg_leadtrac.leads where id_rows > 1
union all
select 'duplicate_id', 'warning', 'people', person_id, 'Person ID', person_id, 'Person ID appears ' || id_rows || ' times; the last row is used'
from stg_leadtrac.people where id_rows > 1
union all
select 'duplicate_id', 'warning', 'companies', company_id, 'Company ID', company_id, 'Company ID appears ' || id_rows || ' times; the last row is used'
from stg_leadtrac.companies where id_rows > 1
union all
select 'duplicate_id', 'warning', 'activities', activity_id, 'Activity ID', activity_id, 'Activity ID appears ' || id_rows || ' times; the last row is used'
from stg_leadtrac.activities where id_rows > 1
union all
select 'duplicate_id', 'warning', 'documents', document_id, 'Document ID', document_id, 'Document ID appears ' || id_rows || ' times; the last row is used'
from stg_leadtrac.documents where id_rows > 1
-- emails
union all
select 'invalid_email', 'warning', 'people', person_id, 'Email', email_raw,
       'not a deliverable address: the person loads without an email (the text is kept in the description)'
from stg_leadtrac.people where email_raw is not null and not email_valid
union all
select 'duplicate_email', 'warning', 'people', p.person_id, 'Email', p.email,
       'people ' || d.ids || ' share this email: Nutshell finds the first by email, so the others land on the same Nutshell person'
from stg_leadtrac.people p
join (select email, string_agg(person_id, ', ' order by person_id) as ids, min(person_id) as first_id
        from stg_leadtrac.people where email_valid group by email having count(*) > 1) d on d.email = p.email
where p.person_id <> d.first_id
-- names
union all
select 'missing_name', case when email_valid then 'warning' else 'error' end, 'people', person_id, 'First Name / Last Name', null,
       case when email_valid then 'no name: the person is named by the email' else 'no name and no valid email: the person is rejected' end
from stg_leadtrac.people where coalesce(first_name, last_name) is null
union all
select 'uncertain_name', 'info', 'people', person_id, 'First Name / Last Name', name_raw, name_uncertain
from stg_leadtrac.people where name_uncertain is not null and last_name is not null
union all
select 'missing_mandatory', 'warning', 'leads', lead_id, 'Lead Name', null, 'no lead name: the Nutshell lead is described as "LeadTrac lead ' || lead_id || '"'
from stg_leadtrac.leads where lead_name is null
-- dates
union all
-- (the reason is the parser's: a value that contradicts the export's date order is not a date)
select 'unparseable_date', 'warning', 'leads', lead_id, 'Created Date', created_raw,
       coalesce(created_issue, 'not a date and time') || ': LeadTrac Created stays empty'
from stg_leadtrac.leads where nullif(btrim(created_raw), '') is not null and created_at is null
union all
select 'unparseable_date', 'warning', 'leads', lead_id, 'Modified Date', modified_raw,
       coalesce(modified_issue, 'not a date and time') || ': the lead counts as the oldest when owners are derived'
from stg_leadtrac.leads where nullif(btrim(modified_raw), '') is not null and modified_at is null
union all
select 'unparseable_date', 'warning', 'people', person_id, 'Modified Date', modified_raw,
       coalesce(modified_issue, 'not a date and time') || ': the primary-person rule treats it as oldest'
from stg_leadtrac.people where nullif(btrim(modified_raw), '') is not null and modified_at is null
union all
select 'unparseable_date', 'error', 'activities', activity_id, 'Date', occurred_raw,
       coalesce(occurred_issue, 'not a date and time') || ': the activity is rejected (Nutshell needs a start time)'
from stg_leadtrac.activities where kind is not null and kind <> 'note' and occurred_at is null
union all
select 'unparseable_duration', 'warning', 'activities', activity_id, 'Duration', duration_raw, 'not a duration (minutes, "12 min" or h:mm:ss): written as exported in the description'
from stg_leadtrac.activities where duration_raw is not null and duration_seconds is null
-- values
union all
select 'not_a_number', 'warning', 'companies', company_id, 'Employees', employees_raw, 'not a whole number: written as exported'
from stg_leadtrac.companies where employees_raw is not null and employees is null

union all
select 'custom_field_without_column', 'info', 'custom_fields', d.object || ':' || d.field, 'Field', d.field,
       'defined in custom_fields.csv (type ' || coalesce(d.type, 'none') || ') but no export file has the column: nothing to migrate'
from stg_leadtrac.custom_fields d where d.column_name is null
union all
select 'unknown_type', 'error', 'activities', activity_id, 'Type', type_raw, 'not Call, Email, Note, Meeting or Appointment: the activity is rejected'
from stg_leadtrac.activities where kind is null
-- owners
union all
select 'owner_unresolved', 'warning', 'leads', lead_id, 'Owner Email', owner_raw, 'neither an email nor a user name in users.csv: the lead goes to the fallback owner or waits'
from stg_leadtrac.leads where owner_matched_by = 'unresolved'
union all
select 'missing_owner', 'warning', 'leads', lead_id, 'Owner Email', null, 'no owner: the lead goes to the fallback owner (else Nutshell makes the API user its owner)'
from stg_leadtrac.leads where owner_matched_by = 'none'
-- links and hierarchy (a value that names no record: dq_leadtrac.orphan_values, generated from the
-- connector's declared references)
union all
select 'parent_cycle', 'error', 'companies', t.company_id, 'Parent Company ID', t.parent_company_id, 'the parent chain loops back to this company: loaded without hierarchy order; fix the parent in LeadTrac'
from stg_leadtrac.company_tree t where t.in_cycle
union all
select 'several_primary', 'info', 'lead_people', lead_id, 'Is Primary', marked::text, 'several people marked primary: the most recently modified of them is the lead''s person'
from (select lead_id, count(*) filter (where is_primary) as marked from stg_leadtrac.lead_people group by lead_id) x where marked > 1
union all
select 'several_primary', 'info', 'person_companies', person_id, 'Is Primary', marked::text, 'several companies marked primary: the first in file order is the person''s company'
from (select person_id, count(*) filter (where is_primary) as marked from stg_leadtrac.person_companies group by person_id) x where marked > 1
