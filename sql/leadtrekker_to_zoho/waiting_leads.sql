-- Leads held in the reconciliation queue (an owner with no Zoho user, ...) and not written yet.
-- Their calls, emails, notes, reminders and files wait with them (queued, loaded by a later run
-- once the lead is in) rather than failing their lookup. Read live by the loader, object by object.
select distinct on (r->>'source_key')
  r->>'source_key' as source_key, q.kind, q.key
from etl.reconciliation_queue q
cross join lateral jsonb_array_elements(q.records) r
where q.pipeline = 'leadtrekker-to-zoho' and q.status = 'open' and r->>'object' = 'leads'
  and not exists (select 1 from etl.id_map m
                   where m.pipeline = q.pipeline and m.object = 'leads' and m.source_key = r->>'source_key')
order by r->>'source_key', q.kind
