-- Technicians become Zoho Contacts flagged Technician_Flag (seed 002, "Technician -> Contact +
-- Zoho User"). Owner: the technician's own Zoho user; a technician without one (or without an
-- email) gets the fallback owner (--fallback-owner) and is listed in handoff_technician_users.
select
  'technicians:' || t.technician_id                   as source_key,
  t.first_name                                        as "First_Name",
  t.last_name                                         as "Last_Name",
  case when t.email_valid then t.email end            as "Email",
  t.phone                                             as "Phone",
  'Technician'                                        as "Title",
  true                                                as "Technician_Flag",
  t.territory                                         as "Territory",
  t.schedule                                          as "Work_Schedule",
  t.active                                            as "Technician_Active",
  t.technician_id                                     as "ST_Technician_ID",
  case when t.email_valid then t.email end            as "Owner"
from stg_servicetracker.technicians t
