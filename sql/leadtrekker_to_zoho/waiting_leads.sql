-- Leads waiting in the reconciliation queue (an owner with no Zoho user, ...), not written yet:
-- their current state (etl.record_status) is queued on a queue item. Their calls, emails, notes,
-- reminders and files wait with them (queued, loaded by a later run once the lead is in) rather
-- than failing their lookup. Read live by the loader, object by object.
select s.source_key, q.kind, q.key
from etl.record_status s
join etl.queue_items q on q.id = s.queue_id
where s.pipeline = 'leadtrekker-to-zoho' and s.object = 'leads' and s.state = 'queued'
