import { sql, type Kysely } from 'kysely';

/**
 * What each SQL model was last built from, so `transform` rebuilds only models whose SQL (or
 * anything upstream: models, lib functions, landed data, value maps) changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table etl.model_state (
      model         text primary key,
      hash          text not null,
      materialized  text not null,
      file          text not null,
      built_at      timestamptz not null default now(),
      run_id        bigint,
      ms            integer
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists etl.model_state`.execute(db);
}
