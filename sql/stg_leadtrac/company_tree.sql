-- unique_key: company_id
-- indexes: parent_company_id
-- Each company's place in the parent hierarchy: depth 0 = no parent (or a parent not in the
-- export), 1 = child of a top company, ... A company in a parent cycle gets depth null and
-- in_cycle. has_children: some company names it as parent. Parents are created before their
-- children in Nutshell by loading companies by depth (the pipeline's account objects).
with recursive walk as (
  select c.company_id, c.parent_company_id, 0 as depth, array[c.company_id] as path, false as cyc
  from stg_leadtrac.companies c
  where c.parent_company_id is null
     or not exists (select 1 from stg_leadtrac.companies p where p.company_id = c.parent_company_id)
  union all
  select c.company_id, c.parent_company_id, w.depth + 1, w.path || c.company_id, c.company_id = any(w.path)
  from walk w
  join stg_leadtrac.companies c on c.parent_company_id = w.company_id
  where not w.cyc
)
select
  c.company_id,
  c.parent_company_id,
  p.company_id is not null                              as parent_exists,
  w.depth,
  w.path[1]                                             as root_company_id,
  w.depth is null                                       as in_cycle,
  exists (select 1 from stg_leadtrac.companies k where k.parent_company_id = c.company_id and k.company_id <> c.company_id) as has_children
from stg_leadtrac.companies c
left join stg_leadtrac.companies p on p.company_id = c.parent_company_id
left join (select distinct on (company_id) company_id, depth, path from walk where not cyc order by company_id, depth) w on w.company_id = c.company_id
