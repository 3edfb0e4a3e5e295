-- Custom module Assets, one record per ServiceTracker asset (seed 002, "Asset -> Custom Module").
select
  'assets:' || a.asset_id                             as source_key,
  coalesce(a.serial_number, a.model, 'Asset ' || a.asset_id) as "Name",
  a.serial_number                                     as "Serial_Number",
  a.model                                             as "Model",
  to_char(a.warranty_expiry, 'YYYY-MM-DD')           as "Warranty_Expiry",
  a.street                                            as "Location_Street",
  a.city                                              as "Location_City",
  a.state                                             as "Location_State",
  a.zip                                               as "Location_Zip",
  'clients:' || a.account_client_id                   as "Account",
  a.asset_id                                          as "Source_System_ID",
  'ServiceTracker ' || cu.untyped                     as "Description",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom"
from stg_servicetracker.assets a
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'assets' and cu.record_id = a.asset_id
