-- Values that did not parse into the type Zoho needs; the field loads empty.
select 'unparsed'::text as category, 'warning'::text as severity, 'work_orders'::text as object,
       'work_orders:' || work_order_id as source_key, 'Amount'::text as field, amount_raw as value,
       'not an amount: Deal Amount left empty'::text as message
from stg_servicetracker.work_orders where lib.squish(amount_raw) is not null and amount is null
union all
select 'unparsed', 'warning', 'work_orders', 'work_orders:' || work_order_id, 'Completed At', completed_at_raw, 'not a date'
from stg_servicetracker.work_orders where lib.squish(completed_at_raw) is not null and completed_at is null
union all
select 'unparsed', 'warning', 'work_orders', 'work_orders:' || work_order_id, 'Scheduled Start', scheduled_start_raw, 'not a date'
from stg_servicetracker.work_orders where lib.squish(scheduled_start_raw) is not null and scheduled_start is null
union all
select 'unparsed', 'warning', 'contracts', 'contracts:' || contract_id, 'Monthly Value', monthly_value_raw, 'not an amount'
from stg_servicetracker.contracts where lib.squish(monthly_value_raw) is not null and monthly_value is null
union all
select 'unparsed', 'warning', 'assets', 'assets:' || asset_id, 'Warranty Expiry', warranty_expiry_raw, 'not a date'
from stg_servicetracker.assets where lib.squish(warranty_expiry_raw) is not null and warranty_expiry is null
union all
select 'unparsed', 'warning', 'contacts', 'contacts:' || contact_id, 'Name', concat_ws(' ', first_name, last_name),
       coalesce(name_reason, 'contact has no name')
from stg_servicetracker.contacts where name_uncertain or (first_name is null and last_name is null)
