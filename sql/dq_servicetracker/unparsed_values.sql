-- Values that did not read as their type by the source's conventions (stg_servicetracker
-- .conventions); the field loads empty (or, for phones, as written). Staging kept the text
-- beside each typed column; a date's reason says why (lib.date_issue: a month-first export's
-- 13/01/2024 has no month 13, and is never read the other way round).
with d as (
  select 'work_orders' as object, 'work_orders:' || work_order_id as source_key, 'Scheduled Start' as field, scheduled_start_raw as raw
  from stg_servicetracker.work_orders where scheduled_start is null and lib.squish(scheduled_start_raw) is not null
  union all select 'work_orders', 'work_orders:' || work_order_id, 'Completed At', completed_at_raw
  from stg_servicetracker.work_orders where completed_at is null and lib.squish(completed_at_raw) is not null
  union all select 'contracts', 'contracts:' || contract_id, 'Start Date', start_date_raw
  from stg_servicetracker.contracts where start_date is null and lib.squish(start_date_raw) is not null
  union all select 'contracts', 'contracts:' || contract_id, 'End Date', end_date_raw
  from stg_servicetracker.contracts where end_date is null and lib.squish(end_date_raw) is not null
  union all select 'assets', 'assets:' || asset_id, 'Warranty Expiry', warranty_expiry_raw
  from stg_servicetracker.assets where warranty_expiry is null and lib.squish(warranty_expiry_raw) is not null
  union all select 'service_history', 'service_history:' || entry_id, 'Date', date_raw
  from stg_servicetracker.service_history where entry_date is null and lib.squish(date_raw) is not null
  union all select 'service_history', 'service_history:' || entry_id, 'Start', start_raw
  from stg_servicetracker.service_history where start_at is null and lib.squish(start_raw) is not null
  union all select 'service_history', 'service_history:' || entry_id, 'End', end_raw
  from stg_servicetracker.service_history where end_at is null and lib.squish(end_raw) is not null
  union all select 'portal_users', 'portal_users:' || username, 'Last Login', last_login_raw
  from stg_servicetracker.portal_users where last_login is null and lib.squish(last_login_raw) is not null
)
select 'unparseable_date'::text as category, 'warning'::text as severity, d.object, d.source_key, d.field, d.raw as value,
       coalesce(lib.date_issue(d.raw, cv.day_first), 'not a date or time this source writes') || ': the field loads empty' as message
from d cross join stg_servicetracker.conventions cv
union all
select 'invalid_amount', 'warning', 'work_orders', 'work_orders:' || work_order_id, 'Amount', amount_raw,
       'not an amount: Deal Amount left empty'
from stg_servicetracker.work_orders where amount is null and lib.squish(amount_raw) is not null
union all
select 'invalid_amount', 'warning', 'contracts', 'contracts:' || contract_id, 'Monthly Value', monthly_value_raw,
       'not an amount: Monthly_Value left empty'
from stg_servicetracker.contracts where monthly_value is null and lib.squish(monthly_value_raw) is not null
union all
select 'invalid_amount', 'warning', 'parts', 'parts:' || part_number, 'Unit Cost', unit_cost_raw,
       'not an amount: the product''s Unit_Price left empty'
from stg_servicetracker.parts where unit_cost is null and unit_cost_raw <> ''
union all
select 'invalid_amount', 'warning', 'work_order_parts', 'work_order_parts:' || line_id, 'Unit Price', unit_price_raw,
       'not an amount: the deal part''s Unit_Price and Line_Total left empty'
from stg_servicetracker.work_order_parts where unit_price is null and unit_price_raw <> ''
union all
select 'invalid_number', 'warning', 'work_orders', 'work_orders:' || work_order_id, 'Labor Hours', labor_hours_raw,
       'not a number: Labor_Hours left empty'
from stg_servicetracker.work_orders where labor_hours is null and lib.squish(labor_hours_raw) is not null
union all
select 'invalid_number', 'warning', 'work_order_parts', 'work_order_parts:' || line_id, 'Quantity', quantity_raw,
       'not a number: the deal part''s Quantity and Line_Total left empty'
from stg_servicetracker.work_order_parts where quantity is null and quantity_raw <> ''
union all
select 'invalid_number', 'warning', 'parts', 'parts:' || part_number, 'Qty On Hand', qty_on_hand_raw,
       'not a whole number: Inventory_Qty left empty'
from stg_servicetracker.parts where qty_on_hand is null and qty_on_hand_raw <> ''
union all
select 'invalid_phone', 'warning', 'clients', 'clients:' || c.client_id, 'Phone', c.phone,
       format('not a phone number (read in %s when written without a country code): the account keeps it as written', cv.phone_country)
from stg_servicetracker.clients c cross join stg_servicetracker.conventions cv
where c.phone is not null and c.phone_e164 is null
union all
select 'unknown_value', 'warning', 'service_history', 'service_history:' || entry_id, 'Scheduled', scheduled_raw,
       'not yes or no: the entry loads as a task, not a calendar visit'
from stg_servicetracker.service_history where scheduled_unreadable
union all
select 'unknown_value', 'warning', 'technicians', 'technicians:' || technician_id, 'Active', active_raw,
       'not yes or no: the technician is taken as active'
from stg_servicetracker.technicians where active_unreadable
union all
select 'uncertain_name', 'warning', 'contacts', 'contacts:' || contact_id, 'Name', full_name,
       coalesce(name_uncertain, 'contact has no name: Last_Name is the email''s local part, else the contact id')
from stg_servicetracker.contacts where name_uncertain is not null or last_name is null
union all
select 'uncertain_name', 'warning', 'technicians', 'technicians:' || technician_id, 'Name', name,
       coalesce(name_uncertain, 'technician name did not split: kept whole as Last_Name')
from stg_servicetracker.technicians where name_uncertain is not null or last_name is null
