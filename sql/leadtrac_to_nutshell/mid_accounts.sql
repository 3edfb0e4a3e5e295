-- Accounts of tier 'mid' (see company_rows.sql for the load order and mapping).
select source_key, name, url, address, owner_email, "cf:LeadTrac Company ID", "cf:Industry", "cf:Employees", "cf:Parent Company", description, "_custom", "_reject_reason"
from leadtrac_to_nutshell.company_rows
where tier = 'mid'
