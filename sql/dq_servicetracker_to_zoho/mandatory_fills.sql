-- Values the pipeline fills because Zoho refuses a record without them (pipelines/servicetracker-to-zoho/README.md,
-- "Mandatory fields"): one finding per filled record, naming the export file, line and columns.
select 'mandatory_filled' as category, 'warning' as severity, 'deals' as object, d.source_key,
       'Closing_Date' as field, d."Closing_Date" as value,
       format('Zoho requires Closing_Date on Deals and this work order has no readable Completed At or Scheduled Start (%s line %s): filled with the day the export was taken; set the real date in Zoho',
              d._file, d._line) as message
from servicetracker_to_zoho.deals d
join stg_servicetracker.work_orders w on 'work_orders:' || w.work_order_id = d.source_key
where w.completed_on is null and w.scheduled_on is null
union all
-- The other mandatory fields a record would be refused without, filled from what the record has
select 'mandatory_filled', f.severity, f.object, f.source_key, f.field, f.value,
       format('Zoho requires %s on %s and this record has no %s (%s line %s): filled with "%s"', f.field, f.module, f.missing, f._file, f._line, f.value)
from (
  select 'warning' as severity, 'accounts' as object, 'Accounts' as module, a.source_key, 'Account_Name' as field, a."Account_Name" as value, 'Client Name' as missing, c._file, c._line
  from servicetracker_to_zoho.accounts a join stg_servicetracker.clients c on 'clients:' || c.client_id = a.source_key
  where c.client_name is null
  union all
  select 'warning', 'contacts', 'Contacts', k.source_key, 'Last_Name', k."Last_Name", 'Last Name', c._file, c._line
  from servicetracker_to_zoho.contacts k join stg_servicetracker.contacts c on 'contacts:' || c.contact_id = k.source_key
  where c.last_name is null
  union all
  select 'warning', 'technicians', 'Contacts', k.source_key, 'Last_Name', k."Last_Name", 'last name in Name', t._file, t._line
  from servicetracker_to_zoho.technicians k join stg_servicetracker.technicians t on 'technicians:' || t.technician_id = k.source_key
  where t.last_name is null
  union all
  select 'warning', 'deals', 'Deals', d.source_key, 'Stage', d."Stage", 'Status', w._file, w._line
  from servicetracker_to_zoho.deals d join stg_servicetracker.work_orders w on 'work_orders:' || w.work_order_id = d.source_key
  where w.status_key is null
  union all
  select 'info', 'deals', 'Deals', d.source_key, 'Deal_Name', d."Deal_Name", 'Work Order Number', w._file, w._line
  from servicetracker_to_zoho.deals d join stg_servicetracker.work_orders w on 'work_orders:' || w.work_order_id = d.source_key
  where w.work_order_number is null
  union all
  select 'info', 'products', 'Products', p.source_key, 'Product_Name', p."Product_Name", 'Description', s._file, s._line
  from servicetracker_to_zoho.products p join stg_servicetracker.parts s on 'parts:' || s.part_number = p.source_key
  where s.description is null
  union all
  select 'info', 'service_contracts', 'Service_Contracts', k.source_key, 'Name', k."Name", 'Name', c._file, c._line
  from servicetracker_to_zoho.service_contracts k join stg_servicetracker.contracts c on 'contracts:' || c.contract_id = k.source_key
  where c.name is null
  union all
  select 'info', 'assets', 'Assets', k.source_key, 'Name', k."Name", 'Serial Number', a._file, a._line
  from servicetracker_to_zoho.assets k join stg_servicetracker.assets a on 'assets:' || a.asset_id = k.source_key
  where a.serial_number is null
) f
union all
-- no fill would be true: a visit without a start is rejected before load
select 'missing_mandatory', 'error', 'events', e.source_key, 'Start_DateTime', null, e._reject_reason
from servicetracker_to_zoho.events e where e._reject_reason like 'NO_START%'
