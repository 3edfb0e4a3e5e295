-- Nutshell Leads for unqualified prospects (seed 001 "Lead -> Lead"): the records the prospect
-- rule (maps/prospect_rule.csv, lead_status.csv prospect = yes) picks, instead of people.
-- A Nutshell lead has no name, email or phone of its own: the name is the description, and the
-- email and phone go to lead custom fields of Nutshell's Email and Phone types.
select
  'leads:' || p.person_key                              as source_key,
  left(coalesce(p.full_name, p.email, p.mobile, p.phone, 'Leadtrekker lead ' || p.survivor_lead_id), 100) as description,
  p.nutshell_source                                     as sources,
  p.owner                                               as owner_email,
  -- the history text goes to a long-text field (a `note` would be appended again on every edit)
  concat_ws(E'\n', f.description, 'Leadtrekker ' || pc.untyped,
    case when p.mobile is not null and p.phone is not null then 'Phone: ' || p.phone end) as "cf:Leadtrekker Details",
  p.email                                               as "cf:Prospect Email",
  coalesce(p.mobile_e164, p.mobile, p.phone_e164, p.phone) as "cf:Prospect Phone",
  p.nutshell_status                                     as "cf:Lead Status",
  array_to_string(p.lead_ids, ', ')                     as "cf:Leadtrekker Lead ID",
  p.created_at                                          as "cf:Leadtrekker Created",
  -- custom fields typed by the mapping (person_custom)
  coalesce(pc.payload, '{}'::jsonb)                     as "_custom"
from leadtrekker_to_nutshell.people p
join leadtrekker_to_nutshell.person_fields f on f.person_key = p.person_key
left join leadtrekker_to_nutshell.person_custom pc on pc.person_key = p.person_key and pc.module = 'Leads'
where p.import_as = 'lead'
