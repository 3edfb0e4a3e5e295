-- What the SQL does with a record whose references name nothing the export has, beyond the
-- per-value orphan findings (dq_aspec.orphan_values, generated from the connector's declared
-- references: one source of truth for "this value names no record"). Here: the records that
-- have nowhere to go because of it.
--   an activity that names no contact, company or opportunity of the export is rejected (ORPHAN);
--   an attachment of no record of the export is listed in handoff_attachments only.
select 'no_parent'::text as category, 'error'::text as severity, 'activities'::text as object,
       a.activity_id as source_key,
       case when a.contact_id is not null then 'Contact ID' when a.opportunity_id is not null then 'Opportunity ID' else 'Company ID' end::text as field,
       coalesce(a.contact_id, a.opportunity_id, a.company_id) as value,
       'names no contact, company or opportunity the export has: the activity is rejected (ORPHAN)' as message
from stg_aspec.activities a
where not (a.opportunity_known or a.account_company_id is not null or a.contact_known)
union all
select 'no_parent', 'info', 'attachments', a.attachment_id, coalesce(case when a.contact_id is not null then 'Contact ID' end, 'Company ID'), coalesce(a.contact_id, a.company_id),
       'the attachment''s record is not in the export: listed in handoff_attachments, not attached'
from stg_aspec.attachments a where not (a.contact_known or a.company_known)
