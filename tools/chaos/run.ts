/**
 * `npm run chaos -- [--trials N] [--seed S] [--pipeline NAME] [--size N] [--faults a,b] [--keep]`
 *
 * Crash trials (SIGKILL at a seeded random moment of load, and of setup, delta and rollback,
 * then resume) and the fault matrix against the sandbox, each compared with an uninterrupted
 * reference run on the same generated export. Prints a table; exits 1 when any trial found a
 * duplicate or a lost record (or a run whose counts do not balance), 2 on a usage error.
 *
 * Uses DATABASE_URL's server when set (its own databases chaos_<pid>_*, dropped at the end),
 * else an embedded PostgreSQL in a temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../engine/db/embedded.ts';
import { registry } from '../../pipelines/registry.ts';
import { FAULTS, renderTable, runChaos } from './lib.ts';

const USAGE = `Usage: npm run chaos -- [--trials N (20)] [--seed S (1)] [--pipeline NAME (leadtrekker-to-zoho)] [--size N (60)] [--faults "429 storm,token expiry"] [--keep]
Faults: ${FAULTS.map((f) => f.name).join(', ')}`;

async function main(): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: process.argv.slice(2),
      options: {
        trials: { type: 'string', default: '20' },
        seed: { type: 'string', default: '1' },
        pipeline: { type: 'string', default: 'leadtrekker-to-zoho' },
        size: { type: 'string', default: '60' },
        faults: { type: 'string' },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const trials = Number(v.trials);
  const seed = Number(v.seed);
  const size = Number(v.size);
  if (![trials, seed, size].every((n) => Number.isInteger(n) && n >= 0) || size < 1) {
    process.stderr.write(`--trials, --seed and --size take whole numbers (--size at least 1).\n${USAGE}\n`);
    return 2;
  }
  const pipeline = registry.pipelines.find((p) => p.name === v.pipeline);
  if (!pipeline) {
    process.stderr.write(`unknown pipeline ${v.pipeline}; pipelines: ${registry.pipelines.map((p) => p.name).join(', ')}\n`);
    return 2;
  }
  const faults = v.faults === undefined ? undefined : v.faults.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = faults?.filter((f) => !FAULTS.some((x) => x.name === f)) ?? [];
  if (unknown.length) {
    process.stderr.write(`unknown fault(s): ${unknown.join(', ')}\n${USAGE}\n`);
    return 2;
  }

  let home: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    home = mkdtempSync(path.join(tmpdir(), 'crm-chaos-pg-'));
    adminUrl = (await ensureEmbeddedServer(home, 50000 + (process.pid % 5000))).adminUrl;
  }
  try {
    const t0 = Date.now();
    const report = await runChaos({ adminUrl, pipeline, trials, seed, size, faults, keep: v.keep });
    const bad = report.rows.filter((r) => r.duplicates || r.lost || r.conservation.length || r.bareRejects);
    process.stdout.write(
      v.json
        ? JSON.stringify(report) + '\n'
        : `\n${renderTable(report)}\n\n${report.pipeline}, seed ${report.seed}, export of ${report.size}; ${report.totals.trials} trials: ${report.totals.duplicates} duplicates, ${report.totals.lost} lost (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
    for (const r of bad)
      process.stderr.write(`FAILED ${r.name}: duplicates ${r.duplicates}, lost ${r.lost}, unbalanced ${r.conservation.join('; ') || 'none'}, rejects without reason ${r.bareRejects}; ${r.examples.join('; ')}\n`);
    return bad.length ? 1 : 0;
  } finally {
    if (home) {
      await stopEmbeddedServer(home).catch(() => {});
      rmSync(home, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
