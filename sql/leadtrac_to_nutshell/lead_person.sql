-- materialized: table
-- unique_key: lead_id
-- Each lead's person (docs/sources.md, primary links): the one marked Is Primary when exactly one
-- is; with none or several marked, among the marked ones (or all when none is marked) the most
-- recently modified person (people.csv Modified Date), then the most recent link (lead_people
-- Modified Date), then the lowest Person ID. Links to people not in the export are left out
-- (dq_leadtrac reports them). `others`: the lead's other people, for the reference field.
with links as (
  select lp.*, p.modified_at as person_modified_at, p.person_number,
         count(*) filter (where lp.is_primary) over (partition by lp.lead_id) as marked
  from stg_leadtrac.lead_people lp
  join stg_leadtrac.people p on p.person_id = lp.person_id
  join stg_leadtrac.leads l on l.lead_id = lp.lead_id
),
ranked as (
  select l.*,
         row_number() over (partition by l.lead_id
           order by (l.marked > 0 and l.is_primary) desc, l.person_modified_at desc nulls last, l.modified_at desc nulls last,
                    l.person_number nulls last, l.person_id) as pos,
         count(*) over (partition by l.lead_id) as people
  from links l
)
select
  r.lead_id,
  r.person_id,
  r.people,
  r.marked,
  case when r.marked = 1 then 'marked primary'
       when r.marked > 1 then 'several marked primary: the most recently modified of them'
       when r.people = 1 then 'only person'
       else 'none marked primary: the most recently modified person' end as rule,
  coalesce(o.others, '{}')                               as others
from ranked r
left join (select lead_id, array_agg(person_id order by pos) as others from ranked where pos > 1 group by lead_id) o
  on o.lead_id = r.lead_id
where r.pos = 1
