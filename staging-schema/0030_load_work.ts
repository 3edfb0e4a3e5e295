import { sql, type Kysely } from 'kysely';

/**
 * Load work shared by several worker processes: a plan per (pipeline, object) split into
 * chunks (each one a graphile-worker job), worker heartbeats so a crashed worker's chunk is
 * handed to another, and the destination API credit ledger (rolling 24 h budget).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table etl.load_plans (
      plan_id        bigint generated always as identity primary key,
      pipeline       text not null,
      object         text not null,
      run_id         bigint not null,
      status         text not null default 'open' check (status in ('open','done','failed','superseded','stopped')),
      total          int not null,
      fallback_owner text,
      error          text,
      created_at     timestamptz not null default now(),
      finished_at    timestamptz
    );
    create index load_plans_open on etl.load_plans (pipeline, object) where status = 'open';

    -- A chunk is the rows of the view with lo_key < source_key <= hi_key (lo_key '' = from the start).
    create table etl.load_chunks (
      plan_id        bigint not null references etl.load_plans on delete cascade,
      chunk_no       int not null,
      lo_key         text not null,
      hi_key         text not null,
      rows           int not null,
      status         text not null default 'pending' check (status in ('pending','running','done','failed','stopped')),
      worker_id      text,
      attempts       int not null default 0,
      counts         jsonb,
      error          text,
      updated_at     timestamptz not null default now(),
      primary key (plan_id, chunk_no)
    );

    create table etl.load_workers (
      worker_id      text primary key,
      pipeline       text not null,
      run_id         bigint,
      pid            int,
      host           text,
      started_at     timestamptz not null default now(),
      heartbeat_at   timestamptz not null default now()
    );

    create table etl.api_usage (
      id             bigint generated always as identity primary key,
      destination    text not null,
      credits        int not null,
      call           text not null,
      at             timestamptz not null default now()
    );
    create index api_usage_at on etl.api_usage (destination, at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table etl.api_usage; drop table etl.load_workers; drop table etl.load_chunks; drop table etl.load_plans;`.execute(db);
}
