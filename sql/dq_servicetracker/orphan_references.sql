-- References to records the export does not contain.
select 'orphan'::text as category, 'error'::text as severity, 'work_orders'::text as object,
       'work_orders:' || w.work_order_id as source_key, 'Client ID'::text as field, w.client_id as value,
       'client is not in clients.csv: the deal loads without an Account'::text as message
from stg_servicetracker.work_orders w
where not exists (select 1 from stg_servicetracker.clients c where c.client_id = w.client_id)
union all
select 'orphan', 'warning', 'work_orders', 'work_orders:' || w.work_order_id, 'Technician ID', w.technician_id,
       'technician is not in technicians.csv: the deal loads without a Technician'
from stg_servicetracker.work_orders w
where w.technician_id is not null and not exists (select 1 from stg_servicetracker.technicians t where t.technician_id = w.technician_id)
union all
select 'orphan', 'warning', 'contacts', 'contacts:' || k.contact_id, 'Client ID', coalesce(k.client_id, ''),
       'contact has no client in clients.csv: loads without an Account'
from stg_servicetracker.contacts k
where not exists (select 1 from stg_servicetracker.clients c where c.client_id = k.client_id)
union all
select 'orphan', 'warning', 'work_order_parts', 'work_order_parts:' || l.line_id, 'Part Number', l.part_number,
       'part is not in parts.csv: the deal part keeps the number without a Product'
from stg_servicetracker.work_order_parts l
where not exists (select 1 from stg_servicetracker.parts p where p.part_number = l.part_number)
union all
select 'orphan', 'error', 'contracts', 'contracts:' || k.contract_id, 'Client ID', k.client_id,
       'client is not in clients.csv: the contract loads without an Account'
from stg_servicetracker.contracts k
where not exists (select 1 from stg_servicetracker.clients c where c.client_id = k.client_id)
