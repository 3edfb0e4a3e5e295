import { sql, type Kysely } from 'kysely';

/**
 * The size of each landed file: a file whose size differs from the last batch cannot be
 * unchanged, so extract hashes it while streaming instead of in a separate pass first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table etl.extract_batches add column bytes bigint`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table etl.extract_batches drop column bytes`.execute(db);
}
