/** Applies the staging-schema migrations (Kysely's Migrator) before anything else runs. */
import { Migrator, sql, type Kysely } from 'kysely';
import { migrations } from '../../staging-schema/index.ts';
import { CliError } from '../errors.ts';
import { sqlstateError } from '../error-map.ts';

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // Two processes starting at once must not both apply the same migration.
  await db.connection().execute(async (conn) => {
  await sql`select pg_advisory_lock(hashtext('crm-migrate:staging-schema'))`.execute(conn);
  try {
    const migrator = new Migrator({
      db,
      migrationTableSchema: 'public',
      migrationTableName: 'crm_migrate_schema_migrations',
      migrationLockTableName: 'crm_migrate_schema_migrations_lock',
      provider: { getMigrations: async () => migrations },
      // Numbers are reserved per area (0010 extract, 0020 transform, 0030 load, 0040 lifecycle…),
      // so a later-numbered file may land before an earlier one.
      allowUnorderedMigrations: true,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      const message = `staging-schema migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? error}`;
      // No privilege to create a schema, a full disk...: the database's problem, named as such.
      const sqlstate = (error as { code?: unknown }).code;
      throw (typeof sqlstate === 'string' && sqlstateError(sqlstate, message, error)) || new CliError('DB_MIGRATION', message, { cause: error });
    }
  } finally {
    await sql`select pg_advisory_unlock(hashtext('crm-migrate:staging-schema'))`.execute(conn);
  }
  });
}

/**
 * Apply the migrations only when the database lacks one of them: one query when it is up to
 * date (the usual case), where Kysely's migrator takes a lock and reads its tables each time.
 * Returns whether it migrated.
 */
export async function migrateIfBehind(db: { pool: { query(sql: string): Promise<{ rows: { name: string }[] }> }; kysely: Kysely<any> }): Promise<boolean> {
  let applied: Set<string>;
  try {
    applied = new Set((await db.pool.query('select name from public.crm_migrate_schema_migrations')).rows.map((r) => r.name));
  } catch (err) {
    // A new database has no migration table yet (42P01): it is behind by definition.
    if ((err as { code?: string }).code !== '42P01') throw err;
    applied = new Set();
  }
  if (Object.keys(migrations).every((name) => applied.has(name))) return false;
  await migrateToLatest(db.kysely);
  return true;
}
