import { sql, type Kysely } from 'kysely';

/**
 * Which pipeline's export raw_<source> holds, and which pipeline's transform the staging tables
 * were built from. Two pipelines of one source share raw_<source> and stg_<source>; a step that
 * reads them checks they hold its own export (engine/landing.ts), so one pipeline's extract never
 * feeds another pipeline's load.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table etl.source_landing (
      source            text primary key,
      pipeline          text not null,
      input             text not null,
      run_id            bigint,
      generation        bigint not null default 1,
      landed_at         timestamptz not null default now(),
      -- the transform that built stg_<source> from this landing (null: not built since it landed)
      built_by          text,
      built_generation  bigint,
      built_at          timestamptz
    );
    comment on table etl.source_landing is 'The export raw_<source> holds (landed by which pipeline, from where) and the transform that built stg_<source> from it.';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists etl.source_landing`.execute(db);
}
