-- unique_key: lead_id
-- Leadtrekker leads, typed once by the source's conventions (stg_leadtrekker.conventions);
-- destination-neutral (feeds both Leadtrekker pipelines). One row per Lead ID: the export's
-- last row wins when an ID repeats (dq_leadtrekker reports it).
-- Names: lib.person_name keeps First/Last columns as the export split them, else splits the
-- compound name; custom fields: every column the connector does not declare, as exported.
with dup as materialized (
  -- Lead IDs written on more than one row: only their rows are compared (the last one wins)
  select btrim(lead_id) as id, max(_line) as last_line, count(*) as n
  from raw_leadtrekker.leads
  where btrim(lead_id) <> ''
  group by 1
  having count(*) > 1
),
ranked as (
  select l.*, coalesce(d.n, 1) as id_rows,
         raw_leadtrekker.leads_custom(l)                                         as custom
  from raw_leadtrekker.leads l
  left join dup d on d.id = btrim(l.lead_id)
  where btrim(l.lead_id) <> '' and (d.id is null or l._line = d.last_line)
),
-- a company key once per way a company is written, not once per lead
companies as (
  select c.written, lib.squish(c.written) as company, lib.company_key(c.written) as company_key
  from (select distinct company as written from raw_leadtrekker.leads) c
  where lib.squish(c.written) is not null
),
-- a name split once per way it is written (First Name, Last Name, Name), not once per lead:
-- names repeat. Null and '' read the same in lib.person_name, so the three columns are one
-- key (each length-prefixed, so no two ways of writing share it), grouped on: the planner then
-- knows the key is unique and hashes this list, where a join on three columns (selectivities
-- multiplied) or on an unknown key (sorted) costs it a nested loop or a sort of every lead.
names as (
  select w.k, p.salutation, p.first_name as given_name, p.middle, p.last_name as family_name, p.suffix, p.uncertain, p.reason
  from (select k, min(f) as f, min(l) as l, min(n) as n
        from (select length(coalesce(first_name, '')) || ':' || coalesce(first_name, '')
                     || length(coalesce(last_name, '')) || ':' || coalesce(last_name, '') || ':' || coalesce(name, '') as k,
                     coalesce(first_name, '') as f, coalesce(last_name, '') as l, coalesce(name, '') as n
              from raw_leadtrekker.leads) x
        group by k) w
  cross join lateral lib.person_name(w.f, w.l, w.n) p
),
-- a phone number read once per way it is written in its column (a switchboard on many leads):
-- one subquery per column, not one shared list, so the planner sizes each join from the
-- column's own statistics
phones as (
  select w.written, lib.phone_e164(w.written, cv.phone_country) as e164
  from (select distinct phone as written from raw_leadtrekker.leads) w
  cross join stg_leadtrekker.conventions cv
),
mobiles as (
  select w.written, lib.phone_e164(w.written, cv.phone_country) as e164
  from (select distinct mobile as written from raw_leadtrekker.leads) w
  cross join stg_leadtrekker.conventions cv
),
-- an owner resolved once per way it is written (a few users own a million leads)
owners as (
  select w.written, lib.squish(w.written) as owner_raw,
         coalesce(u.email, case when lib.squish(w.written) ~ '@' then lib.clean_email(w.written) end) as owner_email,
         case when u.email is not null then u.matched_by
              when lib.squish(w.written) is null then null
              when lib.squish(w.written) ~ '@' then 'email'
              else 'unresolved' end as owner_matched_by
  from (select distinct coalesce(owner, '') as written from raw_leadtrekker.leads) w
  left join stg_leadtrekker.user_refs u on u.ref = lower(lib.squish(w.written))
)
select
  btrim(r.lead_id)                                      as lead_id,
  coalesce(lib.squish(r.name), lib.squish(concat_ws(' ', r.first_name, r.last_name))) as full_name,
  n.salutation,
  n.given_name                                          as first_name,
  n.middle                                              as middle_name,
  n.family_name                                         as last_name,
  n.suffix,
  -- why a person should look at the name (null: nothing doubtful)
  case when n.uncertain then coalesce(n.reason, 'check the name')
       when n.given_name is null and n.family_name is not null then 'single word: taken as the last name' end as name_uncertain,
  lib.squish(r.email)                                   as email_raw,
  e.email,
  coalesce(lib.is_valid_email(e.email), false)          as email_valid,
  lib.squish(r.phone)                                   as phone,
  ph.e164                                               as phone_e164,
  lib.squish(r.mobile)                                  as mobile,
  mb.e164                                               as mobile_e164,
  co.company,
  -- one key per company however it is spelled (case, spacing, punctuation, legal suffix)
  co.company_key,
  lib.squish(r.status)                                  as status,
  lib.squish(r.source)                                  as source,
  o.owner_raw,
  o.owner_email,
  o.owner_matched_by,
  lib.squish(r."group")                                 as user_group,
  r.created                                             as created_raw,
  lib.parse_timestamp(r.created, cv.day_first, cv.timezone)  as created_at,
  r.modified                                            as modified_raw,
  lib.parse_timestamp(r.modified, cv.day_first, cv.timezone) as modified_at,
  r.custom,
  r.id_rows,
  r._file, r._line, r._row_hash
from ranked r
cross join stg_leadtrekker.conventions cv
join names n on n.k = length(coalesce(r.first_name, '')) || ':' || coalesce(r.first_name, '')
                     || length(coalesce(r.last_name, '')) || ':' || coalesce(r.last_name, '') || ':' || coalesce(r.name, '')
left join phones ph on ph.written = r.phone
left join mobiles mb on mb.written = r.mobile
cross join lateral (select lib.clean_email(r.email) as email) e
left join companies co on co.written = r.company
left join owners o on o.written = coalesce(r.owner, '')
