-- materialized: table
-- Zoho Tags per record (reference 5.8): a tag name is at most 25 characters and a record holds
-- at most 10 tags. Tags within both limits go inline as "Tag": [{"name": ...}]; the others are
-- written into the record's Description (nothing is lost) and reported in
-- dq_aspec_to_zoho.tag_limits.
with ranked as (
  select t.*, length(t.tag) <= 25 as name_ok,
         case when length(t.tag) <= 25 then row_number() over (partition by t.object, t.record_id, length(t.tag) <= 25 order by t.position) end as ok_rank
  from stg_aspec.tags t
)
select
  object, record_id,
  jsonb_agg(jsonb_build_object('name', tag) order by position) filter (where name_ok and ok_rank <= 10) as zoho_tags,
  string_agg(tag, ', ' order by position) filter (where not name_ok or ok_rank > 10)                  as overflow,
  count(*)                                                                                           as tags
from ranked
group by object, record_id
