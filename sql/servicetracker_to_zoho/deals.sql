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
  case when c.client_id is not null then 'clients:' || c.account_client_id end as "Account_Name",
  case when t.technician_id is not null then 'technicians:' || t.technician_id end as "Technician",
  w.amount::float8                                    as "Amount",
  w.labor_hours::float8                               as "Labor_Hours",
  to_char(coalesce(w.completed_at, w.scheduled_start) at time zone 'UTC', 'YYYY-MM-DD') as "Closing_Date",
  lib.zoho_datetime(w.scheduled_start)                as "Scheduled_Start",
  lib.zoho_datetime(w.completed_at)                   as "Completed_At",
  w.description                                       as "Description",
  o.files                                             as "Oversize_Attachments",
  w.work_order_id                                     as "ST_Work_Order_ID",
  -- the technician's Zoho user owns the deal (EXPORTS.md), else the fallback owner
  case when t.email_valid then t.email end            as "Owner",
  w.custom                                            as _custom
from stg_servicetracker.work_orders w
left join servicetracker_to_zoho.map_work_order_stage m on lower(btrim(m.servicetracker_status)) = w.status_key
left join stg_servicetracker.clients c on c.client_id = w.client_id
left join stg_servicetracker.technicians t on t.technician_id = w.technician_id
left join oversize o on o.work_order_id = w.work_order_id
