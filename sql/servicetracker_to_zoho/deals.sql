-- Zoho Deals, one per work order (seed 002, "Work Order -> Deal" and "Work Order Status ->
-- Deal Stage"). Stage comes from maps/work_order_stage.csv; a status the map does not hold
-- passes through under its own name (the setup step creates it as a stage) and is listed in
-- dq_servicetracker_to_zoho.unmapped_stages for review before the final load.
with oversize as (
  select a.work_order_id,
         string_agg(format('%s (%s, %s MB) path %s', a.file_name, a.kind, round(a.size_bytes / 1048576.0, 1), a.path), E'\n' order by a.attachment_id) as files
  from servicetracker_to_zoho.attachment_files a
  where a.over_limit
  group by a.work_order_id
)
select
  'work_orders:' || w.work_order_id                   as source_key,
  coalesce(w.work_order_number, 'WO ' || w.work_order_id) as "Deal_Name",
  w.work_order_number                                 as "Work_Order_Number",
  w.service_type                                      as "Service_Type",
  coalesce(m.zoho_stage, initcap(w.status_key))       as "Stage",
  w.status                                            as "ST_Status",
  'clients:' || w.account_client_id                   as "Account_Name",
  case when w.technician_exists then 'technicians:' || w.technician_id end as "Technician",
  w.amount::float8                                    as "Amount",
  w.labor_hours::float8                               as "Labor_Hours",
  -- the day it was completed, else scheduled, in the source's time zone
  to_char(coalesce(w.completed_on, w.scheduled_on), 'YYYY-MM-DD') as "Closing_Date",
  lib.zoho_datetime(w.scheduled_start)                as "Scheduled_Start",
  lib.zoho_datetime(w.completed_at)                   as "Completed_At",
  -- custom values that did not type stay readable under the work order's description
  nullif(concat_ws(E'\n', w.description, 'ServiceTracker ' || cu.untyped), '') as "Description",
  o.files                                             as "Oversize_Attachments",
  w.work_order_id                                     as "ST_Work_Order_ID",
  -- the technician's Zoho user owns the deal (docs/sources.md, ownership), else the fallback owner
  case when t.email_valid then t.email end            as "Owner",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom"
from stg_servicetracker.work_orders w
left join servicetracker_to_zoho.map_work_order_stage m on lower(btrim(m.servicetracker_status)) = w.status_key
left join stg_servicetracker.technicians t on t.technician_id = w.technician_id
left join oversize o on o.work_order_id = w.work_order_id
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'work_orders' and cu.record_id = w.work_order_id
