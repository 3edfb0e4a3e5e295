-- References to records the export does not contain (staging checked each link against the
-- parent's table).
select 'orphan'::text as category, 'error'::text as severity, 'work_orders'::text as object,
       'work_orders:' || w.work_order_id as source_key, 'Client ID'::text as field, w.client_id as value,
       'client is not in clients.csv: the deal loads without an Account'::text as message
from stg_servicetracker.work_orders w
where not w.client_exists
union all
select 'orphan', 'warning', 'work_orders', 'work_orders:' || w.work_order_id, 'Technician ID', w.technician_id,
       'technician is not in technicians.csv: the deal loads without a Technician'
from stg_servicetracker.work_orders w
where w.technician_id is not null and not w.technician_exists
union all
select 'orphan', 'warning', 'contacts', 'contacts:' || k.contact_id, 'Client ID', coalesce(k.client_id, ''),
       'contact has no client in clients.csv: loads without an Account'
from stg_servicetracker.contacts k
where not k.client_exists
union all
select 'orphan', 'warning', 'work_order_parts', 'work_order_parts:' || l.line_id, 'Part Number', l.part_number,
       'part is not in parts.csv: the deal part keeps the number without a Product'
from stg_servicetracker.work_order_parts l
where not l.part_exists
union all
select 'orphan', 'error', 'work_order_parts', 'work_order_parts:' || l.line_id, 'Work Order ID', l.work_order_id,
       'work order is not in work_orders.csv: the deal part cannot load'
from stg_servicetracker.work_order_parts l
where not l.work_order_exists
union all
select 'orphan', 'error', 'contracts', 'contracts:' || k.contract_id, 'Client ID', k.client_id,
       'client is not in clients.csv: the contract loads without an Account'
from stg_servicetracker.contracts k
where not k.client_exists
union all
select 'orphan', 'warning', 'assets', 'assets:' || a.asset_id, 'Client ID', a.client_id,
       'client is not in clients.csv: the asset loads without an Account'
from stg_servicetracker.assets a
where not a.client_exists
union all
select 'orphan', 'error', 'service_history', 'service_history:' || h.entry_id, 'Work Order ID', h.work_order_id,
       'work order is not in work_orders.csv: the task or event cannot load'
from stg_servicetracker.service_history h
where not h.work_order_exists
union all
select 'orphan', 'warning', 'service_history', 'service_history:' || h.entry_id, 'Asset ID', h.asset_id,
       'asset is not in assets.csv: the task or event loads without an Asset'
from stg_servicetracker.service_history h
where h.asset_id is not null and not h.asset_exists
union all
select 'orphan', 'error', 'attachments', 'attachments:' || a.attachment_id, 'Work Order ID', a.work_order_id,
       'work order is not in work_orders.csv: the file cannot be attached'
from stg_servicetracker.attachments a
where a.work_order_id is not null and not a.work_order_exists
