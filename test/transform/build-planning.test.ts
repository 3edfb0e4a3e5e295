/**
 * Staging builds run without JIT: their time is in the parsers' function calls, and compiling
 * the large inlined parser expressions only costs seconds of server CPU per table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
}, 60_000);
afterAll(async () => db?.drop());

describe('staging builds', () => {
  it('run with JIT off on the tool connections', async () => {
    expect((await db.pool.query('show jit')).rows[0].jit).toBe('off');
  });
});
