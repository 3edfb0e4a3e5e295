-- Custom module Service_Contracts, one record per ServiceTracker contract (seed 002,
-- "Contract -> Custom Module"). The contract id stays in Source_System_ID for audits and deltas.
select
  'contracts:' || k.contract_id                       as source_key,
  coalesce(k.name, 'Contract ' || k.contract_id)      as "Name",
  k.type                                              as "Contract_Type",
  to_char(k.start_date, 'YYYY-MM-DD')                as "Start_Date",
  to_char(k.end_date, 'YYYY-MM-DD')                  as "End_Date",
  k.monthly_value::float8                             as "Monthly_Value",
  k.status                                            as "Contract_Status",
  'clients:' || k.account_client_id                   as "Account",
  k.contract_id                                       as "Source_System_ID",
  'ServiceTracker ' || cu.untyped                     as "Description",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom"
from stg_servicetracker.contracts k
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'contracts' and cu.record_id = k.contract_id
