/** A fresh database per test file, cloned from the run's migrated template. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDb, type Db } from '../../engine/db/connection.ts';

export interface TestDb extends Db {
  name: string;
  drop(): Promise<void>;
}

function urlFor(adminUrl: string, db: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * @example
 * const db = await createTestDb();
 * await db.pool.query('select 1');
 * await db.drop();
 */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = inject('adminUrl');
  const template = inject('templateDb');
  // Named after the template (which carries the run's pid) so the global teardown finds it.
  const name = `${template.replace('crm_tpl_', 'crm_t_')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const db = openDb(urlFor(adminUrl, name));
  return {
    ...db,
    name,
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
