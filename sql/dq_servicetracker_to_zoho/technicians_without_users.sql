-- Technicians with no Zoho user (read at query time: run after the users step). Their
-- records get the fallback owner; the list is handed off (handoff_technician_users).
select 'owner'::text as category, 'warning'::text as severity, 'technicians'::text as object,
       'technicians:' || h."Technician ID" as source_key, 'Email'::text as field, coalesce(h."Email", '') as value,
       'no Zoho user with this email: ' || h."Action" as message
from servicetracker_to_zoho.handoff_technician_users h
