/**
 * One benchmark stage in its own process, so its peak resident memory is its own: the parent
 * (tools/bench/index.ts) runs `node --import tsx tools/bench/stage.ts <stage> ...` with
 * DATABASE_URL pointing at the benchmark's database and BENCH_REPORT naming a JSON file, where
 * this process writes its figures and `maxRssKb` (its own peak, VmHWM) on exit.
 *
 * Stages:
 *   extract-file FILE   extractFile() of one Leadtrekker leads file (the extract figure)
 *   extract DIR         extractSource() of a whole Leadtrekker export (what transform reads)
 *   transform           value maps + buildModels(force) of leadtrekker-to-zoho
 *   cli ARGS...         the real CLI (pipelines/run.ts) in this process
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDb } from '../../engine/db/connection.ts';
import { extractFile, extractSource } from '../../engine/extract/extract-source.ts';
import { buildPipelineModels } from '../../engine/steps/transform.ts';
import { viewOf } from '../../engine/pipeline.ts';
import { ident } from '../../engine/extract/headers.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';

export interface StageReport {
  stage: string;
  ms: number;
  maxRssKb: number;
  exitCode?: number;
  rows?: number;
  bytes?: number;
  method?: string;
  fallback?: string;
  models?: { id: string; ms: number }[];
  /** transform: building the models alone, before their views are read. */
  buildMs?: number;
}

async function run(stage: string, args: string[]): Promise<StageReport> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name the benchmark database');
  if (stage === 'cli') {
    const { main } = await import('../../engine/cli/main.ts');
    const { registry } = await import('../../pipelines/registry.ts');
    const t0 = performance.now();
    const exitCode = await main(args, registry);
    return { stage, ms: performance.now() - t0, maxRssKb: 0, exitCode };
  }
  const db = openDb(url, 4);
  try {
    if (stage === 'extract-file') {
      const file = args[0]!;
      const t0 = performance.now();
      const r = await extractFile(db, leadtrekker, 'leads', file, { force: true });
      return { stage, ms: performance.now() - t0, maxRssKb: 0, rows: r.landed + r.rejected, bytes: statSync(file).size, method: r.method, fallback: r.fallback };
    }
    if (stage === 'extract') {
      const dir = args[0]!;
      const t0 = performance.now();
      const rs = await extractSource(db, leadtrekker, dir, { force: true });
      return { stage, ms: performance.now() - t0, maxRssKb: 0, rows: rs.reduce((s, r) => s + r.landed + r.rejected, 0), bytes: rs.reduce((s, r) => s + (r.bytes ?? 0), 0) };
    }
    if (stage === 'transform') {
      const p = leadtrekkerToZoho;
      const models: { id: string; ms: number }[] = [];
      const t0 = performance.now();
      await buildPipelineModels(db, p, { force: true, onModel: (m, ms) => models.push({ id: m.id, ms }) });
      const buildMs = performance.now() - t0;
      // Models that are views cost nothing to build: their work happens when they are read.
      // Every view the load reads is computed in full here, so the figure is the cost of the
      // rows, however the models are materialized.
      let rows = 0;
      const client = await db.pool.connect();
      try {
        for (const obj of p.objects) {
          const t = performance.now();
          const view = viewOf(p, obj);
          // t::text makes every column of every row be computed, as the load reads them.
          const r = await client.query(`select count(*)::int as n, sum(length(t::text))::bigint as chars from ${view.split('.').map(ident).join('.')} t`);
          rows += r.rows[0].n as number;
          models.push({ id: `read ${view}`, ms: performance.now() - t });
        }
      } finally {
        client.release();
      }
      const ms = performance.now() - t0;
      models.sort((a, b) => b.ms - a.ms);
      return { stage, ms, maxRssKb: 0, models, rows, buildMs };
    }
    throw new Error(`unknown stage "${stage}"`);
  } finally {
    await db.close();
  }
}

/**
 * This process's peak resident memory. Linux keeps getrusage's maxRSS across exec, so a child
 * spawned by a large parent would report the parent's size; VmHWM belongs to this process alone.
 */
function peakRssKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

const [stage, ...args] = process.argv.slice(2);
const reportFile = process.env.BENCH_REPORT;
let code = 0;
try {
  const r = await run(stage ?? '', args);
  r.maxRssKb = peakRssKb();
  if (r.exitCode) code = r.exitCode;
  if (reportFile) writeFileSync(reportFile, JSON.stringify(r));
} catch (err) {
  process.stderr.write(`bench stage ${stage}: ${(err as Error).stack ?? err}\n`);
  code = 1;
}
process.exit(code);
