import { sql, type Kysely } from 'kysely';

/**
 * The `etl` control tables: what ran, what was written where, and what did not make it.
 * Append-only: later changes are new numbered files.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create schema if not exists etl;
    create schema if not exists lib;

    -- One row per invocation of a step of a pipeline.
    create table etl.runs (
      run_id        bigint generated always as identity primary key,
      pipeline      text not null,
      step          text not null,
      status        text not null default 'running' check (status in ('running','done','failed','stopped')),
      args          jsonb not null default '{}',
      summary       jsonb,
      error         text,
      started_at    timestamptz not null default now(),
      finished_at   timestamptz
    );

    -- Sub-steps (per object phase) of a run, with their counts.
    create table etl.run_steps (
      run_id        bigint not null references etl.runs on delete cascade,
      name          text not null,
      status        text not null default 'running',
      counts        jsonb not null default '{}',
      started_at    timestamptz not null default now(),
      finished_at   timestamptz,
      primary key (run_id, name)
    );

    -- One row per export file landed.
    create table etl.extract_batches (
      batch_id      bigint generated always as identity primary key,
      run_id        bigint references etl.runs on delete set null,
      source        text not null,
      file          text not null,
      path          text not null,
      sha256        text not null,
      encoding      text,
      delimiter     text,
      rows_read     bigint not null default 0,
      rows_landed   bigint not null default 0,
      rows_rejected bigint not null default 0,
      custom_fields text[] not null default '{}',
      method        text,
      started_at    timestamptz not null default now(),
      finished_at   timestamptz
    );

    -- The columns each raw table holds, with the header as exported.
    create table etl.raw_columns (
      source        text not null,
      file          text not null,
      column_name   text not null,
      header        text not null,
      is_custom     boolean not null default false,
      ordinal       int not null,
      primary key (source, file, column_name)
    );

    -- (pipeline, object, source_key) -> destination record, and the hash of what was written.
    create table etl.id_map (
      pipeline      text not null,
      object        text not null,
      source_key    text not null,
      dest_module   text not null,
      dest_id       text not null,
      payload_hash  text not null,
      payload       jsonb,
      run_id        bigint,
      created_at    timestamptz not null default now(),
      updated_at    timestamptz not null default now(),
      primary key (pipeline, object, source_key)
    );
    create index id_map_dest on etl.id_map (pipeline, dest_module, dest_id);

    -- One row per record attempt (audit). 'before' keeps the destination's previous values
    -- of an update so a rollback can restore them.
    create table etl.load_log (
      id            bigint generated always as identity primary key,
      run_id        bigint,
      pipeline      text not null,
      object        text not null,
      source_key    text not null,
      dest_module   text,
      dest_id       text,
      action        text not null check (action in ('insert','update','skip','reject','queue','delete','restore')),
      reason_code   text,
      message       text,
      before        jsonb,
      call_id       text,
      at            timestamptz not null default now()
    );
    create index load_log_run on etl.load_log (run_id, object);

    -- Rows that could not be read or loaded, with where they came from and why.
    create table etl.rejects (
      id            bigint generated always as identity primary key,
      run_id        bigint,
      pipeline      text,
      source        text,
      stage         text not null check (stage in ('extract','transform','load')),
      object        text,
      file          text,
      line          bigint,
      source_key    text,
      field         text,
      reason_code   text not null,
      message       text not null,
      raw           text,
      at            timestamptz not null default now()
    );

    -- Records held for a person's decision (owner with no destination user, archived user...).
    create table etl.reconciliation_queue (
      id            bigint generated always as identity primary key,
      pipeline      text not null,
      kind          text not null,
      key           text not null,
      detail        text not null,
      records       jsonb not null default '[]',
      status        text not null default 'open' check (status in ('open','resolved','dismissed')),
      resolution    text,
      created_at    timestamptz not null default now(),
      resolved_at   timestamptz,
      unique (pipeline, kind, key)
    );

    -- Source user (by email) -> destination user id, from the users step.
    create table etl.user_map (
      pipeline      text not null,
      source_email  text not null,
      dest_user_id  text,
      dest_email    text,
      matched_by    text not null,
      run_id        bigint,
      primary key (pipeline, source_email)
    );

    -- Mappings a person confirmed (custom fields, sample approvals), tied to a content hash.
    create table etl.confirmed_mappings (
      pipeline      text not null,
      kind          text not null,
      key           text not null,
      value         jsonb not null,
      content_hash  text,
      confirmed_by  text,
      confirmed_at  timestamptz not null default now(),
      primary key (pipeline, kind, key)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema etl cascade; drop schema lib cascade;`.execute(db);
}
