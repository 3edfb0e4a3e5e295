-- Clients that repeat another under a variant spelling (same company key, street and zip);
-- merged into the Account of the lowest Client ID.
select
  'duplicate'::text as category, 'warning'::text as severity, 'clients'::text as object,
  'clients:' || c.client_id as source_key, 'Client Name'::text as field, c.client_name as value,
  format('same client as %s (%s); merged into its Account', c.account_client_id, k.client_name) as message
from stg_servicetracker.clients c
join stg_servicetracker.clients k on k.client_id = c.account_client_id
where c.account_client_id <> c.client_id
