-- Zoho Accounts, one per ServiceTracker client (seed 002, "Client -> Account"). Clients that
-- repeat another under a variant spelling are merged into it (stg clients.account_client_id).
-- Primary_Contact (custom lookup -> Contacts) is filled only once the Contact is in Zoho: the
-- pipeline loads accounts a second time after contacts (see README, "Primary contact"), so
-- this stays a view that reads etl.id_map when the load reads it.
select
  'clients:' || c.client_id                           as source_key,
  -- Account_Name is system-mandatory in Zoho: a client without a name keeps its id (a finding)
  coalesce(c.client_name, 'Client ' || c.client_id)   as "Account_Name",
  c.street                                            as "Billing_Street",
  c.city                                              as "Billing_City",
  c.state                                             as "Billing_State",
  c.zip                                               as "Billing_Code",
  coalesce(mc.zoho_country, c.country)                as "Billing_Country",
  -- E.164 when the number parses (in the source's phone country when written without one), else as written
  coalesce(c.phone_e164, c.phone)                     as "Phone",
  case when c.primary_contact_email_valid then c.primary_contact_email end as "Primary_Contact_Email",
  case when exists (select 1 from etl.id_map m
                     where m.pipeline = 'servicetracker-to-zoho' and m.object = 'contacts'
                       and m.source_key = 'contacts:' || p.contact_id)
       then 'contacts:' || p.contact_id end           as "Primary_Contact",
  c.client_id                                         as "ST_Client_ID",
  -- custom values that did not type stay readable here (dq lists them)
  'ServiceTracker ' || cu.untyped                     as "Description",
  coalesce(cu.payload, '{}'::jsonb)                   as "_custom"
from stg_servicetracker.clients c
left join servicetracker_to_zoho.primary_contacts p on p.client_id = c.client_id
left join servicetracker_to_zoho.map_country mc on lower(btrim(mc.servicetracker_country)) = lower(c.country)
left join servicetracker_to_zoho.custom_payload cu on cu.object = 'clients' and cu.record_id = c.client_id
where c.account_client_id = c.client_id
