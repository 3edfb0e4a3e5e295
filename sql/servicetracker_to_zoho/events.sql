-- Zoho Events for scheduled visits (service history rows with Scheduled = yes). A visit with
-- no end time is given one hour, the length ServiceTracker's calendar shows by default.
select
  'service_history:' || a.entry_id                    as source_key,
  coalesce(nullif(a.action, 'Scheduled visit'), 'Service visit') || ' - ' || a.work_order_label as "Event_Title",
  lib.zoho_datetime(coalesce(a.start_at, a.entry_date::timestamp at time zone 'UTC')) as "Start_DateTime",
  lib.zoho_datetime(coalesce(a.end_at, coalesce(a.start_at, a.entry_date::timestamp at time zone 'UTC') + interval '1 hour')) as "End_DateTime",
  a.notes                                             as "Description",
  'work_orders:' || a.work_order_id                   as "What_Id",
  a.account_key                                       as "Related_Account",
  a.technician_key                                    as "Who_Id",
  a.asset_key                                         as "Asset",
  a.entry_id                                          as "ST_Entry_ID",
  a.owner_email                                       as "Owner",
  case when not a.work_order_known then 'ORPHAN: work order ' || a.work_order_id || ' is not in work_orders.csv'
       when a.start_at is null and a.entry_date is null then 'NO_START: visit has no start time or date' end as _reject_reason
from servicetracker_to_zoho.activities a
where a.scheduled
