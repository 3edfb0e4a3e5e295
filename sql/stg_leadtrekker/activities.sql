-- Leadtrekker activities (call, email, note), typed. Lead links are checked, not enforced:
-- an activity on a lead that is not in the export is kept here and reported downstream.
select
  btrim(a.activity_id)                                          as activity_id,
  btrim(a.lead_id)                                              as lead_id,
  exists (select 1 from stg_leadtrekker.leads l where l.lead_id = btrim(a.lead_id)) as lead_exists,
  lower(btrim(a.type))                                          as type,
  a.date                                                        as occurred_raw,
  lib.parse_timestamp(a.date, true, 'Africa/Johannesburg')      as occurred_at,
  lib.squish(a."user")                                          as user_raw,
  coalesce(u.email, case when lib.squish(a."user") ~ '@' then lib.clean_email(a."user") end) as user_email,
  lib.squish(a.subject)                                         as subject,
  nullif(btrim(a.body), '')                                     as body,
  -- plain text of a rich-text body: tags dropped, paragraphs and list items on their own lines
  nullif(btrim(replace(replace(replace(replace(replace(
    regexp_replace(regexp_replace(a.body, '<\s*(br|/p|/li|/div)\s*/?>', E'\n', 'gi'), '<[^>]*>', '', 'g'),
    '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&')), '') as body_text,
  -- inline images a rich-text body refers to (file names), to check against the size limit
  array(select m[1] from regexp_matches(coalesce(a.body, ''), '<img[^>]*src="(?:cid:)?([^"]+)"', 'gi') m) as inline_images,
  btrim(a.duration)                                             as duration_raw,
  -- bare numbers are seconds in Leadtrekker; mm:ss and h:mm:ss too
  lib.parse_duration_seconds(a.duration, 'seconds')             as duration_seconds,
  lib.squish(a.disposition)                                     as disposition,
  lower(btrim(a.direction))                                     as direction,
  lower(btrim(a.email_event))                                   as email_event,
  a._file, a._line
from raw_leadtrekker.activities a
left join stg_leadtrekker.user_refs u on u.ref = lower(lib.squish(a."user"))
where btrim(a.activity_id) <> ''
