/**
 * `npm run chaos -- [--trials N] [--seed S] [--pipeline a,b] [--size N] [--faults a,b|none] [--keep] [--json]`
 *
 * Crash trials (SIGKILL of the client, of the sandbox server or of both at a seeded random
 * moment of load, delta or rollback, then resume) and the fault matrix against each pipeline's
 * sandbox, each org compared field by field with an uninterrupted reference run on the same
 * generated export. Prints a table whatever happens (a trial's error is a row of it); exits 1
 * when any trial lost, duplicated or changed a record (or did not finish, or its counts do not
 * balance), 2 on a usage error.
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
import { failed, faultsOf, renderTable, runChaos, type ChaosReport, type TrialResult } from './lib.ts';

// The registry's choice, else the first pipeline of each destination that has a sandbox.
const DEFAULT_PIPELINES = (
  registry.rehearsed ?? [...new Map(registry.pipelines.filter((p) => p.destination.sandbox).map((p) => [p.destination.name, p.name] as const).reverse()).values()].reverse()
).join(',');
const USAGE = `Usage: npm run chaos -- [--trials N per pipeline (10)] [--seed S (1)] [--pipeline a,b (${DEFAULT_PIPELINES})] [--size N (20)] [--faults "429 storm,token expiry" | none] [--keep] [--json]
Faults: ${[...new Set(registry.pipelines.flatMap((p) => faultsOf(p).map((f) => `${f.name} (${p.destination.name})`)))].join(', ')}`;

async function main(): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: process.argv.slice(2),
      options: {
        trials: { type: 'string', default: '10' },
        seed: { type: 'string', default: '1' },
        pipeline: { type: 'string', default: DEFAULT_PIPELINES },
        size: { type: 'string', default: '20' },
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
  const names = v.pipeline.split(',').map((s) => s.trim()).filter(Boolean);
  const pipelines = names.map((n) => registry.pipelines.find((p) => p.name === n));
  const missing = names.filter((_, i) => !pipelines[i]);
  if (missing.length || !names.length) {
    process.stderr.write(`unknown pipeline ${missing.join(', ')}; pipelines: ${registry.pipelines.map((p) => p.name).join(', ')}\n`);
    return 2;
  }
  const noControl = pipelines.filter((p) => !p!.destination.sandbox).map((p) => p!.name);
  if (noControl.length) {
    process.stderr.write(`no sandbox to rehearse against for ${noControl.join(', ')}\n`);
    return 2;
  }
  const faults = v.faults === undefined ? undefined : v.faults.trim() === 'none' ? [] : v.faults.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = faults?.filter((f) => !pipelines.some((p) => faultsOf(p!).some((x) => x.name === f))) ?? [];
  if (unknown.length) {
    process.stderr.write(`unknown fault(s): ${unknown.join(', ')}\n${USAGE}\n`);
    return 2;
  }

  const t0 = Date.now();
  // Rows as they come: whatever stops the run, the table of what was tried is printed.
  const rows: TrialResult[] = [];
  let report: ChaosReport | undefined;
  let fatal: string | undefined;
  let home: string | undefined;
  try {
    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      home = mkdtempSync(path.join(tmpdir(), 'crm-chaos-pg-'));
      adminUrl = (await ensureEmbeddedServer(home, 50000 + (process.pid % 5000))).adminUrl;
    }
    report = await runChaos({ adminUrl, pipelines: pipelines as NonNullable<(typeof pipelines)[number]>[], trials, seed, size, faults, keep: v.keep, onRow: (r) => rows.push(r) });
  } catch (err) {
    fatal = (err as Error).stack ?? String(err);
  } finally {
    if (home) {
      await stopEmbeddedServer(home).catch(() => {});
      rmSync(home, { recursive: true, force: true });
    }
  }
  report ??= {
    pipelines: names,
    seed,
    size,
    rows,
    totals: { trials: rows.length, crashTrials: rows.filter((r) => r.kind === 'crash').length, duplicates: rows.reduce((s, r) => s + r.duplicates, 0), lost: rows.reduce((s, r) => s + r.lost, 0), mismatchedFields: rows.reduce((s, r) => s + r.mismatchedFields, 0), errors: rows.filter((r) => r.error).length + 1 },
    referenceSeconds: {},
  };
  const tt = report.totals;
  process.stdout.write(
    v.json
      ? JSON.stringify({ ...report, fatal }) + '\n'
      : `\n${renderTable(report)}\n\n${report.pipelines.join(', ')}, seed ${report.seed}, export of ${report.size}; ${tt.trials} trials (${tt.crashTrials} crash): ${tt.lost} lost, ${tt.duplicates} duplicated, ${tt.mismatchedFields} mismatched fields, ${tt.errors} not finished (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
  );
  if (fatal) process.stderr.write(`chaos stopped early: ${fatal}\n`);
  const bad = report.rows.filter(failed);
  for (const r of bad)
    process.stderr.write(`FAILED ${r.pipeline} ${r.name}: lost ${r.lost}, duplicated ${r.duplicates}, mismatched fields ${r.mismatchedFields}, unbalanced ${r.conservation.join('; ') || 'none'}, rejects without reason ${r.bareRejects}${r.error ? `, not finished: ${r.error}` : ''}; ${r.examples.join('; ')}\n`);
  return bad.length || fatal ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
