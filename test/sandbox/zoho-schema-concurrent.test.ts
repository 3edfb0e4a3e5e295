/**
 * Two processes starting the Zoho sandbox on one database at once (setup and users side by
 * side, two loads) both create its schema: neither may fail.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSandboxSchema } from '../../connectors/destinations/zoho/sandbox/store.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

let db: TestDb;
let other: pg.Pool;
beforeAll(async () => {
  db = await createTestDb();
  other = new pg.Pool({ connectionString: db.url });
});
afterAll(async () => {
  await other?.end();
  await db?.drop();
});

it('creates the sandbox schema from two connections at once, every time', async () => {
  for (let i = 0; i < 10; i++) {
    await db.pool.query('drop schema if exists sandbox_zoho cascade');
    const results = await Promise.allSettled([ensureSandboxSchema(db.pool), ensureSandboxSchema(other)]);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
  }
  expect((await db.pool.query(`select to_regclass('sandbox_zoho.records') is not null as ok`)).rows[0].ok).toBe(true);
});
