-- unique_key: object, record_id, position
-- One row per tag per record, as ASPEC wrote them (';' or '|' separated), trimmed, repeated
-- spellings ('VIP', 'vip') kept once (first spelling wins), in the order written. Companies
-- merged into one account pool their tags under the account's company.
with src as (
  select 'companies' as object, account_company_id as record_id, tags_raw, _line from stg_aspec.companies where tags_raw is not null
  union all select 'contacts', contact_id, tags_raw, _line from stg_aspec.contacts where tags_raw is not null
  union all select 'opportunities', opportunity_id, tags_raw, _line from stg_aspec.opportunities where tags_raw is not null
),
split as (
  select s.object, s.record_id, lib.squish(t.tag) as tag, s._line, t.ord
  from src s
  cross join lateral unnest(regexp_split_to_array(s.tags_raw, '\s*[;|]\s*')) with ordinality as t(tag, ord)
  where lib.squish(t.tag) is not null
),
firsts as (
  select distinct on (object, record_id, lower(tag)) object, record_id, tag, _line, ord
  from split
  order by object, record_id, lower(tag), _line, ord
)
select object, record_id, tag,
       row_number() over (partition by object, record_id order by _line, ord) as position
from firsts
