import { sql, type Kysely } from 'kysely';

/** How reconcile counted what the destination holds: listed by key (exact), read back one by one (exact), or sampled (an estimate, said so). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table etl.reconciliation add column method text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table etl.reconciliation drop column method`.execute(db);
}
