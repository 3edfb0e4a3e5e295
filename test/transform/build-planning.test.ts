/**
 * What the planner needs to build staging tables well: statistics on the landed raw tables (the
 * staging models join each file with lists of its own distinct values; without statistics, on a
 * server with autovacuum off or right after extract, it guesses their sizes), and no JIT (the
 * build's time is in the parsers' function calls; compiling their inlined expressions only
 * costs seconds of server CPU).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { registry } from '../../pipelines/registry.ts';
import { runOneStep } from '../../engine/steps/run-one.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
}, 60_000);
afterAll(async () => db?.drop());

describe('staging builds', () => {
  const p = registry.pipelines.find((x) => x.name === 'leadtrekker-to-zoho')!;

  it('run with JIT off on the tool connections', async () => {
    expect((await db.pool.query('show jit')).rows[0].jit).toBe('off');
  });

  it('analyze the raw tables a landing changed before building on them', async () => {
    const run = async (step: string, flags = {}) => {
      const r = await runOneStep(db, p, step, p.source.sampleDir, flags);
      expect(r.error, r.logs.join('\n')).toBeUndefined();
    };
    // a landing leaves the raw tables without statistics (the test server may run autovacuum:
    // the statistics are dropped so the check does not depend on it)
    await run('extract', { force: true });
    const raw = `raw_${p.source.name}`;
    const tables = (await db.pool.query(`select c.oid::regclass::text as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`, [raw])).rows.map((r) => r.t as string);
    expect(tables.length).toBeGreaterThan(3);
    await db.pool.query(`delete from pg_statistic where starelid = any($1::regclass[])`, [tables]);
    const stats = async () =>
      Number((await db.pool.query(`select count(distinct starelid)::int as n from pg_statistic where starelid = any($1::regclass[])`, [tables])).rows[0].n);
    expect(await stats()).toBe(0);
    await run('transform', { force: true });
    // every raw table that has rows has statistics (an empty table has none to gather)
    const withRows = (await Promise.all(tables.map(async (t) => ((await db.pool.query(`select exists (select from ${t}) as x`)).rows[0].x ? t : null)))).filter(Boolean);
    expect(withRows.length).toBeGreaterThan(3);
    expect(await stats()).toBe(withRows.length);
  }, 300_000);
});
