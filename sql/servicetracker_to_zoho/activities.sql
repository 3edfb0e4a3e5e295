-- Service history with what every Task / Event needs: its deal, account, technician and owner.
select
  h.*,
  w.work_order_id is not null                         as work_order_known,
  coalesce(w.work_order_number, 'WO ' || h.work_order_id) as work_order_label,
  case when c.client_id is not null then 'clients:' || c.account_client_id end as account_key,
  case when t.technician_id is not null then 'technicians:' || t.technician_id end as technician_key,
  case when a.asset_id is not null then 'assets:' || a.asset_id end as asset_key,
  t.name                                              as technician_name,
  case when t.email_valid then t.email end            as owner_email
from stg_servicetracker.service_history h
left join stg_servicetracker.work_orders w on w.work_order_id = h.work_order_id
left join stg_servicetracker.clients c on c.client_id = w.client_id
left join stg_servicetracker.technicians t on t.technician_id = coalesce(h.technician_id, w.technician_id)
left join stg_servicetracker.assets a on a.asset_id = h.asset_id
