-- Leadtrekker leads, typed and cleaned; destination-neutral (also feeds other destinations).
-- One row per Lead ID: the export's last row wins when an ID repeats (reported in dq_leadtrekker).
-- Names: separate First/Last columns win; else the compound name is split by the seed rule
-- (on the first space), after taking off a leading honorific and turning "Last, First" round.
with ranked as (
  select l.*, row_number() over (partition by btrim(lead_id) order by _line desc) as rn,
         count(*) over (partition by btrim(lead_id)) as id_rows
  from raw_leadtrekker.leads l
  where btrim(lead_id) <> ''
),
base as (
  select r.*,
         lib.squish(coalesce(nullif(btrim(r.name), ''), concat_ws(' ', lib.squish(r.first_name), lib.squish(r.last_name)))) as full_name,
         (regexp_match(lib.squish(r.name), '^(dr|mr|mrs|ms|miss|prof|adv|sir)\.?\s+(.+)$', 'i')) as hon
  from ranked r
  where rn = 1
),
named as (
  select b.*,
         case when b.hon is not null then initcap(b.hon[1]) || '.' end as salutation,
         coalesce(b.hon[2], lib.squish(b.name)) as bare
  from base b
),
split as (
  select n.*,
         case
           when lib.squish(n.last_name) is not null then 'columns'
           when n.bare is null then 'empty'
           when n.bare ~ '^[^,]+,\s*[^,]+$' and n.bare !~* ',\s*(jr|sr|ii|iii|iv)\.?$' then 'comma'
           when position(' ' in n.bare) = 0 then 'single'
           else 'space'
         end as how
  from named n
)
select
  btrim(s.lead_id)                                      as lead_id,
  s.full_name,
  s.salutation,
  case s.how
    when 'columns' then lib.squish(s.first_name)
    when 'comma' then lib.squish(split_part(s.bare, ',', 2))
    when 'space' then lib.first_name_of(s.bare)
  end                                                   as first_name,
  case s.how
    when 'columns' then lib.squish(s.last_name)
    when 'comma' then lib.squish(split_part(s.bare, ',', 1))
    when 'empty' then null
    else lib.last_name_of(s.bare)
  end                                                   as last_name,
  -- why a person should look at the split (null: nothing doubtful)
  case
    when s.how = 'empty' then 'no name'
    when s.how = 'single' then 'single word: taken as the last name'
    when s.how = 'comma' then 'written "Last, First": turned round'
    when s.bare = upper(s.bare) and s.bare ~ '[A-Z]{2}' then 'written in capitals: kept as written'
    when s.how = 'space' and array_length(regexp_split_to_array(s.bare, ' '), 1) > 2
         and split_part(s.bare, ' ', 2) !~* '^(van|von|de|der|den|du|le|la|da|di|del|dos|ter|ten)$'
      then 'three or more words: middle name or compound surname?'
  end                                                   as name_uncertain,
  lib.squish(s.email)                                   as email_raw,
  lib.clean_email(s.email)                              as email,
  coalesce(lib.is_valid_email(lib.clean_email(s.email)), false) as email_valid,
  lib.squish(s.phone)                                   as phone,
  lib.squish(s.mobile)                                  as mobile,
  lib.squish(s.company)                                 as company,
  -- one key per company however it is spelled: case, spacing, punctuation, legal suffix
  nullif(btrim(regexp_replace(regexp_replace(lower(lib.squish(s.company)),
    '\m(pty|ltd|limited|inc|cc|co|proprietary)\M|[^a-z0-9 ]', ' ', 'g'), '\s+', ' ', 'g')), '') as company_key,
  lib.squish(s.status)                                  as status,
  lib.squish(s.source)                                  as source,
  lib.squish(s.owner)                                   as owner_raw,
  coalesce(o.email, case when lib.squish(s.owner) is not null and lib.squish(s.owner) !~ '@' then null else lib.clean_email(s.owner) end) as owner_email,
  case when o.email is not null then o.matched_by
       when lib.squish(s.owner) is null then null
       when lib.squish(s.owner) ~ '@' then 'email'
       else 'unresolved' end                            as owner_matched_by,
  lib.squish(s."group")                                 as user_group,
  s.created                                             as created_raw,
  lib.parse_timestamp(s.created, true, 'Africa/Johannesburg')  as created_at,
  s.modified                                            as modified_raw,
  lib.parse_timestamp(s.modified, true, 'Africa/Johannesburg') as modified_at,
  -- every column the connector does not know: the custom fields, as exported (text)
  (select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
     from jsonb_each(to_jsonb(s)) e
    where e.key not like '\_%'
      and e.key not in ('lead_id', 'name', 'first_name', 'last_name', 'email', 'phone', 'mobile', 'company', 'status',
                        'source', 'owner', 'group', 'created', 'modified',
                        'rn', 'id_rows', 'full_name', 'hon', 'salutation', 'bare', 'how')
      and e.value <> 'null'::jsonb and e.value <> '""'::jsonb) as custom,
  s.id_rows,
  s._file, s._line, s._row_hash
from split s
left join stg_leadtrekker.user_refs o on o.ref = lower(lib.squish(s.owner))
