-- materialized: table
-- Parts consumed per work order. The file has no id: a row is identified by its work order
-- and part number; a pair written twice keeps the last row.
with ranked as (
  select p.*, row_number() over (partition by btrim(work_order_id), upper(btrim(part_number)) order by _line desc) as rn
  from raw_servicetracker.work_order_parts p
  where btrim(work_order_id) <> '' and btrim(part_number) <> ''
)
select
  btrim(work_order_id) || ':' || upper(btrim(part_number)) as line_id,
  btrim(work_order_id)                    as work_order_id,
  upper(btrim(part_number))               as part_number,
  quantity                                as quantity_raw,
  lib.parse_money(quantity)               as quantity,
  unit_price                              as unit_price_raw,
  lib.parse_money(unit_price)             as unit_price,
  _file, _line
from ranked
where rn = 1
