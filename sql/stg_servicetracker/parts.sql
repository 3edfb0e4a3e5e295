-- unique_key: part_number
-- ServiceTracker inventory parts, typed once. One row per Part Number however it is cased (the
-- export's last row wins).
with ranked as (
  select p.*, row_number() over (partition by upper(btrim(p.part_number)) order by p._line desc) as rn,
         count(*) over (partition by upper(btrim(p.part_number))) as id_rows,
         raw_servicetracker.parts_custom(p) as custom
  from raw_servicetracker.parts p
  where btrim(p.part_number) <> ''
)
select
  upper(btrim(r.part_number))                             as part_number,
  lib.squish(r.description)                               as description,
  btrim(r.qty_on_hand)                                    as qty_on_hand_raw,
  -- a count: only a whole number is one (dq reports the rest)
  case when q.n = trunc(q.n) and abs(q.n) < 2147483648 then q.n::int end as qty_on_hand,
  btrim(r.unit_cost)                                      as unit_cost_raw,
  lib.parse_money(r.unit_cost, cv.decimal_separator)      as unit_cost,
  r.custom,
  r.id_rows,
  r._file, r._line
from ranked r
cross join stg_servicetracker.conventions cv
-- plain numbers read by the money parser without a currency (the source's decimal separator)
cross join lateral (select lib.parse_money(r.qty_on_hand, cv.decimal_separator) as n offset 0) q
where r.rn = 1
