import { sql, type Kysely } from 'kysely';

/**
 * What the destination refuses, read from its metadata by `setup` (etl.destination_rules), so
 * that `report` can check every row of every destination view before anything is sent:
 *   - mandatory: the record is refused without a value in `field` (Zoho: system_mandatory in
 *     the fields metadata or `required` in the layout; Nutshell: the API's documented rules).
 *     `columns` lists the view columns that fill the field; any one non-empty satisfies it
 *     (a Nutshell contact needs a name, an e-mail or a phone).
 *   - max_length: a text longer than `max_length` characters is refused.
 *   - picklist: a value outside `values` is refused (`strict`) or stored as written.
 * One set per pipeline: setup replaces the pipeline's rows each time it reads the metadata.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table etl.destination_rules (
      pipeline    text not null,
      destination text not null,
      module      text not null,
      field       text not null,
      rule        text not null check (rule in ('mandatory', 'max_length', 'picklist')),
      columns     text[] not null,
      data_type   text,
      max_length  int,
      "values"    text[],
      strict      boolean not null default true,
      origin      text not null,
      read_at     timestamptz not null default now(),
      primary key (pipeline, module, field, rule)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table etl.destination_rules`.execute(db);
}
