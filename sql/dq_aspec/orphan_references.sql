-- References to records the export does not have. The record loads without that link; an
-- activity that names nothing the export has is rejected (ORPHAN).
select 'orphan'::text as category, 'warning'::text as severity, 'contacts'::text as object,
       k.contact_id as source_key, 'Company ID'::text as field, k.company_id as value,
       'company not in companies.csv; the contact loads without an Account' as message
from stg_aspec.contacts k where k.company_id is not null and not k.company_known
union all
select 'orphan', 'warning', 'opportunities', o.opportunity_id, 'Company ID', o.company_id,
       'company not in companies.csv; the deal loads without an Account'
from stg_aspec.opportunities o where o.company_id is not null and not o.company_known
union all
select 'orphan', 'warning', 'opportunities', o.opportunity_id, 'Contact ID', o.contact_id,
       'contact not in contacts.csv; the deal loads without a Contact'
from stg_aspec.opportunities o where o.contact_id is not null and not o.contact_known
union all
select 'orphan', case when not (a.opportunity_known or a.account_company_id is not null) then 'error' else 'warning' end, 'activities', a.activity_id, 'Contact ID', a.contact_id,
       case when not (a.opportunity_known or a.account_company_id is not null)
            then 'contact not in contacts.csv and no company or opportunity to attach to; the activity is rejected'
            else 'contact not in contacts.csv; the activity loads on its deal or account, the missing contact noted in it' end
from stg_aspec.activities a where a.contact_id is not null and not a.contact_known
union all
select 'orphan', 'warning', 'activities', a.activity_id, 'Company ID', a.company_id, 'company not in companies.csv'
from stg_aspec.activities a where a.company_id is not null and not a.company_known
union all
select 'orphan', 'warning', 'activities', a.activity_id, 'Opportunity ID', a.opportunity_id, 'opportunity not in opportunities.csv'
from stg_aspec.activities a where a.opportunity_id is not null and not a.opportunity_known
union all
select 'orphan', 'info', 'attachments', a.attachment_id, coalesce(case when a.contact_id is not null then 'Contact ID' end, 'Company ID'), coalesce(a.contact_id, a.company_id),
       'the attachment''s record is not in the export (listed in handoff_attachments)'
from stg_aspec.attachments a where not (a.contact_known or a.company_known)
