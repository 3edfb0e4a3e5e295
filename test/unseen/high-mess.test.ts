/**
 * Each pipeline on an export nobody here wrote: a high-mess export (every class of mess the
 * generators know, at random) under a fresh seed each run, through the whole path against the
 * sandbox. What must hold is checked as invariants, not values picked for the data:
 *   - every step exits 0 (the full load once the sample is approved);
 *   - conservation: every extracted record of every object is loaded, rejected with a reason,
 *     queued or skipped, and every mapped record is in the org;
 *   - verify finds no mismatch between the org and the staged, typed values;
 *   - every record held back (rejected, queued, skipped) says why.
 * The seed is printed; CRM_MIGRATE_TEST_SEED=<n> replays a failure.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { inProcess } from '../lifecycle/helpers.ts';
import { generate, GENERATORS } from '../../tools/generate/index.ts';
import { registry } from '../../pipelines/registry.ts';
import { STEP_INFO } from '../../engine/steps/catalog.ts';
import { modelSchemas } from '../../engine/pipeline.ts';

const seed = process.env.CRM_MIGRATE_TEST_SEED ?? String(1 + Math.floor(Math.random() * 1_000_000));
const SIZE: Record<string, number> = { leadtrekker: 80, servicetracker: 50, leadtrac: 60, aspec: 60 };

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe(`high-mess export, seed ${seed} (CRM_MIGRATE_TEST_SEED=${seed} replays it)`, () => {
  for (const p of registry.pipelines) {
    it(`${p.name}: whole path exits 0, every record accounted for, verify clean`, async () => {
      const db: TestDb = await createTestDb();
      const tmp = mkdtempSync(path.join(tmpdir(), `high-mess-${p.name}-`));
      cleanup.push(async () => {
        await db.drop();
        rmSync(tmp, { recursive: true, force: true });
      });
      const input = path.join(tmp, 'export');
      const out = path.join(tmp, 'out');
      const g = GENERATORS.find((x) => x.source === p.source.name)!;
      await generate({ source: g.source, outDir: input, size: SIZE[g.source] ?? 60, seed: `${seed}-${p.name}`, mess: 'high' });
      const cli = async (args: string[], ok: number[] = [0]) => {
        // reports go to the test's folder: --out for every step that takes it
        const withOut = STEP_INFO[args[0]!]?.flags.includes('out') ? ['--out', out] : [];
        const r = await inProcess(db.url, [p.name, ...args, ...withOut, '--json']);
        const diff = path.join(out, 'verify', 'diff.csv');
        const diffs = r.exitCode !== 0 && existsSync(diff) ? `\nverify differences:\n${readFileSync(diff, 'utf8').split('\n').slice(0, 25).join('\n')}` : '';
        expect(ok, `${args.join(' ')} exited ${r.exitCode}:\n${r.stderr.slice(-3000)}${diffs}`).toContain(r.exitCode);
        return r.json as any;
      };
      const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;

      await cli(['extract', '--input', input]);
      await cli(['transform']);
      await cli(['setup', '--apply']);
      await cli(['users']);
      // the fallback owner: an active user of the destination (the sandbox org's own users)
      const dest = await p.destination.connect({ databaseUrl: db.url, env: process.env, log: () => {} });
      const owner = (await dest.listUsers()).filter((u) => u.active).map((u) => u.email).sort()[0];
      await dest.close();
      expect(owner, 'an active destination user').toBeTruthy();
      const sample = await cli(['sample', '--input', input, '--size', '10', '--fallback-owner', owner]);
      expect(sample.verify.mismatches).toBe(0);
      await cli(['approve', '--by', 'High-mess test']);
      // Rejects are accounted for below, each with its reason; how many a random export earns is
      // not this test's invariant (the threshold gate has its own tests), so it does not stop here.
      await cli(['load', '--input', input, '--fallback-owner', owner, '--reject-threshold', '1']);
      const verify = await cli(['verify']);
      expect(verify.verify.mismatches).toBe(0);
      const rec = await cli(['reconcile']);
      const objects = rec.reconciliation.objects as { object: string; extracted: number; mapped: number; in_destination: number; loaded: number; already_loaded: number; rejected: number; queued: number; skipped: number }[];
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        expect(o.loaded + o.already_loaded + o.rejected + o.queued + o.skipped, `${o.object}: ${JSON.stringify(o)}`).toBe(o.extracted);
        expect(o.in_destination, `${o.object}: ${JSON.stringify(o)}`).toBe(o.mapped);
      }
      // the main object actually moved: a high-mess export is messy, not empty
      expect(objects.reduce((s, o) => s + o.mapped, 0)).toBeGreaterThan(0);
      const silent = await q(
        `select object, source_key, state from etl.record_status where pipeline = $1 and state <> 'loaded' and coalesce(btrim(reason_code), '') = '' and coalesce(btrim(message), '') = ''`,
        [p.name],
      );
      expect(silent, 'records held back without a reason').toEqual([]);

      // For the record of a run: what this export loaded, rejected and queued, and its findings by category.
      const sum = (k: 'loaded' | 'already_loaded' | 'rejected' | 'queued' | 'skipped') => objects.reduce((n, o) => n + o[k], 0);
      const reasons = await q(`select state, reason_code, count(*)::int as n from etl.record_status where pipeline = $1 and state in ('rejected', 'queued') group by 1, 2 order by 1, 3 desc`, [p.name]);
      const cats = await q(`select category, count(*)::int as n from lib.dq_findings($1::text[]) group by 1 order by 2 desc, 1`, [modelSchemas(p).filter((x) => x.startsWith('dq_'))]);
      console.log(
        [
          `${p.name} (seed ${seed}): loaded ${sum('loaded') + sum('already_loaded')}, rejected ${sum('rejected')}, queued ${sum('queued')}, skipped ${sum('skipped')}`,
          `  by object: ${objects.map((o) => `${o.object} ${o.loaded + o.already_loaded}/${o.rejected}/${o.queued}/${o.skipped}`).join(', ')} (loaded/rejected/queued/skipped)`,
          `  reasons: ${reasons.map((r) => `${r.state} ${r.reason_code} ${r.n}`).join(', ') || 'none'}`,
          `  findings: ${cats.map((c) => `${c.category} ${c.n}`).join(', ')}`,
        ].join('\n'),
      );
    }, 300_000);
  }
});
