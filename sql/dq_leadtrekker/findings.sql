-- Data-quality findings in the Leadtrekker export, one row per finding (destination-neutral).
-- References to records the export does not have are checked in dq_leadtrekker.orphan_values,
-- generated from the references connectors/sources/leadtrekker declares (engine/extract/orphans.ts).
select 'duplicate_id' as category, 'warning' as severity, 'leads' as object, 'leads:' || lead_id as source_key,
       'Lead ID' as field, lead_id as value, 'Lead ID appears ' || id_rows || ' times; the last row is used' as message
from stg_leadtrekker.leads where id_rows > 1
union all
select 'missing_mandatory', 'error', 'leads', 'leads:' || lead_id, 'Name / First Name / Last Name', null, 'lead has no name (First/Last or Name)'
from stg_leadtrekker.leads where last_name is null
union all
select 'uncertain_name', 'info', 'leads', 'leads:' || lead_id, 'Name / First Name / Last Name', full_name, name_uncertain
from stg_leadtrekker.leads where name_uncertain is not null and last_name is not null
union all
select 'invalid_email', 'warning', 'leads', 'leads:' || lead_id, 'Email', email_raw, 'not a valid email address'
from stg_leadtrekker.leads where email_raw is not null and not email_valid
union all
select 'duplicate_email', 'warning', 'leads', 'leads:' || l.lead_id, 'Email', l.email,
       'email shared by ' || d.n || ' leads: ' || d.ids
from stg_leadtrekker.leads l
join (select email, count(*) as n, string_agg(lead_id, ', ' order by lead_id) as ids
        from stg_leadtrekker.leads where email_valid group by email having count(*) > 1) d on d.email = l.email
union all
select 'company_variants', 'info', 'leads', 'leads:' || l.lead_id, 'Company', l.company,
       'company written ' || v.n || ' ways: ' || v.spellings
from stg_leadtrekker.leads l
join (select company_key, count(distinct company) as n, string_agg(distinct company, ' | ') as spellings
        from stg_leadtrekker.leads group by company_key having count(distinct company) > 1) v on v.company_key = l.company_key
union all
select 'unparseable_date', 'warning', 'leads', 'leads:' || lead_id, 'Created', created_raw, 'not a date in any Leadtrekker format'
from stg_leadtrekker.leads where nullif(btrim(created_raw), '') is not null and created_at is null
union all
select 'unparseable_date', 'warning', 'leads', 'leads:' || lead_id, 'Modified', modified_raw, 'not a date in any Leadtrekker format'
from stg_leadtrekker.leads where nullif(btrim(modified_raw), '') is not null and modified_at is null
union all
select 'unparseable_date', 'warning', 'activities', 'activities:' || activity_id, 'Date', occurred_raw, 'not a date in any Leadtrekker format'
from stg_leadtrekker.activities where nullif(btrim(occurred_raw), '') is not null and occurred_at is null
union all
select 'unparseable_date', 'warning', 'reminders', 'reminders:' || reminder_id, 'Due', due_raw, 'not a date in any Leadtrekker format'
from stg_leadtrekker.reminders where nullif(btrim(due_raw), '') is not null and due_date is null
union all
select 'unknown_value', 'warning', 'activities', 'activities:' || activity_id, 'Type', type, 'activity type is not call, email or note'
from stg_leadtrekker.activities where type not in ('call', 'email', 'note')
union all
select 'unknown_value', 'warning', 'reminders', 'reminders:' || reminder_id, 'Status', status, 'reminder status is not pending or completed'
from stg_leadtrekker.reminders where status is distinct from 'pending' and status is distinct from 'completed'
union all
select 'unresolved_user', 'warning', 'leads', 'leads:' || lead_id, 'Owner', owner_raw, 'owner is neither an email nor the name of a user in users.csv'
from stg_leadtrekker.leads where owner_matched_by = 'unresolved'
