-- A child's reason when its parent never reaches a load (the queue contract, docs/load.md):
-- the parent row was rejected at extract (etl.rejects, stage extract, its id read from the
-- rejected line), or the export does not have it. One wording for every pipeline:
--   lib.parent_missing('leadtrekker', 'leads', 'L-9', 'lead')
--     -> 'lead L-9, which was rejected at extract (leads.csv, line 12: RAGGED_SHORT)'
--     -> 'lead L-9, which is not in the export'
-- Not immutable: it reads etl.rejects, so a view calling it is current with the last extract.
create or replace function lib.parent_missing(source text, object text, id text, what text)
returns text
language plpgsql stable as $$
declare
  r record;
begin
  if id is null then
    return null;
  end if;
  select e.file, e.line, e.reason_code into r
    from etl.rejects e
   where e.stage = 'extract' and e.source = parent_missing.source and e.object = parent_missing.object
     and btrim(e.source_key) = btrim(parent_missing.id)
   order by e.id desc limit 1;
  if found then
    return format('%s %s, which was rejected at extract (%s, line %s: %s)', what, id, r.file, r.line, r.reason_code);
  end if;
  return format('%s %s, which is not in the export', what, id);
end
$$;

-- Whether a parent the export refers to was rejected at extract (etl.rejects): the queue
-- contract rejects its children with that reason instead of queuing them as orphans.
create or replace function lib.parent_rejected_at_extract(source text, object text, id text)
returns boolean
language sql stable as $$
  select id is not null and exists (
    select 1 from etl.rejects e
     where e.stage = 'extract' and e.source = parent_rejected_at_extract.source
       and e.object = parent_rejected_at_extract.object and btrim(e.source_key) = btrim(parent_rejected_at_extract.id))
$$;
