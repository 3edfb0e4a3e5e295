-- Nutshell Leads for LeadTrac leads (seed 003 "Lead -> Lead", "Lead-person link"). Status:
-- Nutshell's lead status is a fixed enum, so the LeadTrac status becomes the stage (milestone)
-- or the closing outcome of maps/lead_status.csv, and is kept exactly in the Decision field
-- "LeadTrac Status". Source: Nutshell sources (get-or-created by name before the lead is
-- written). Owner: the assignee. Created Date is not writable in Nutshell: custom field
-- "LeadTrac Created". Person: the lead's person by the primary rule (lead_person.sql) is the
-- contacts lookup; the other people are the reference field "Other People"; the person's company
-- is the lead's primaryAccount. Custom fields: typed by the mapping in custom_values (`_custom`);
-- a value that did not type is kept in the LongText field "LeadTrac Details" (a lead's
-- description is its name, and a `note` would be appended again on every edit).
select
  'leads:' || l.lead_id                                  as source_key,
  left(coalesce(l.lead_name, 'LeadTrac lead ' || l.lead_id), 100) as description,
  coalesce(ms.nutshell_source, l.source)                 as sources,
  st.nutshell_milestone                                  as milestone,
  st.nutshell_outcome                                    as outcome,
  l.owner_email,
  'contacts:' || lp.person_id                            as contacts,
  'accounts:' || pc.company_id                           as "primaryAccount",
  l.lead_id                                              as "cf:LeadTrac Lead ID",
  coalesce(st.leadtrac_status, l.status)                 as "cf:LeadTrac Status",
  l.created_at                                           as "cf:LeadTrac Created",
  (select string_agg(concat_ws(' ', p.display_name, '<' || case when p.email_valid then p.email end || '>') || ' (LeadTrac ' || p.person_id || ')', '; ' order by k.ord)
     from unnest(lp.others) with ordinality k(person_id, ord) join stg_leadtrac.people p on p.person_id = k.person_id) as "cf:Other People",
  d.text                                                 as "cf:LeadTrac Documents",
  'LeadTrac ' || cu.untyped                              as "cf:LeadTrac Details",
  coalesce(cu.payload, '{}'::jsonb)                      as "_custom"
from stg_leadtrac.leads l
left join leadtrac_to_nutshell.map_lead_status st on lower(btrim(st.leadtrac_status)) = lower(l.status)
left join leadtrac_to_nutshell.map_lead_source ms on lower(btrim(ms.leadtrac_source)) = lower(l.source)
left join leadtrac_to_nutshell.lead_person lp on lp.lead_id = l.lead_id
left join leadtrac_to_nutshell.person_company pc on pc.person_id = lp.person_id
left join leadtrac_to_nutshell.documents d on d.kind = 'lead' and d.id = l.lead_id
left join leadtrac_to_nutshell.custom_payload cu on cu.object = 'leads' and cu.record_id = l.lead_id and cu.module = 'Leads'
