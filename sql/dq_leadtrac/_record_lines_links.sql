-- Where the records without an id column of their own came from, for the findings that name
-- them by another key (lib.dq_findings reads every _record_lines* view of the schemas it is
-- given; the leading _ keeps this one out of the findings): a lead's links to people, a
-- person's links to companies, a custom-field definition (<object>:<field>), a user (email;
-- an owner users.csv does not list at the first record it owns).
select 'lead_people'::text as object, btrim(lead_id) as id, min(_file)::text as file, min(_line)::bigint as line
from raw_leadtrac.lead_people group by 2
union all
select 'person_companies', btrim(person_id), min(_file), min(_line)
from raw_leadtrac.person_companies group by 2
union all
select 'custom_fields', lower(btrim(object)) || ':' || lib.squish(field), min(_file), min(_line)
from raw_leadtrac.custom_fields where lib.squish(field) is not null group by 2
union all
select 'users', lower(btrim(email)), min(_file), min(_line)
from raw_leadtrac.users where nullif(btrim(email), '') is not null group by 2
union all
-- an owner users.csv does not list: the first record it owns
select 'users', o.email, min(o.file), min(o.line)
from (
  select lower(btrim(owner_email)) as email, _file as file, _line as line from raw_leadtrac.leads
  union all select lower(btrim(owner_email)), _file, _line from raw_leadtrac.activities
) o
where nullif(o.email, '') is not null
  and not exists (select 1 from raw_leadtrac.users u where lower(btrim(u.email)) = o.email)
group by o.email
