-- unique_key: activity_id
-- indexes: lead_id
-- Leadtrekker activities (call, email, note), typed once. One row per Activity ID (the last
-- row wins when an ID repeats). Lead links are checked, not enforced: an activity on a lead
-- that is not in the export is kept here and reported downstream.
with ranked as (
  select a.*, row_number() over (partition by btrim(a.activity_id) order by a._line desc) as rn,
         count(*) over (partition by btrim(a.activity_id)) as id_rows
  from raw_leadtrekker.activities a
  where btrim(a.activity_id) <> ''
)
select
  btrim(a.activity_id)                                          as activity_id,
  btrim(a.lead_id)                                              as lead_id,
  l.lead_id is not null                                         as lead_exists,
  lower(btrim(a.type))                                          as type,
  a.date                                                        as occurred_raw,
  lib.parse_timestamp(a.date, cv.day_first, cv.timezone)        as occurred_at,
  lib.squish(a."user")                                          as user_raw,
  coalesce(u.email, case when lib.squish(a."user") ~ '@' then lib.clean_email(a."user") end) as user_email,
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
left join stg_leadtrekker.leads l on l.lead_id = btrim(a.lead_id)
left join stg_leadtrekker.user_refs u on u.ref = lower(lib.squish(a."user"))
where a.rn = 1
