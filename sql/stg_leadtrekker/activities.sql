-- unique_key: activity_id
-- Leadtrekker activities (call, email, note), typed once. One row per Activity ID (the last
-- row wins when an ID repeats). Lead links are checked, not enforced: an activity on a lead
-- that is not in the export is kept here and reported downstream.
with dup as materialized (
  -- ids written on more than one row: only their rows are compared (the last one wins)
  select btrim(activity_id) as id, max(_line) as last_line, count(*) as n
  from raw_leadtrekker.activities
  where btrim(activity_id) <> ''
  group by 1
  having count(*) > 1
),
ranked as (
  select a.*, coalesce(d.n, 1) as id_rows
  from raw_leadtrekker.activities a
  left join dup d on d.id = btrim(a.activity_id)
  where btrim(a.activity_id) <> '' and (d.id is null or a._line = d.last_line)
),
-- the Lead IDs the export has (its leads file, not the staged leads: so this table does not wait for them)
lead_ids as (
  select distinct btrim(lead_id) as lead_id from raw_leadtrekker.leads where btrim(lead_id) <> ''
),
-- who logged each activity, resolved once per way it is written (a few users, millions of rows)
users_written as (
  select w.written, lib.squish(w.written) as user_raw,
         coalesce(u.email, case when lib.squish(w.written) ~ '@' then lib.clean_email(w.written) end) as user_email
  from (select distinct coalesce("user", '') as written from raw_leadtrekker.activities) w
  left join stg_leadtrekker.user_refs u on u.ref = lower(lib.squish(w.written))
)
select
  btrim(a.activity_id)                                          as activity_id,
  btrim(a.lead_id)                                              as lead_id,
  l.lead_id is not null                                         as lead_exists,
  lower(btrim(a.type))                                          as type,
  a.date                                                        as occurred_raw,
  lib.parse_timestamp(a.date, cv.day_first, cv.timezone)        as occurred_at,
  uw.user_raw,
  uw.user_email,
  lib.squish(a.subject)                                         as subject,
  nullif(btrim(a.body), '')                                     as body,
  -- plain text of a rich-text body: tags dropped, paragraphs and list items on their own lines
  case when a.body ~ '[<&]' then
    nullif(btrim(replace(replace(replace(replace(replace(
      regexp_replace(regexp_replace(a.body, '<\s*(br|/p|/li|/div)\s*/?>', E'\n', 'gi'), '<[^>]*>', '', 'g'),
      '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&')), '')
  else nullif(btrim(a.body), '') end                            as body_text,
  -- inline images a rich-text body refers to (file names), to check against the size limit
  case when a.body ~* '<img' then
    array(select m[1] from regexp_matches(a.body, '<img[^>]*src="(?:cid:)?([^"]+)"', 'gi') m)
  else '{}'::text[] end                                         as inline_images,
  btrim(a.duration)                                             as duration_raw,
  -- bare numbers are seconds in Leadtrekker; mm:ss and h:mm:ss too
  lib.parse_duration_seconds(a.duration, 'seconds')             as duration_seconds,
  lib.squish(a.disposition)                                     as disposition,
  lower(btrim(a.direction))                                     as direction,
  lower(btrim(a.email_event))                                   as email_event,
  a.id_rows,
  a._file, a._line
from ranked a
cross join stg_leadtrekker.conventions cv
left join lead_ids l on l.lead_id = btrim(a.lead_id)
left join users_written uw on uw.written = coalesce(a."user", '')
