/**
 * Staging tables are built with CREATE TABLE AS, which PostgreSQL may run as a parallel plan. A
 * function that is unsafe there (an exception block starts a subtransaction) either fails the
 * build or, on some versions, silently stores null. So every pipeline's staging tables are built
 * twice on its bundled sample, once with parallel plans forced on every statement and once
 * serially, and must hold exactly the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { registry } from '../../pipelines/registry.ts';
import { runOneStep } from '../../engine/steps/run-one.ts';
import { openDb } from '../../engine/db/connection.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
}, 60_000);
afterAll(async () => db?.drop());

/** Settings that make the planner choose a parallel plan wherever it may. */
async function forceParallel(on: boolean): Promise<void> {
  const v = Number((await db.pool.query('show server_version_num')).rows[0].server_version_num);
  const force = v >= 160000 ? 'debug_parallel_query' : 'force_parallel_mode';
  const settings = on
    ? { [force]: 'on', parallel_setup_cost: '0', parallel_tuple_cost: '0', min_parallel_table_scan_size: '0', min_parallel_index_scan_size: '0', max_parallel_workers_per_gather: '2' }
    : { [force]: 'off', max_parallel_workers_per_gather: '0' };
  for (const [k, val] of Object.entries(settings)) await db.pool.query(`alter database ${db.name} set ${k} = '${val}'`);
}

/** Settings apply to new sessions only, so each build runs on a pool of its own. */
async function transformInFreshSessions(p: (typeof registry.pipelines)[number]): Promise<void> {
  const fresh = openDb(db.url);
  try {
    const r = await runOneStep(fresh, p, 'transform', p.source.sampleDir, { force: true });
    expect(r.error, r.logs.join('\n')).toBeUndefined();
  } finally {
    await fresh.close();
  }
}

/** One md5 per staging table over all its rows and columns, in a stable order. */
async function fingerprints(schema: string): Promise<Record<string, string>> {
  const tables = (await db.pool.query(`select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by 1`, [schema])).rows.map((r) => r.table_name as string);
  const out: Record<string, string> = {};
  for (const t of tables) {
    const r = await db.pool.query(`select count(*)::int as n, md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as h from "${schema}"."${t}" x`);
    out[t] = `${r.rows[0].n}:${r.rows[0].h}`;
  }
  return out;
}

describe('staging built in parallel plans equals staging built serially', () => {
  for (const p of registry.pipelines.filter((x, i, all) => all.findIndex((y) => y.source.name === x.source.name) === i)) {
    it(`${p.source.name} (${p.name})`, async () => {
      const run = async (step: string, flags = {}) => {
        const r = await runOneStep(db, p, step, p.source.sampleDir, flags);
        expect(r.error, r.logs.join('\n')).toBeUndefined();
      };
      await run('extract', { force: true });
      await forceParallel(true);
      await transformInFreshSessions(p);
      const parallel = await fingerprints(`stg_${p.source.name}`);
      await forceParallel(false);
      await transformInFreshSessions(p);
      const serial = await fingerprints(`stg_${p.source.name}`);
      expect(Object.keys(serial).length).toBeGreaterThan(3);
      expect(parallel).toEqual(serial);
    }, 300_000);
  }
});
