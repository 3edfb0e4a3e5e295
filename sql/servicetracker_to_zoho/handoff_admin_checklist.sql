-- Hand-off: what a Zoho admin does by hand for this migration, in order, with the numbers
-- from this export.
select * from (values
  (1, 'Before load', 'Custom modules',
   'Create the custom modules Service_Contracts, Assets and Deal_Parts with the fields in the pipeline README if the setup step could not (module creation needs Enterprise edition or above).'),
  (2, 'Before load', 'Deal stages',
   'Make sure every Deal stage in servicetracker_to_zoho.handoff_deal_stages exists in the Deals pipeline layout, and set each stage''s probability and forecast category.'),
  (3, 'Before load', 'Stage review',
   format('Review %s work order status value(s) not in maps/work_order_stage.csv (dq_servicetracker_to_zoho.unmapped_stages); add rows to the map or accept them as new stages.',
          (select count(distinct "value") from dq_servicetracker_to_zoho.unmapped_stages))),
  (4, 'After load', 'Technician users',
   format('Create Zoho users for the %s technician(s) in handoff_technician_users, then re-run load so their records change owner.',
          (select count(*) from servicetracker_to_zoho.handoff_technician_users))),
  (5, 'After load', 'Customer portal',
   format('Enable the Zoho CRM portal for Contacts (Setup > Channels > Portals), then invite the %s portal user(s) in handoff_portal_users; ServiceTracker passwords do not migrate, each user sets a new one from the invitation.',
          (select count(*) from servicetracker_to_zoho.handoff_portal_users))),
  (6, 'After load', 'Large files',
   format('Store the %s attachment(s) over the 20 MB limit (handoff_oversize_attachments) in a document system and link them from their deals.',
          (select count(*) from servicetracker_to_zoho.handoff_oversize_attachments))),
  (7, 'After load', 'Automation',
   'Rebuild dispatch rules, workflows and route optimisation with Zoho Blueprint or Deluge; they do not migrate.')
) as t("Step", "When", "Topic", "What to do")
