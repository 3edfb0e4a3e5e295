-- Where a Leadtrekker lead's activities, notes and reminders go: the Nutshell record of its
-- email (the surviving person, also for a lead merged away), as a Contacts or Leads source_key.
select
  lp.lead_id,
  lp.person_key,
  p.import_as,
  p.survivor_lead_id,
  case when p.import_as = 'person' then 'contacts:' || lp.person_key end as contact_key,
  case when p.import_as = 'lead' then 'leads:' || lp.person_key end      as lead_key
from leadtrekker_to_nutshell.lead_people lp
join leadtrekker_to_nutshell.people p on p.person_key = lp.person_key
