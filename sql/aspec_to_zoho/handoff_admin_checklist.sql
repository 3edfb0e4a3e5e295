-- depends_on: aspec_to_zoho.handoff_deal_stages, aspec_to_zoho.handoff_archived_users, aspec_to_zoho.handoff_custom_fields, aspec_to_zoho.handoff_attachments, aspec_to_zoho.handoff_reports, dq_aspec_to_zoho.unmapped_stages
-- Hand-off: what a Zoho admin does by hand for this migration, in order, with the numbers from
-- this export.
select * from (values
  (1, 'Before load', 'Currency',
   format('Set the org''s home currency to %1$s (Setup > Company Details > Currencies) before the first deal loads: Amount is written as ASPEC''s %1$s value, and Amount_Currency states it on every deal.',
          (select currency from stg_aspec.conventions))),
  (2, 'Before load', 'Deal stages',
   format('Open Setup > Customization > Pipelines and put the %s stages of handoff_deal_stages in their order with their probability and forecast category (setup adds the stage values; the API cannot order them).',
          (select count(*) from aspec_to_zoho.handoff_deal_stages))),
  (3, 'Before load', 'Stage review',
   format('Review %s opportunity stage(s) not in maps/deal_stage.csv (dq_aspec_to_zoho.unmapped_stages): add rows to the map, or accept them as stages of their own.',
          (select count(distinct "value") from dq_aspec_to_zoho.unmapped_stages))),
  (4, 'Before load', 'Users',
   format('Invite the ASPEC users without a Zoho user (handoff_users) and decide for the %s archived user(s) who own records (handoff_archived_users): provision inactive or reassign with --fallback-owner.',
          (select count(*) from aspec_to_zoho.handoff_archived_users where "Accounts" + "Contacts" + "Deals" + "Activities" > 0))),
  (5, 'Before load', 'Per-user custom fields',
   format('%s custom field(s) were private to one ASPEC user (handoff_custom_fields, Per-user Owner); in Zoho they are org-wide: set field permissions per profile where they must stay private.',
          (select count(*) from aspec_to_zoho.handoff_custom_fields where "Per-user Owner" is not null))),
  (6, 'After load', 'Attachments',
   format('Download the %s attachment(s) in handoff_attachments from ASPEC and attach them to the Zoho records listed.',
          (select count(*) from aspec_to_zoho.handoff_attachments))),
  (7, 'After load', 'Reports',
   format('Rebuild the %s report(s) in handoff_reports in Zoho Reports.', (select count(*) from aspec_to_zoho.handoff_reports))),
  (8, 'After load', 'Workflows and layouts',
   'ASPEC workflows and custom view layouts do not migrate: rebuild them as Zoho Workflow Rules and custom views.')
) as t("Step", "When", "Topic", "What to do")
