-- Clients whose names look alike but were not merged (another company key, or the same key at
-- another street or zip: a duplicate cluster whose street is spelled another way lands here
-- too): a person decides whether they are one client. Merged clusters are in duplicate_clients.
select
  'company_near_duplicate'::text as category, 'info'::text as severity, 'clients'::text as object,
  (select 'clients:' || min(c.client_id) from stg_servicetracker.clients c where c.company_key = p.key_a and c.account_client_id = c.client_id) as source_key,
  'Client Name'::text as field,
  array_to_string(p.variants_a, ' / ') as value,
  format('looks like %s (similarity %s, %s); loaded as separate Accounts: check whether they are one client', array_to_string(p.variants_b, ' / '), round(p.similarity::numeric, 2),
         (select string_agg(distinct coalesce(c.street, 'no street') || ', ' || coalesce(c.zip, 'no zip'), ' | ') from stg_servicetracker.clients c where c.company_key in (p.key_a, p.key_b))) as message
from lib.company_near_duplicates(array(select client_name from stg_servicetracker.clients where account_client_id = client_id), 0.6) p
