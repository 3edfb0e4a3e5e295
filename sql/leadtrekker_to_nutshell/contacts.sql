-- Nutshell Contacts (people), one per email (seed 001 "Lead -> Person"): the merged record of
-- people.sql, linked to its company (the accounts lookup resolves the company created first).
select
  'contacts:' || p.person_key                           as source_key,
  -- the name as Nutshell's name object (title kept); no name in Leadtrekker: the email (else
  -- the phone) names the person, as Nutshell needs a name
  case when p.last_name is not null
       then jsonb_strip_nulls(jsonb_build_object('givenName', coalesce(p.first_name, ''), 'familyName', p.last_name, 'salutation', p.salutation,
              'displayName', concat_ws(' ', p.first_name, p.last_name)))
       else to_jsonb(coalesce(p.email, p.mobile, p.phone)) end as name,
  p.email,
  f.phone,
  'accounts:' || p.company_key                          as accounts,
  p.owner                                               as owner_email,
  concat_ws(E'\n', f.description, 'Leadtrekker ' || pc.untyped) as description,
  p.nutshell_status                                     as "cf:Lead Status",
  p.nutshell_source                                     as "cf:Lead Source",
  array_to_string(p.lead_ids, ', ')                     as "cf:Leadtrekker Lead ID",
  p.created_at                                          as "cf:Leadtrekker Created",
  -- custom fields typed by the mapping (person_custom); values that did not type are in the description
  coalesce(pc.payload, '{}'::jsonb)                     as "_custom",
  case when p.last_name is null and coalesce(p.email, p.mobile, p.phone) is null
       then 'MISSING_NAME: lead ' || p.survivor_lead_id || ' has no name, no valid email and no phone: nothing identifies the person' end as "_reject_reason"
from leadtrekker_to_nutshell.people p
join leadtrekker_to_nutshell.person_fields f on f.person_key = p.person_key
left join leadtrekker_to_nutshell.person_custom pc on pc.person_key = p.person_key and pc.module = 'Contacts'
where p.import_as = 'person'
