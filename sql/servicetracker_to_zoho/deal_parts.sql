-- Parts consumed per work order. Zoho Deals have no line items (reference 5.4/5.7), so each
-- consumed part is a record of the custom module Deal_Parts with Deal and Product lookups,
-- quantity, unit price and line total. A part number missing from parts.csv keeps its number
-- in Part_Number and no Product lookup (reported in dq_servicetracker.orphan_values).
select
  'work_order_parts:' || l.line_id                    as source_key,
  coalesce(w.work_order_number, 'WO ' || l.work_order_id) || ' / ' || l.part_number as "Name",
  'work_orders:' || l.work_order_id                   as "Deal",
  case when l.part_exists then 'parts:' || l.part_number end as "Product",
  l.part_number                                       as "Part_Number",
  l.quantity::float8                                  as "Quantity",
  l.unit_price::float8                                as "Unit_Price",
  round(l.quantity * l.unit_price, 2)::float8         as "Line_Total",
  'ServiceTracker ' || cu.untyped                     as "Description",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom",
  case when not l.work_order_exists then 'ORPHAN: ' || lib.parent_missing('servicetracker', 'work_orders', l.work_order_id, 'work order') end as _reject_reason
from stg_servicetracker.work_order_parts l
left join stg_servicetracker.work_orders w on w.work_order_id = l.work_order_id
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'work_order_parts' and cu.record_id = l.line_id
