-- Tags Zoho cannot hold (reference 5.8): names over 25 characters, more than 10 tags on one
-- record, more than 100 distinct tags in one module. The tag stays in the record's Description.
with t as (
  select s.*, row_number() over (partition by s.object, s.record_id, length(s.tag) <= 25 order by s.position) as ok_rank
  from stg_aspec.tags s
)
select 'tag_too_long'::text as category, 'warning'::text as severity, t.object, t.record_id as source_key,
       'Tags'::text as field, t.tag as value,
       format('tag is %s characters; Zoho allows 25: kept in the record''s Description, not as a tag', length(t.tag)) as message
from t where length(t.tag) > 25
union all
select 'too_many_tags', 'warning', t.object, t.record_id, 'Tags', t.tag,
       'more than 10 tags on this record; Zoho allows 10: this one is kept in the record''s Description'
from t where length(t.tag) <= 25 and t.ok_rank > 10
union all
select 'tags_per_module', 'error', m.object, null, 'Tags', m.n::text,
       format('%s distinct tags for %s; Zoho allows 100 per module: merge tags before loading', m.n, m.object)
from (select object, count(distinct lower(tag)) as n from stg_aspec.tags group by object) m
where m.n > 100
