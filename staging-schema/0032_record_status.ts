import { sql, type Kysely } from 'kysely';

/**
 * One current state per source record (etl.record_status): loaded (with its destination id),
 * rejected, queued (with the queue item it waits on) or skipped, each with the reason and the run
 * that last changed it. The loader writes it set-based, a page at a time, beside the append-only
 * history (etl.load_log).
 *
 * Queue membership is these rows: a record waits on a queue item while its state is `queued`
 * with that item's id, and stops waiting when it is written (its row becomes `loaded`). The
 * queue items themselves (what a person must decide) are etl.queue_items; the old
 * etl.reconciliation_queue, whose `records` jsonb arrays were rewritten on every write call (and
 * deadlocked at 8k leads), is now a view over the two for readers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table etl.reconciliation_queue rename to queue_items;
    alter index if exists etl.reconciliation_queue_pkey rename to queue_items_pkey;
    alter index if exists etl.reconciliation_queue_pipeline_kind_key_key rename to queue_items_pipeline_kind_key_key;
    -- how many records the item held when it was opened (the users step counts an owner's records before any load)
    alter table etl.queue_items add column held int not null default 0;
    create index queue_items_open on etl.queue_items (pipeline, status);

    create table etl.record_status (
      pipeline      text not null,
      object        text not null,
      source_key    text not null,
      state         text not null check (state in ('loaded','rejected','queued','skipped')),
      dest_module   text,
      dest_id       text,
      reason_code   text,
      message       text,
      queue_id      bigint references etl.queue_items on delete set null,
      run_id        bigint,
      updated_at    timestamptz not null default now(),
      primary key (pipeline, object, source_key)
    );
    create index record_status_waiting on etl.record_status (queue_id) where state = 'queued';
    create index record_status_state on etl.record_status (pipeline, object, state);
    comment on table etl.record_status is
      'The current state of every source record a load has seen: loaded (dest_id), rejected, queued (queue_id: the etl.queue_items row it waits on) or skipped, with the reason and the run that last changed it. etl.load_log keeps the history.';

    -- what earlier loads left: written records, and open queue items with their records
    insert into etl.record_status (pipeline, object, source_key, state, dest_module, dest_id, run_id, updated_at)
    select pipeline, object, source_key, 'loaded', dest_module, dest_id, run_id, updated_at from etl.id_map
    on conflict do nothing;
    insert into etl.record_status (pipeline, object, source_key, state, reason_code, message, queue_id, updated_at)
    select q.pipeline, r->>'object', r->>'source_key', 'queued', upper(q.kind), q.detail, q.id, q.created_at
    from etl.queue_items q cross join lateral jsonb_array_elements(q.records) r
    where q.status = 'open'
    on conflict do nothing;
    update etl.queue_items set held = jsonb_array_length(records);
    alter table etl.queue_items drop column records;

    -- the queue as readers knew it: each item with the records waiting on it now
    create view etl.reconciliation_queue as
    select q.id, q.pipeline, q.kind, q.key, q.detail,
           coalesce(w.records, '[]'::jsonb) as records,
           coalesce(w.n, 0)::int as waiting,
           q.held, q.status, q.resolution, q.created_at, q.resolved_at
    from etl.queue_items q
    left join lateral (
      select jsonb_agg(jsonb_build_object('object', s.object, 'source_key', s.source_key) order by s.object, s.source_key) as records, count(*) as n
      from etl.record_status s where s.queue_id = q.id and s.state = 'queued'
    ) w on true;
    comment on view etl.reconciliation_queue is
      'Queue items (etl.queue_items: what a person must decide) with the records waiting on each now (etl.record_status, state queued).';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop view etl.reconciliation_queue;
    alter table etl.queue_items add column records jsonb not null default '[]';
    update etl.queue_items q set records = coalesce((select jsonb_agg(jsonb_build_object('object', s.object, 'source_key', s.source_key))
      from etl.record_status s where s.queue_id = q.id and s.state = 'queued'), '[]');
    drop table etl.record_status;
    alter table etl.queue_items drop column held;
    alter table etl.queue_items rename to reconciliation_queue;
  `.execute(db);
}
