import { sql, type Kysely } from 'kysely';

/**
 * The migration lifecycle: sample slices, field-level verification, approvals tied to a
 * mapping hash, per-phase reconciliation, delta reports and what a rollback needs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The keys a sample run picked, and why each was picked.
    create table etl.sample_keys (
      run_id        bigint not null,
      pipeline      text not null,
      object        text not null,
      source_key    text not null,
      reason        text not null,
      primary key (run_id, object, source_key)
    );

    -- One row per sample run: the size asked for and the mapping it was drawn under.
    create table etl.samples (
      run_id        bigint primary key,
      pipeline      text not null,
      size          int not null,
      mapping_hash  text not null,
      keys          int not null default 0,
      created_at    timestamptz not null default now()
    );

    -- One row per verify run: what it compared and how many fields differed.
    create table etl.verifications (
      run_id        bigint primary key,
      pipeline      text not null,
      sample_run_id bigint,
      mapping_hash  text not null,
      records       int not null,
      fields        int not null,
      mismatches    int not null,
      at            timestamptz not null default now()
    );

    -- The field-level diff of a verify run.
    create table etl.verify_diffs (
      id            bigint generated always as identity primary key,
      run_id        bigint not null,
      pipeline      text not null,
      object        text not null,
      source_key    text not null,
      dest_id       text,
      field         text not null,
      expected      text,
      actual        text,
      reason        text not null
    );
    create index verify_diffs_run on etl.verify_diffs (run_id);

    -- A person's sign-off of a verified sample under one mapping hash.
    create table etl.sample_approvals (
      id            bigint generated always as identity primary key,
      pipeline      text not null,
      sample_run_id bigint not null,
      verify_run_id bigint not null,
      mapping_hash  text not null,
      approved_by   text not null,
      approved_at   timestamptz not null default now()
    );

    -- Per-phase counts after each object's load, and the gaps found.
    create table etl.reconciliation (
      run_id          bigint not null,
      pipeline        text not null,
      object          text not null,
      source_count    bigint,
      view_count      bigint not null,
      extracted       bigint not null default 0,
      loaded          bigint not null default 0,
      already_loaded  bigint not null default 0,
      rejected        bigint not null default 0,
      queued          bigint not null default 0,
      skipped         bigint not null default 0,
      mapped          bigint not null default 0,
      in_destination  bigint,
      checked         bigint not null default 0,
      gaps            text[] not null default '{}',
      at              timestamptz not null default now(),
      primary key (run_id, object)
    );

    -- Source records a delta found gone from the new export (for a person to decide).
    create table etl.delta_deleted (
      run_id        bigint not null,
      pipeline      text not null,
      object        text not null,
      source_key    text not null,
      dest_module   text not null,
      dest_id       text not null,
      primary key (run_id, object, source_key)
    );

    -- Which run a delete/restore in load_log rolled back (makes a rollback re-runnable).
    alter table etl.load_log add column rollback_of bigint;
    create index load_log_rollback on etl.load_log (rollback_of) where rollback_of is not null;

    -- The id_map row a write replaced, so a rollback restores the payload hash exactly.
    create table etl.id_map_history (
      id              bigint generated always as identity primary key,
      pipeline        text not null,
      object          text not null,
      source_key      text not null,
      replaced_by_run bigint,
      dest_module     text not null,
      dest_id         text not null,
      payload_hash    text not null,
      payload         jsonb,
      run_id          bigint,
      at              timestamptz not null default now()
    );
    create index id_map_history_run on etl.id_map_history (replaced_by_run, object, source_key);

    create function etl.id_map_keep_history() returns trigger language plpgsql as $fn$
    begin
      -- A rollback restoring a row is not a write to remember.
      if coalesce(current_setting('crm_migrate.rollback', true), '') = 'on' then
        return new;
      end if;
      if old.payload_hash is distinct from new.payload_hash or old.dest_id is distinct from new.dest_id then
        insert into etl.id_map_history (pipeline, object, source_key, replaced_by_run, dest_module, dest_id, payload_hash, payload, run_id)
        values (old.pipeline, old.object, old.source_key, new.run_id, old.dest_module, old.dest_id, old.payload_hash, old.payload, old.run_id);
      end if;
      return new;
    end
    $fn$;
    create trigger id_map_history before update on etl.id_map
      for each row execute function etl.id_map_keep_history();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists id_map_history on etl.id_map;
    drop function if exists etl.id_map_keep_history();
    drop table if exists etl.id_map_history, etl.delta_deleted, etl.reconciliation, etl.sample_approvals,
      etl.verify_diffs, etl.verifications, etl.samples, etl.sample_keys;
    alter table etl.load_log drop column if exists rollback_of;
  `.execute(db);
}
