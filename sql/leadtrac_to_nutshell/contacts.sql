-- Nutshell Contacts for LeadTrac people (seed 003 "Person -> Person"): name, email, phone,
-- address, title (the relationship to the primary company), custom fields. The primary
-- company (person_company.sql) is the accounts lookup; the other companies are the reference
-- field "Other Companies". Nutshell needs a name: with neither first nor last name the person
-- is named by the email, else rejected. Custom fields: typed by the mapping in custom_values
-- (`_custom`); a value that did not type is kept in the description.
select
  'contacts:' || p.person_id                             as source_key,
  case when coalesce(p.first_name, p.last_name) is not null
       then jsonb_strip_nulls(jsonb_build_object('givenName', coalesce(concat_ws(' ', p.first_name, p.middle_name), ''),
              'familyName', coalesce(concat_ws(' ', p.last_name, p.suffix), ''), 'salutation', p.salutation, 'displayName', p.display_name))
       when p.email_valid then to_jsonb(p.email) end     as name,
  case when p.email_valid then p.email end               as email,
  coalesce(p.phone_e164, p.phone)                        as phone,
  case when coalesce(p.street, p.city, p.state, p.zip) is not null then
    jsonb_strip_nulls(jsonb_build_object('address_1', p.street, 'city', p.city, 'state', p.state, 'postalCode', p.zip, 'country', p.country)) end as address,
  'accounts:' || pc.company_id                           as accounts,
  case when pc.company_id is not null then p.title end   as relationship,
  o.owner_email,
  concat_ws(E'\n',
    case when p.email_raw is not null and not p.email_valid then 'Email as exported (not a valid address): ' || p.email_raw end,
    case when p.phone is not null and p.phone_e164 is null then 'Phone as exported: ' || p.phone end,
    'LeadTrac ' || cu.untyped)                           as description,
  p.person_id                                            as "cf:LeadTrac Person ID",
  p.title                                                as "cf:Title",
  (select string_agg(c.name || ' (LeadTrac ' || c.company_id || ')', '; ' order by k.ord)
     from unnest(pc.others) with ordinality k(company_id, ord) join stg_leadtrac.companies c on c.company_id = k.company_id) as "cf:Other Companies",
  d.text                                                 as "cf:LeadTrac Documents",
  coalesce(cu.payload, '{}'::jsonb)                      as "_custom",
  case when coalesce(p.first_name, p.last_name) is null and not p.email_valid
       then 'MISSING_NAME: person ' || p.person_id || ' has no name and no valid email: nothing names the person in Nutshell' end as "_reject_reason"
from stg_leadtrac.people p
left join leadtrac_to_nutshell.person_company pc on pc.person_id = p.person_id
left join leadtrac_to_nutshell.owners o on o.kind = 'person' and o.id = p.person_id
left join leadtrac_to_nutshell.documents d on d.kind = 'person' and d.id = p.person_id
left join leadtrac_to_nutshell.custom_payload cu on cu.object = 'people' and cu.record_id = p.person_id and cu.module = 'Contacts'
