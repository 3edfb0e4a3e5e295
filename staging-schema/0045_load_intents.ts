import { sql, type Kysely } from 'kysely';

/**
 * Write-ahead of first writes to destinations that have no idempotent write (Nutshell): a row
 * is entered before the create call is sent and removed once its id is in etl.id_map (or the
 * destination said it wrote nothing). A row left behind (the process was killed, the answer was
 * lost) means "this may exist in the destination": the next attempt looks for it, among the
 * records created since `sent_at`, before creating it again (engine/load/intents.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table etl.load_intents (
      pipeline text not null,
      object text not null,
      source_key text not null,
      dest_module text not null,
      record_key text not null,
      payload_hash text not null,
      payload jsonb not null,
      run_id bigint,
      sent_at timestamptz not null default now(),
      primary key (pipeline, object, source_key)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table etl.load_intents`.execute(db);
}
