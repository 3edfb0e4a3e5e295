-- Technicians become Zoho Contacts flagged Technician_Flag (seed 002, "Technician -> Contact +
-- Zoho User"). Owner: the technician's own Zoho user; a technician without one (or without an
-- email) gets the fallback owner (--fallback-owner) and is listed in handoff_technician_users.
select
  'technicians:' || t.technician_id                   as source_key,
  t.salutation                                        as "Salutation",
  nullif(concat_ws(' ', t.first_name, t.middle_name), '') as "First_Name",
  -- Last_Name is mandatory in Zoho: a name that did not split is kept whole
  coalesce(nullif(concat_ws(' ', t.last_name, t.suffix), ''), t.name, 'Technician ' || t.technician_id) as "Last_Name",
  case when t.email_valid then t.email end            as "Email",
  t.phone                                             as "Phone",
  'Technician'                                        as "Title",
  true                                                as "Technician_Flag",
  t.territory                                         as "Territory",
  t.schedule                                          as "Work_Schedule",
  t.active                                            as "Technician_Active",
  t.technician_id                                     as "ST_Technician_ID",
  'ServiceTracker ' || cu.untyped                     as "Description",
  case when t.email_valid then t.email end            as "Owner",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom"
from stg_servicetracker.technicians t
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'technicians' and cu.record_id = t.technician_id
