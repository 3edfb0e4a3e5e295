-- materialized: table
-- unique_key: person_id
-- Each person's company (docs/sources.md, primary links): the one marked primary (the first marked in file order
-- when several are), else the first link in file order. Links to companies not in the export
-- are left out (dq_leadtrac reports them). `others`: the person's other companies.
with links as (
  select pc.*, row_number() over (partition by pc.person_id order by pc.is_primary desc, pc._line) as pos
  from stg_leadtrac.person_companies pc
  join stg_leadtrac.companies c on c.company_id = pc.company_id
  join stg_leadtrac.people p on p.person_id = pc.person_id
)
select
  l.person_id,
  l.company_id,
  case when l.is_primary then 'marked primary' else 'first link in file order' end as rule,
  coalesce(o.others, '{}')                               as others
from links l
left join (select person_id, array_agg(company_id order by pos) as others from links where pos > 1 group by person_id) o
  on o.person_id = l.person_id
where l.pos = 1
