-- Zoho Tasks for service history entries that are not calendar visits (seed 002, "Service
-- History -> Task"): Task_Type 'Service Call', the original time in ST_Original_Time (Zoho's
-- Created_Time is read-only), the Deal in What_Id, the Account in Related_Account, and the
-- technician's Contact in Who_Id.
select
  'service_history:' || a.entry_id                    as source_key,
  coalesce(a.action, 'Service call') || ' - ' || a.work_order_label as "Subject",
  'Service Call'                                      as "Task_Type",
  'Completed'                                         as "Status",
  to_char(a.occurred_on, 'YYYY-MM-DD')                as "Due_Date",
  lib.zoho_datetime(a.occurred_at)                    as "ST_Original_Time",
  nullif(concat_ws(E'\n', a.notes, 'ServiceTracker ' || a.custom_untyped), '') as "Description",
  'work_orders:' || a.work_order_id                   as "What_Id",
  a.account_key                                       as "Related_Account",
  a.technician_key                                    as "Who_Id",
  a.asset_key                                         as "Asset",
  a.entry_id                                          as "ST_Entry_ID",
  a.owner_email                                       as "Owner",
  coalesce(a.custom_payload, '{}'::jsonb)             as "_custom",
  case when not a.work_order_exists then 'ORPHAN: ' || lib.parent_missing('servicetracker', 'work_orders', a.work_order_id, 'work order') end as _reject_reason
from servicetracker_to_zoho.activities a
where not a.scheduled
