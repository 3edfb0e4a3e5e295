-- unique_key: line_id
-- indexes: work_order_id; part_number
-- Parts consumed per work order, typed once. The file has no id: a row is identified by its
-- work order and part number; a pair written twice keeps the last row (id_rows counts them).
with ranked as (
  select p.*,
         row_number() over (partition by btrim(p.work_order_id), upper(btrim(p.part_number)) order by p._line desc) as rn,
         count(*) over (partition by btrim(p.work_order_id), upper(btrim(p.part_number))) as id_rows,
         raw_servicetracker.work_order_parts_custom(p) as custom
  from raw_servicetracker.work_order_parts p
  where btrim(p.work_order_id) <> '' and btrim(p.part_number) <> ''
)
select
  btrim(r.work_order_id) || ':' || upper(btrim(r.part_number)) as line_id,
  btrim(r.work_order_id)                                 as work_order_id,
  w.work_order_id is not null                            as work_order_exists,
  upper(btrim(r.part_number))                            as part_number,
  p.part_number is not null                              as part_exists,
  btrim(r.quantity)                                      as quantity_raw,
  -- a plain number, read by the money parser (no currency), by the source's decimal separator
  lib.parse_money(r.quantity, cv.decimal_separator)      as quantity,
  btrim(r.unit_price)                                    as unit_price_raw,
  lib.parse_money(r.unit_price, cv.decimal_separator)    as unit_price,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
left join stg_servicetracker.work_orders w on w.work_order_id = btrim(r.work_order_id)
left join stg_servicetracker.parts p on p.part_number = upper(btrim(r.part_number))
where r.rn = 1
