-- Zoho Events for scheduled visits (service history rows with Scheduled = yes). A visit with
-- no end time is given one hour, the length ServiceTracker's calendar shows by default.
select
  'service_history:' || a.entry_id                    as source_key,
  coalesce(nullif(a.action, 'Scheduled visit'), 'Service visit') || ' - ' || a.work_order_label as "Event_Title",
  lib.zoho_datetime(a.occurred_at)                    as "Start_DateTime",
  lib.zoho_datetime(coalesce(a.end_at, a.occurred_at + interval '1 hour')) as "End_DateTime",
  nullif(concat_ws(E'\n', a.notes, 'ServiceTracker ' || a.custom_untyped), '') as "Description",
  'work_orders:' || a.work_order_id                   as "What_Id",
  a.account_key                                       as "Related_Account",
  a.technician_key                                    as "Who_Id",
  a.asset_key                                         as "Asset",
  a.entry_id                                          as "ST_Entry_ID",
  a.owner_email                                       as "Owner",
  coalesce(a.custom_payload, '{}'::jsonb)             as "_custom",
  case when not a.work_order_exists then 'ORPHAN: ' || lib.parent_missing('servicetracker', 'work_orders', a.work_order_id, 'work order')
       when a.occurred_at is null then 'NO_START: visit has no start time or date' end as _reject_reason
from servicetracker_to_zoho.activities a
where a.scheduled
