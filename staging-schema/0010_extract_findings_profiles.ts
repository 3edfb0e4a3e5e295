import { sql, type Kysely } from 'kysely';

/**
 * Extract findings (rows landed with a repair or a remark: duplicate ids, NUL bytes removed,
 * bytes that were not UTF-8) and the column profiles `discover` writes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table etl.extract_findings (
      id            bigint generated always as identity primary key,
      batch_id      bigint not null references etl.extract_batches on delete cascade,
      run_id        bigint,
      source        text not null,
      object        text not null,
      file          text not null,
      line          bigint,
      code          text not null,
      field         text,
      message       text not null,
      at            timestamptz not null default now()
    );
    create index extract_findings_batch on etl.extract_findings (batch_id);

    -- One row per raw column, rewritten by each discover run.
    create table etl.column_profiles (
      source          text not null,
      object          text not null,
      column_name     text not null,
      header          text not null,
      is_custom       boolean not null,
      ordinal         int not null,
      inferred_type   text not null,
      rows            bigint not null,
      non_null        bigint not null,
      null_share      numeric not null,
      distinct_count  bigint not null,
      max_length      int,
      longest_value   text,
      sample_values   text[] not null default '{}',
      profiled_at     timestamptz not null default now(),
      run_id          bigint,
      primary key (source, object, column_name)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table etl.column_profiles; drop table etl.extract_findings;`.execute(db);
}
