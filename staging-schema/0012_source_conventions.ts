import { sql, type Kysely } from 'kysely';

/**
 * The conventions each source's landed export is read with (date order, time zone, phone
 * country, decimal separator, currency): written by extract from the connector's declaration
 * and the export's overrides, read by the staging models through stg_<source>.conventions, so
 * one declared rule drives every parser (docs/conventions.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table etl.source_conventions (
      source            text primary key,
      date_order        text not null check (date_order in ('dmy', 'mdy')),
      day_first         boolean generated always as (date_order = 'dmy') stored,
      timezone          text not null,
      phone_country     text not null check (phone_country ~ '^[A-Z]{2}$'),
      decimal_separator text not null check (decimal_separator in ('.', ',')),
      currency          text not null check (currency ~ '^[A-Z]{3}$'),
      -- where each setting came from: connector, the conventions file (its path) or a flag
      origin            jsonb not null default '{}',
      pipeline          text,
      run_id            bigint,
      updated_at        timestamptz not null default now()
    );
    comment on table etl.source_conventions is
      'How each source''s landed export is read: nn/nn/yyyy order, time zone of times without an offset, phone country, decimal separator, currency. Set by extract (connector defaults, overridden by the export''s conventions file or flags).';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists etl.source_conventions`.execute(db);
}
