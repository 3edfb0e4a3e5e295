-- Service history with what every Task / Event needs: its deal, account, technician (the
-- entry's, else the work order's) and owner, and its typed custom fields.
select
  h.*,
  coalesce(w.work_order_number, 'WO ' || h.work_order_id) as work_order_label,
  'clients:' || w.account_client_id                   as account_key,
  case when t.technician_id is not null then 'technicians:' || t.technician_id end as technician_key,
  case when h.asset_exists then 'assets:' || h.asset_id end as asset_key,
  t.name                                              as technician_name,
  case when t.email_valid then t.email end            as owner_email,
  cu.payload                                          as custom_payload,
  cu.untyped                                          as custom_untyped
from stg_servicetracker.service_history h
left join stg_servicetracker.work_orders w on w.work_order_id = h.work_order_id
left join stg_servicetracker.technicians t on t.technician_id = coalesce(h.technician_id, w.technician_id)
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'service_history' and cu.record_id = h.entry_id
