-- Zoho Products, one per ServiceTracker part (seed 002, "Parts / Inventory Item -> Product").
-- Quantity on hand goes to the custom Inventory_Qty field the seed names.
select
  'parts:' || p.part_number                           as source_key,
  coalesce(p.description, p.part_number)              as "Product_Name",
  p.part_number                                       as "Product_Code",
  nullif(concat_ws(E'\n', p.description, 'ServiceTracker ' || cu.untyped), '') as "Description",
  p.unit_cost::float8                                 as "Unit_Price",
  p.qty_on_hand                                       as "Inventory_Qty",
  true                                                as "Product_Active",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom"
from stg_servicetracker.parts p
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'parts' and cu.record_id = p.part_number
