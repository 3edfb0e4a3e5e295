-- materialized: table
-- ServiceTracker inventory parts, one row per Part Number.
with ranked as (
  select p.*, row_number() over (partition by upper(btrim(part_number)) order by _line desc) as rn
  from raw_servicetracker.parts p
  where btrim(part_number) <> ''
)
select
  upper(btrim(part_number))               as part_number,
  lib.squish(description)                 as description,
  qty_on_hand                             as qty_on_hand_raw,
  lib.parse_money(qty_on_hand)::int       as qty_on_hand,
  unit_cost                               as unit_cost_raw,
  lib.parse_money(unit_cost)              as unit_cost,
  _file, _line
from ranked
where rn = 1
