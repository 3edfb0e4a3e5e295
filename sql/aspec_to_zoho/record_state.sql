-- Read at load time (a view over etl): which source records are already in Zoho ('loaded') and
-- which wait in the reconciliation queue ('waiting', e.g. owned by an archived user). A record
-- whose parent waits waits with it (`_queue_reason`) instead of failing its lookup; once the
-- parent is loaded the next `load` writes the child with the link.
select m.source_key, 'loaded' as state
from etl.id_map m
where m.pipeline = 'aspec-to-zoho'
union
select r->>'source_key', 'waiting'
from etl.reconciliation_queue q
cross join lateral jsonb_array_elements(q.records) r
where q.pipeline = 'aspec-to-zoho' and q.status = 'open'
  and not exists (select 1 from etl.id_map m where m.pipeline = q.pipeline and m.source_key = r->>'source_key')
