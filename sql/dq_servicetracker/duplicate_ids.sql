-- Ids written on more than one row: the export's last row is the record (staging keeps it).
select 'duplicate_id'::text as category, 'warning'::text as severity, d.object, d.object || ':' || d.id as source_key,
       d.field, d.id as value, format('%s appears %s times; the last row (line %s) is used', d.field, d.id_rows, d._line) as message
from (
  select 'clients' as object, 'Client ID' as field, client_id as id, id_rows, _line from stg_servicetracker.clients where id_rows > 1
  union all select 'contacts', 'Contact ID', contact_id, id_rows, _line from stg_servicetracker.contacts where id_rows > 1
  union all select 'technicians', 'Technician ID', technician_id, id_rows, _line from stg_servicetracker.technicians where id_rows > 1
  union all select 'work_orders', 'Work Order ID', work_order_id, id_rows, _line from stg_servicetracker.work_orders where id_rows > 1
  union all select 'contracts', 'Contract ID', contract_id, id_rows, _line from stg_servicetracker.contracts where id_rows > 1
  union all select 'assets', 'Asset ID', asset_id, id_rows, _line from stg_servicetracker.assets where id_rows > 1
  union all select 'parts', 'Part Number', part_number, id_rows, _line from stg_servicetracker.parts where id_rows > 1
  union all select 'work_order_parts', 'Work Order ID / Part Number', line_id, id_rows, _line from stg_servicetracker.work_order_parts where id_rows > 1
  union all select 'service_history', 'Entry ID', entry_id, id_rows, _line from stg_servicetracker.service_history where id_rows > 1
  union all select 'attachments', 'Attachment ID', attachment_id, id_rows, _line from stg_servicetracker.attachments where id_rows > 1
  union all select 'portal_users', 'Username', username, id_rows, _line from stg_servicetracker.portal_users where id_rows > 1
) d
