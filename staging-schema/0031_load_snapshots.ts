import { sql, type Kysely } from 'kysely';

/**
 * A load reads its rows from a snapshot of the destination-shaped view taken when the load is
 * planned (one read of the view, keyed by source_key), so each chunk is an index range scan of
 * the snapshot rather than a fresh evaluation of the whole view: the work of a chunk no longer
 * grows with the size of the export, and every worker sees the same rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create schema if not exists load_snapshots;
    comment on schema load_snapshots is 'Snapshots of destination views that running loads read by key; dropped when their load finishes.';
    alter table etl.load_plans add column snapshot text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table etl.load_plans drop column snapshot; drop schema if exists load_snapshots cascade;`.execute(db);
}
