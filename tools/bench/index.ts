/**
 * `npm run bench [-- --full | sizes...]`: every stage measured beside its physical limit in the
 * same run, on this machine, printed as one table and written to .bench/results.json.
 *
 *   extract    our extract of a leads file vs `psql \copy` of the same file (ratio >= 0.7)
 *   transform  all leadtrekker-to-zoho models at two sizes (growth <= 1.1x the data growth;
 *              the 1M build within 60 s)
 *   load       records/s into the sandbox with a set latency and concurrency vs the ceiling
 *              concurrency x 100 / latency (ratio >= 0.9); write calls per 100 records (<= 1.02)
 *   memory     peak RSS of each stage's process (<= 300 MB, flat as the input grows)
 *   e2e        export -> sandbox org through the CLI, total time
 *   startup    the command line's fixed costs: `--help`, `list` (<= 1 s) and a step that does
 *              nothing (<= 2 s: start-up, database, run bookkeeping), as `npx crm-migrate` runs
 *
 * Everything runs in databases of its own (crm_bench_<pid>_*), created on the server the tool
 * uses (DATABASE_URL, else the embedded one) and dropped at the end: a user's data is never
 * touched. Generated exports are cached in .bench/data/ (same seed and size: same bytes).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { projectRoot } from '../../engine/paths.ts';
import { ensureEmbeddedServer } from '../../engine/db/embedded.ts';
import { embeddedHome } from '../../engine/db/connection.ts';
import { openDb } from '../../engine/db/connection.ts';
import { migrateToLatest } from '../../engine/db/migrate.ts';
import { generate } from '../generate/index.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { judged, renderMarkdown, renderTable, type Figure } from './report.ts';
import type { StageReport } from './stage.ts';

export interface BenchOptions {
  full: boolean;
  /** Leads in the export whose leads.csv is the extract figure's file. */
  extractLeads: number;
  /** Turns each of `psql \copy` and our extract takes at that file; each keeps its best. */
  extractRounds: number;
  /** Two sizes (leads) for the transform growth figure; memory is read at both. */
  transformSizes: [number, number];
  loadLeads: number;
  latencyMs: number;
  /** Load runs: each concurrency on each path. */
  concurrencies: number[];
  loadPaths: ('batch' | 'bulk')[];
  e2eLeads: number;
  only: Set<string>;
  seed: string;
  out: string;
  dataDir: string;
  keepData: boolean;
  /** Leave the benchmark databases for inspection (their names are in results.json). */
  keepDb: boolean;
  log: (msg: string) => void;
}

export const QUICK = { extractLeads: 1_000_000, extractRounds: 3, transformSizes: [5_000, 50_000] as [number, number], loadLeads: 2_000, e2eLeads: 1_000 };
export const FULL = { extractLeads: 1_000_000, extractRounds: 5, transformSizes: [100_000, 1_000_000] as [number, number], loadLeads: 10_000, e2eLeads: 100_000 };
export const STAGES = ['extract', 'transform', 'load', 'e2e', 'startup'];

const MB = 1024 * 1024;
/**
 * Generated exports name owners the sandbox org has no user for (on purpose); the loads here
 * give those records a fallback owner so every record is written, not queued for a person.
 */
const FALLBACK_OWNER = 'thandi@ltk-demo.co.za';
/** The record-write endpoints of leadtrekker-to-zoho (the calls the load ceiling is about). */
const WRITE_PATHS = [...new Set(leadtrekkerToZoho.objects.filter((x) => !x.attachment).map((x) => `/crm/v8/${x.module}/upsert`))];

// ---------------------------------------------------------------- databases

/** The server the tool itself would use: DATABASE_URL's, else the embedded one. */
async function adminUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  return (await ensureEmbeddedServer(embeddedHome())).adminUrl;
}

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

class BenchDbs {
  private made: string[] = [];
  /** Every database this run created (all dropped by the end). */
  readonly created: string[] = [];
  constructor(private readonly admin: string) {}
  async create(suffix: string): Promise<string> {
    const name = `crm_bench_${process.pid}_${suffix}`;
    const c = new pg.Client({ connectionString: this.admin });
    await c.connect();
    try {
      await c.query(`drop database if exists ${name} with (force)`);
      await c.query(`create database ${name}`);
    } finally {
      await c.end();
    }
    this.made.push(name);
    this.created.push(name);
    const url = withDb(this.admin, name);
    const db = openDb(url, 2);
    try {
      await migrateToLatest(db.kysely);
    } finally {
      await db.close();
    }
    return url;
  }
  /** A copy of a database this run made (CREATE DATABASE ... TEMPLATE: no connection may be open to it). */
  async clone(suffix: string, fromUrl: string): Promise<string> {
    const name = `crm_bench_${process.pid}_${suffix}`;
    const from = new URL(fromUrl).pathname.slice(1);
    const c = new pg.Client({ connectionString: this.admin });
    await c.connect();
    try {
      await c.query(`drop database if exists ${name} with (force)`);
      await c.query(`create database ${name} template ${from}`);
    } finally {
      await c.end();
    }
    this.made.push(name);
    this.created.push(name);
    return withDb(this.admin, name);
  }
  async drop(url: string): Promise<void> {
    if (this.keep) return;
    const name = new URL(url).pathname.slice(1);
    const c = new pg.Client({ connectionString: this.admin });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await c.end();
    this.made = this.made.filter((n) => n !== name);
  }
  keep = false;
  async dropAll(): Promise<void> {
    if (this.keep) return;
    const c = new pg.Client({ connectionString: this.admin });
    await c.connect().catch(() => {});
    for (const name of this.made.splice(0)) await c.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await c.end().catch(() => {});
  }
}

// ---------------------------------------------------------------- processes

interface Ran {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>, logFile?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (logFile) writeFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n`, { flag: 'a' });
      resolve({ ms: performance.now() - t0, code: code ?? 1, stdout, stderr });
    });
  });
}

interface StageCtx {
  out: string;
  log: (m: string) => void;
}

/** Run a stage (tools/bench/stage.ts) in a child process; its report includes its peak RSS. */
async function stage(ctx: StageCtx, dbUrl: string, name: string, args: string[], env: Record<string, string> = {}): Promise<StageReport> {
  const report = path.join(ctx.out, `stage-${process.pid}-${Date.now()}.json`);
  const r = await run(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'tools', 'bench', 'stage.ts'), name, ...args], { ...env, DATABASE_URL: dbUrl, BENCH_REPORT: report }, path.join(ctx.out, 'bench.log'));
  if (!existsSync(report) || (r.code !== 0 && name !== 'cli')) throw new Error(`bench stage ${name} ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  const rep = JSON.parse(readFileSync(report, 'utf8')) as StageReport & { stdout?: string; stderr?: string };
  rmSync(report, { force: true });
  if (rep.exitCode) throw new Error(`${name} ${args.join(' ')} exited ${rep.exitCode}:\n${r.stderr.slice(-3000)}`);
  rep.stdout = r.stdout;
  rep.stderr = r.stderr;
  return rep;
}

// ---------------------------------------------------------------- data

async function exportOf(o: BenchOptions, leads: number): Promise<string> {
  const dir = path.join(o.dataDir, `leadtrekker-${leads}-seed-${o.seed}`);
  const done = path.join(dir, '.complete');
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  o.log(`generating a Leadtrekker export of ${leads.toLocaleString('en-US')} leads in ${path.relative(projectRoot, dir)} ...`);
  const t0 = performance.now();
  const r = await generate({ source: 'leadtrekker', outDir: dir, size: leads, seed: o.seed });
  writeFileSync(done, JSON.stringify(r.files));
  o.log(`  ${Object.entries(r.files).map(([f, n]) => `${f} ${n}`).join(', ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return dir;
}

/** psql: $PSQL, else on the PATH, else /usr/bin/psql; undefined when there is none (or PSQL=none). */
function findPsql(): string | undefined {
  if (process.env.PSQL === 'none') return undefined;
  const candidates = [process.env.PSQL, ...(process.env.PATH ?? '').split(path.delimiter).map((d) => d && path.join(d, 'psql')), '/usr/bin/psql'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

async function warm(file: string): Promise<void> {
  // Both contenders read the file from the page cache: read it once first.
  for await (const _ of createReadStream(file, { highWaterMark: 4 * MB })) void _;
}

// ---------------------------------------------------------------- stages

async function benchExtract(o: BenchOptions, dbs: BenchDbs, figures: Figure[], memory: Figure[], raw: Record<string, unknown>): Promise<void> {
  const dir = await exportOf(o, o.extractLeads);
  const file = path.join(dir, 'leads.csv');
  const url = await dbs.create('extract');
  await warm(file);
  const ctx = { out: o.out, log: o.log };

  // psql \copy into a plain table of text columns, as many as the header has.
  const head = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  const got = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  // Only the first line: reading the whole file here would make this process large, and Linux
  // hands a parent's peak memory on to the children it spawns (their getrusage maxRSS).
  const header = head.subarray(0, got).toString('latin1').split(/\r?\n/)[0]!.split(';');
  const cols = header.map((_, i) => `c${i + 1} text`).join(', ');
  const copySql = (src: string) => `copy bench_copy from ${src} with (format csv, header true, delimiter ';', encoding 'WIN1252')`;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`create table bench_copy (${cols})`);
  await db.end();
  const psql = findPsql();
  const how = psql ? 'psql \\copy' : 'COPY FROM STDIN';
  if (!psql) o.log(`extract: psql not found (set PSQL=path); timing COPY FROM STDIN from this process instead`);
  const copyOnce = async (): Promise<{ ms: number; rows: number }> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('truncate bench_copy');
      if (psql) {
        const r = await run(psql, [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\${copySql(`'${file.replace(/'/g, "''")}'`)}`], {});
        if (r.code) throw new Error(`psql \\copy failed: ${r.stderr}`);
        return { ms: r.ms, rows: Number(/COPY (\d+)/.exec(r.stdout)?.[1] ?? NaN) };
      }
      // No psql on this machine: what \copy does (the file's bytes, untouched, into COPY FROM STDIN).
      const t0 = performance.now();
      const stream = c.query(copyFrom(copySql('stdin')));
      await pipeline(createReadStream(file, { highWaterMark: MB }), stream);
      return { ms: performance.now() - t0, rows: Number(stream.rowCount) };
    } finally {
      await c.end();
    }
  };

  // Both contenders take turns, EXTRACT_ROUNDS times, and each keeps its best time: on a shared
  // machine one run of either can be slowed by the disk or another process.
  const copies: { ms: number; rows: number }[] = [];
  const oursRuns: StageReport[] = [];
  // Before each timed run the server writes out what the previous one left in its buffers
  // (CHECKPOINT), so neither contender pays for the other's writes; and they swap places each round.
  const settle = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('checkpoint').catch(() => {}); // needs a superuser or pg_checkpoint; best effort
    await c.end();
  };
  const runCopy = async () => {
    await settle();
    copies.push(await copyOnce());
  };
  const runOurs = async () => {
    await settle();
    oursRuns.push(await stage(ctx, url, 'extract-file', [file]));
  };
  for (let round = 1; round <= o.extractRounds; round++) {
    const copyFirst = round % 2 === 1;
    o.log(`extract: round ${round} of ${o.extractRounds}: ${copyFirst ? `${how}, then our extract` : `our extract, then ${how}`} of ${path.basename(file)} ...`);
    for (const go of copyFirst ? [runCopy, runOurs] : [runOurs, runCopy]) await go();
  }
  const copy = copies.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ours = oursRuns.reduce((a, b) => (b.ms < a.ms ? b : a));
  const maxRssKb = Math.max(...oursRuns.map((r) => r.maxRssKb));
  const copyRows = copy.rows;
  const bytes = ours.bytes!;
  const oursRps = (ours.rows! * 1000) / ours.ms;
  const copyRps = (copyRows * 1000) / copy.ms;
  const mbps = (ms: number) => bytes / MB / (ms / 1000);
  const rows = ours.rows!.toLocaleString('en-US');
  const all = (xs: { ms: number }[]) => (xs.length > 1 ? `; best of ${xs.map((x) => (x.ms / 1000).toFixed(1)).join(', ')} s` : '');
  figures.push({ stage: 'extract', label: `our extract, ${rows} rows`, value: oursRps, unit: 'rows/s', detail: `${mbps(ours.ms).toFixed(1)} MB/s, ${(ours.ms / 1000).toFixed(1)} s, path ${ours.method}${ours.fallback ? ` (fallback: ${ours.fallback})` : ''}${all(oursRuns)}` });
  figures.push({ stage: 'extract', label: `${how}, same file`, value: copyRps, unit: 'rows/s', detail: `${mbps(copy.ms).toFixed(1)} MB/s, ${(copy.ms / 1000).toFixed(1)} s, ${(bytes / MB).toFixed(0)} MB file${all(copies)}` });
  figures.push(judged({ stage: 'extract', label: `our extract / ${psql ? '\\copy' : 'COPY'}`, value: oursRps / copyRps, unit: 'x' }, '>=', 0.7));
  memory.push(judged({ stage: 'memory', label: `extract of the leads file, ${rows} rows`, value: maxRssKb / 1024, unit: 'MB' }, '<=', 300));
  raw.extract = {
    file, bytes, rows: ours.rows, ours_ms: ours.ms, copy_ms: copy.ms, copy_rows: copyRows, method: ours.method, fallback: ours.fallback, max_rss_kb: maxRssKb,
    rounds: o.extractRounds, ours_ms_all: oursRuns.map((r) => Math.round(r.ms)), copy_ms_all: copies.map((r) => Math.round(r.ms)),
  };
  await dbs.dropAll();
}

async function benchTransform(o: BenchOptions, dbs: BenchDbs, figures: Figure[], memory: Figure[], raw: Record<string, unknown>): Promise<void> {
  const ctx = { out: o.out, log: o.log };
  const url = await dbs.create('transform');
  const res: { leads: number; extract: StageReport; transform: StageReport }[] = [];
  for (const leads of o.transformSizes) {
    const dir = await exportOf(o, leads);
    o.log(`transform: extracting the ${leads.toLocaleString('en-US')}-lead export ...`);
    const extract = await stage(ctx, url, 'extract', [dir]);
    o.log(`transform: building every leadtrekker-to-zoho model ...`);
    const transform = await stage(ctx, url, 'transform', []);
    res.push({ leads, extract, transform });
  }
  const [a, b] = res as [(typeof res)[0], (typeof res)[0]];
  const n = (x: number) => (x >= 1e6 && x % 1e6 === 0 ? `${x / 1e6}M` : x >= 1000 && x % 1000 === 0 ? `${x / 1000}k` : String(x));
  const top = (r: StageReport) => (r.models ?? []).slice(0, 3).map((m) => `${m.id} ${(m.ms / 1000).toFixed(1)} s`).join(', ');
  const line = (r: (typeof res)[0]) =>
    `${r.extract.rows!.toLocaleString('en-US')} raw rows -> ${r.transform.rows!.toLocaleString('en-US')} load rows; models ${((r.transform.buildMs ?? 0) / 1000).toFixed(1)} s; slowest: ${top(r.transform)}`;
  figures.push({ stage: 'transform', label: `all models + every load view, ${n(a.leads)} leads`, value: a.transform.ms / 1000, unit: 's', detail: line(a) });
  figures.push({ stage: 'transform', label: `all models + every load view, ${n(b.leads)} leads`, value: b.transform.ms / 1000, unit: 's', detail: line(b) });
  const growth = b.leads / a.leads;
  figures.push(judged({ stage: 'transform', label: `growth for ${growth.toFixed(0)}x the data`, value: b.transform.ms / a.transform.ms, unit: 'x' }, '<=', Math.round(growth * 1.1 * 10) / 10));
  figures.push(judged({ stage: 'transform', label: '1M-lead build', value: b.leads === 1_000_000 ? b.transform.ms / 1000 : null, unit: 's', detail: b.leads === 1_000_000 ? '' : 'measured only with --full' }, '<=', 60, b.leads === 1_000_000));

  for (const [label, pick] of [['extract (whole export)', (r: (typeof res)[0]) => r.extract], ['transform', (r: (typeof res)[0]) => r.transform]] as const) {
    const small = pick(a).maxRssKb / 1024;
    const big = pick(b).maxRssKb / 1024;
    memory.push(judged({ stage: 'memory', label: `${label}, ${n(b.leads)} leads`, value: big, unit: 'MB', detail: `${n(a.leads)} leads: ${small.toFixed(0)} MB` }, '<=', 300));
    memory.push(judged({ stage: 'memory', label: `${label}, growth ${n(a.leads)} -> ${n(b.leads)}`, value: big / small, unit: 'x', detail: 'flat: peak RSS barely moves with 10x the input' }, '<=', 1.25));
  }
  raw.transform = res.map((r) => ({ leads: r.leads, raw_rows: r.extract.rows, extract_ms: r.extract.ms, extract_rss_kb: r.extract.maxRssKb, transform_ms: r.transform.ms, build_ms: r.transform.buildMs, load_rows: r.transform.rows, transform_rss_kb: r.transform.maxRssKb, models: r.transform.models }));
  await dbs.dropAll();
}

/** `pipelines/run.ts sandbox zoho` in a child process on a free port; stop() ends that child. */
async function startSandboxProcess(dbUrl: string, env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'pipelines', 'run.ts'), 'sandbox', 'zoho', '--port', '0'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, DATABASE_URL: dbUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => /^https?:\/\//.test(l.trim()));
      if (line) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`sandbox process exited ${code}: ${err.slice(-2000)}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** extract, transform, setup --apply, users: the steps before a load, through the CLI. */
async function prepare(ctx: StageCtx, url: string, dir: string, env: Record<string, string>, times?: Record<string, { ms: number; rssMb: number }>): Promise<void> {
  for (const step of [['extract'], ['transform'], ['setup', '--apply'], ['users']]) {
    const r = await stage(ctx, url, 'cli', ['leadtrekker-to-zoho', ...step, ...(step[0] === 'extract' ? ['--input', dir] : [])], env);
    if (times) times[step[0]!] = { ms: r.ms, rssMb: r.maxRssKb / 1024 };
  }
}

/** One load of the prepared org: concurrency and path (records API in batches, or Bulk Write jobs). */
interface LoadRun {
  concurrency: number;
  path: 'batch' | 'bulk';
  records: number;
  /** Objects' load time: the sum over objects of plan start to plan done. */
  span_s: number;
  write_calls: number;
  /** Bulk path: jobs created and files uploaded (counted in write_calls). */
  bulk_jobs: number;
  avg_answer_ms: number;
  /** Sum of every call's answer time over the window from the load's first call to its last. */
  in_flight: number;
  load_step_ms: number;
  max_rss_kb: number;
}

async function benchLoad(o: BenchOptions, dbs: BenchDbs, figures: Figure[], memory: Figure[], raw: Record<string, unknown>): Promise<void> {
  const ctx = { out: o.out, log: o.log };
  const dir = await exportOf(o, o.loadLeads);
  const prepared = await dbs.create('load');
  // One variable for the sandbox: per-call latency (on the record writes the figure measures;
  // reads, metadata and uploads answer at the emulator's own speed) and the org's concurrency.
  const sandboxEnv = (c: number) => ({ CRM_SANDBOX_FAULTS: JSON.stringify({ latencyMs: o.latencyMs, concurrency: c, paths: WRITE_PATHS }) });
  o.log(`load: preparing ${o.loadLeads.toLocaleString('en-US')} leads (extract, transform, setup, users) ...`);
  await prepare(ctx, prepared, dir, sandboxEnv(Math.max(...o.concurrencies)));
  const runs: LoadRun[] = [];
  for (const loadPath of o.loadPaths)
    for (const c of o.concurrencies) {
      // Each load starts from the same prepared database (a copy), so the runs compare.
      const url = await dbs.clone(`load_${loadPath}_${c}`, prepared);
      const env = {
        ...sandboxEnv(c),
        ZOHO_CONCURRENCY: String(c),
        // batch: every record through the 100-record calls the ceiling is computed for; bulk:
        // objects of 1,000+ records in jobs, one per worker (modules Bulk Write takes).
        ZOHO_BULK_THRESHOLD: loadPath === 'bulk' ? '1000' : String(Number.MAX_SAFE_INTEGER),
        CRM_BULK_MIN_CHUNK: '100',
        ZOHO_BULK_POLL_MS: '1000',
      };
      o.log(`load: ${loadPath} path, ${o.latencyMs} ms per write call, concurrency ${c} ...`);
      const before = await pgOne(url, `select coalesce(max(id), 0)::bigint as id from sandbox_zoho.request_log`);
      // The sandbox answers from a process of its own, as a remote API would: in the loader's
      // process its request handling would share one event loop with the loader.
      const sb = await startSandboxProcess(url, env);
      let r: StageReport;
      try {
        r = await stage(ctx, url, 'cli', ['leadtrekker-to-zoho', 'load', '--input', dir, '--workers', String(c), '--fallback-owner', FALLBACK_OWNER, '--json'], { ...env, ZOHO_API_DOMAIN: sb.url, ZOHO_ACCOUNTS_URL: sb.url });
      } finally {
        await sb.stop();
      }
      const w = await pgOne(
        url,
        `with l as (select * from sandbox_zoho.request_log where id > $1),
              w as (select * from l where (method in ('POST','PUT','PATCH') and status < 500 and path ~ '^/crm/v8/[A-Za-z_]+(/upsert)?$' and path !~ '^/crm/v8/(coql|settings|users)')
                                      or (method = 'POST' and path in ('/crm/bulk/v8/write', '/crm/v8/upload')))
         select (select count(*)::int from w) as write_calls,
                (select count(*)::int from w where path like '/crm/bulk/%') as bulk_jobs,
                (select coalesce(avg(latency_ms), 0)::float8 from w where path !~ '^/crm/(bulk/v8/write|v8/upload)$') as avg_answer_ms,
                (select coalesce(sum(latency_ms), 0)::float8 / 1000 / greatest(0.001, extract(epoch from max(at) - min(at - make_interval(secs => latency_ms / 1000.0))))::float8 from l) as in_flight,
                (select count(*)::int from etl.id_map where object <> 'attachments') as records,
                (select coalesce(sum(extract(epoch from finished_at - created_at)), 0)::float8 from etl.load_plans where status = 'done' and object <> 'attachments') as span_s`,
        [before.id],
      );
      runs.push({ concurrency: c, path: loadPath, ...w, load_step_ms: r.ms, max_rss_kb: r.maxRssKb } as LoadRun);
      await dbs.drop(url);
    }
  for (const x of runs) {
    const tag = `${x.path}, concurrency ${x.concurrency}`;
    const rps = x.records / Math.max(0.001, x.span_s);
    const ceiling = (x.concurrency * 100 * 1000) / o.latencyMs;
    const measured = (x.concurrency * 100 * 1000) / Math.max(1, x.avg_answer_ms);
    figures.push({ stage: 'load', label: `records/s, ${tag}`, value: rps, unit: 'rec/s', detail: `${x.records.toLocaleString('en-US')} records in ${x.write_calls} write calls${x.bulk_jobs ? ` (${x.bulk_jobs} bulk jobs)` : ''}; objects ${x.span_s.toFixed(1)} s, whole step ${(x.load_step_ms / 1000).toFixed(1)} s` });
    figures.push({ stage: 'load', label: `calls in flight on average, ${tag}`, value: x.in_flight, unit: '', detail: `of ${x.concurrency}; from the sandbox request log (answer times / window)` });
    figures.push({ stage: 'load', label: `sandbox answer time per write call, ${tag}`, value: x.avg_answer_ms, unit: 'ms', detail: `set latency ${o.latencyMs} ms` });
    if (x.path === 'batch') {
      figures.push({ stage: 'load', label: `records/s / (concurrency x 100 / set latency), ${tag}`, value: rps / ceiling, unit: 'x', detail: `ceiling ${ceiling.toFixed(0)} rec/s` });
      figures.push(judged({ stage: 'load', label: `records/s / (concurrency x 100 / measured answer time), ${tag}`, value: rps / measured, unit: 'x', detail: `ceiling ${measured.toFixed(0)} rec/s at ${x.avg_answer_ms.toFixed(0)} ms` }, '>=', 0.9));
    } else figures.push({ stage: 'load', label: `records/s / batch ceiling at the measured answer time, ${tag}`, value: rps / measured, unit: 'x', detail: 'bulk jobs are not bound by that ceiling' });
    figures.push(judged({ stage: 'load', label: `write calls per 100 records, ${tag}`, value: (x.write_calls * 100) / Math.max(1, x.records), unit: '', detail: x.path === 'bulk' ? 'uploads, jobs and record calls; modules Bulk Write does not take go in batches' : '' }, '<=', 1.02));
    memory.push(judged({ stage: 'memory', label: `load, ${o.loadLeads.toLocaleString('en-US')} leads, ${tag}`, value: x.max_rss_kb / 1024, unit: 'MB' }, '<=', 300));
  }
  raw.load = { leads: o.loadLeads, latency_ms: o.latencyMs, runs };
  await dbs.dropAll();
}

async function pgOne(url: string, sql: string, params: unknown[] = []): Promise<Record<string, any>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows[0];
  } finally {
    await c.end();
  }
}

async function benchE2e(o: BenchOptions, dbs: BenchDbs, figures: Figure[], memory: Figure[], raw: Record<string, unknown>): Promise<void> {
  const ctx = { out: o.out, log: o.log };
  const dir = await exportOf(o, o.e2eLeads);
  const url = await dbs.create('e2e');
  o.log(`e2e: ${o.e2eLeads.toLocaleString('en-US')} leads from export to the sandbox org (extract, transform, setup, users, load) ...`);
  const times: Record<string, { ms: number; rssMb: number }> = {};
  const t0 = performance.now();
  await prepare(ctx, url, dir, {}, times);
  const l = await stage(ctx, url, 'cli', ['leadtrekker-to-zoho', 'load', '--input', dir, '--fallback-owner', FALLBACK_OWNER, '--json'], {});
  times.load = { ms: l.ms, rssMb: l.maxRssKb / 1024 };
  const total = (performance.now() - t0) / 1000;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const loaded = (await db.query(`select count(*)::int as n from etl.id_map`)).rows[0].n as number;
  await db.end();
  const steps = Object.entries(times).map(([k, v]) => `${k} ${(v.ms / 1000).toFixed(1)} s`).join(', ');
  figures.push({ stage: 'e2e', label: `${o.e2eLeads.toLocaleString('en-US')} leads, export -> sandbox org`, value: total, unit: 's', detail: `${loaded.toLocaleString('en-US')} records in the org; ${steps}` });
  const peak = Math.max(...Object.values(times).map((t) => t.rssMb));
  memory.push(judged({ stage: 'memory', label: `e2e, largest step (${o.e2eLeads.toLocaleString('en-US')} leads)`, value: peak, unit: 'MB', detail: Object.entries(times).map(([k, v]) => `${k} ${v.rssMb.toFixed(0)}`).join(', ') + ' MB' }, '<=', 300));
  raw.e2e = { leads: o.e2eLeads, total_s: total, records_loaded: loaded, steps: times };
  await dbs.dropAll();
}

/**
 * The command line's fixed costs, through bin/crm-migrate.mjs as npx runs it (npx adds npm's
 * own start-up, about half a second, before it). Each figure is the median of `rounds` runs;
 * the first run of all builds the bundle from scratch in a folder of its own (a source changed).
 */
async function benchStartup(o: BenchOptions, dbs: BenchDbs, figures: Figure[], raw: Record<string, unknown>): Promise<void> {
  const url = await dbs.create('startup');
  const bin = path.join(projectRoot, 'bin', 'crm-migrate.mjs');
  // Inside the project: the bundle finds its dependencies in node_modules above it.
  const buildDir = path.join(projectRoot, 'node_modules', '.cache', `crm-migrate-bench-${process.pid}`);
  const emptySql = path.join(o.out, 'startup-no-models');
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(emptySql, { recursive: true });
  const env = { DATABASE_URL: url, CRM_MIGRATE_BUILD_DIR: buildDir, CRM_MIGRATE_SQL_DIR: emptySql };
  const time = async (args: string[]) => {
    const r = await run(process.execPath, [bin, ...args], env, path.join(o.out, 'bench.log'));
    if (r.code !== 0) throw new Error(`crm-migrate ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
    return r.ms;
  };
  const rounds = 5;
  const median = async (args: string[]) => {
    const ms: number[] = [];
    for (let i = 0; i < rounds; i++) ms.push(await time(args));
    ms.sort((a, b) => a - b);
    return { median: ms[Math.floor(ms.length / 2)]!, all: ms };
  };
  o.log('startup: --help, list and a step that does nothing, 5 runs each ...');
  const cold = await time(['--help']);
  // The step: `test` over an empty models folder runs no test, so all it costs is what every
  // step costs: start-up, connecting, the migration check, the run's row in etl.runs.
  const noop = ['leadtrekker-to-zoho', 'test'];
  const firstStep = await time(noop);
  const help = await median(['--help']);
  const list = await median(['list']);
  const step = await median(noop);
  const s = (ms: number) => ms / 1000;
  figures.push({ stage: 'startup', label: 'first run after a source change (bundle rebuilt): --help', value: s(cold), unit: 's' });
  figures.push(judged({ stage: 'startup', label: '--help', value: s(help.median), unit: 's', detail: `median of ${rounds}` }, '<=', 1));
  figures.push(judged({ stage: 'startup', label: 'list', value: s(list.median), unit: 's', detail: `median of ${rounds}` }, '<=', 1));
  figures.push(
    judged({ stage: 'startup', label: 'fixed cost per step (a step that does nothing)', value: s(step.median), unit: 's', detail: `median of ${rounds}; \`test\` with no models; the first of all took ${s(firstStep).toFixed(2)} s` }, '<=', 2),
  );
  raw.startup = { cold_help_ms: cold, first_step_ms: firstStep, help_ms: help.all, list_ms: list.all, step_ms: step.all };
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(emptySql, { recursive: true, force: true });
  await dbs.dropAll();
}

// ---------------------------------------------------------------- main

export interface BenchResult {
  mode: 'quick' | 'full' | 'custom';
  command: string;
  started: string;
  finished: string;
  machine: { cpus: number; cpu: string; memory_gb: number; node: string };
  figures: Figure[];
  raw: Record<string, unknown>;
}

export async function bench(o: BenchOptions, mode: BenchResult['mode'], command: string): Promise<BenchResult> {
  mkdirSync(o.out, { recursive: true });
  const started = new Date().toISOString();
  const dbs = new BenchDbs(await adminUrl());
  dbs.keep = o.keepDb;
  const onSignal = () => {
    void dbs.dropAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const figures: Figure[] = [];
  const memory: Figure[] = [];
  const raw: Record<string, unknown> = {};
  try {
    if (o.only.has('extract')) await benchExtract(o, dbs, figures, memory, raw);
    if (o.only.has('transform')) await benchTransform(o, dbs, figures, memory, raw);
    if (o.only.has('load')) await benchLoad(o, dbs, figures, memory, raw);
    if (o.only.has('e2e')) await benchE2e(o, dbs, figures, memory, raw);
    if (o.only.has('startup')) await benchStartup(o, dbs, figures, raw);
  } finally {
    await dbs.dropAll();
    raw.databases = dbs.created;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // Memory rows sit together after the stages, then e2e, then the command line's fixed costs.
  const last = (stage: string) => figures.filter((f) => f.stage === stage);
  const all = [...figures.filter((f) => f.stage !== 'e2e' && f.stage !== 'startup'), ...memory, ...last('e2e'), ...last('startup')];
  return {
    mode,
    command,
    started,
    finished: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', memory_gb: Math.round(os.totalmem() / 1024 ** 3), node: process.version },
    figures: all,
    raw,
  };
}

const USAGE = `Usage: npm run bench [-- flags]

  (no flags)            quick: extract ${(QUICK.extractLeads / 1e6).toLocaleString("en-US")}M rows, transform ${QUICK.transformSizes.map((s) => s / 1000 + 'k').join(' & ')} leads, load ${QUICK.loadLeads} leads, e2e ${QUICK.e2eLeads} leads
  --full                extract 1M rows, transform 100k & 1M leads, load ${FULL.loadLeads} leads, e2e 100k leads
  --extract-leads N     leads in the export whose leads.csv is extracted
  --rounds N            turns \\copy and our extract each take at it, best kept (quick 3, full 5)
  --transform-sizes A,B two lead counts for the transform growth and memory figures
  --load-leads N        leads for the load figure;  --latency MS (200)
  --concurrency LIST    load concurrencies (default 5,25); --load-paths LIST  batch,bulk (default both)
  --e2e-leads N         leads for the end-to-end run
  --only LIST           some of: ${STAGES.join(',')}
  --seed S              generator seed (default 1)
  --out DIR             results folder (default .bench); results.json and bench.md are written there
  --data DIR            cached generated exports (default <out>/data)
  --clean-data          delete the generated exports at the end
  --keep-db             keep the benchmark databases (names in results.json) to look into them
`;

function parseCount(name: string, v: string | undefined, d: number): number {
  if (v === undefined) return d;
  const n = Number(v.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000'));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number (e.g. 100000, 100k, 1m), got "${v}"`);
  return n;
}

export function parseBenchArgs(argv: string[], log: (m: string) => void = (m) => process.stderr.write(m + '\n')): { opts: BenchOptions; mode: BenchResult['mode'] } | { help: true } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      full: { type: 'boolean' },
      'extract-leads': { type: 'string' },
      rounds: { type: 'string' },
      'transform-sizes': { type: 'string' },
      'load-leads': { type: 'string' },
      'e2e-leads': { type: 'string' },
      latency: { type: 'string' },
      concurrency: { type: 'string' },
      'load-paths': { type: 'string' },
      only: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      'clean-data': { type: 'boolean' },
      'keep-db': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const base = values.full ? FULL : QUICK;
  const sizes = values['transform-sizes']?.split(',').map((s) => parseCount('transform-sizes', s.trim(), 0));
  if (sizes && (sizes.length !== 2 || sizes[0]! >= sizes[1]!)) throw new Error('--transform-sizes takes two lead counts, smaller first (e.g. 10k,100k)');
  const only = new Set((values.only ?? STAGES.join(',')).split(',').map((s) => s.trim()));
  for (const s of only) if (!STAGES.includes(s)) throw new Error(`--only: unknown stage "${s}" (stages: ${STAGES.join(', ')})`);
  const custom = ['extract-leads', 'transform-sizes', 'load-leads', 'e2e-leads', 'only'].some((k) => values[k as keyof typeof values] !== undefined);
  const out = path.resolve(values.out ?? path.join(projectRoot, '.bench'));
  return {
    mode: custom ? 'custom' : values.full ? 'full' : 'quick',
    opts: {
      full: !!values.full,
      extractLeads: parseCount('extract-leads', values['extract-leads'], base.extractLeads),
      extractRounds: parseCount('rounds', values.rounds, base.extractRounds),
      transformSizes: (sizes as [number, number]) ?? base.transformSizes,
      loadLeads: parseCount('load-leads', values['load-leads'], base.loadLeads),
      e2eLeads: parseCount('e2e-leads', values['e2e-leads'], base.e2eLeads),
      latencyMs: parseCount('latency', values.latency, 200),
      concurrencies: (values.concurrency ?? '5,25').split(',').map((x) => parseCount('concurrency', x.trim(), 0)),
      loadPaths: (values['load-paths'] ?? 'batch,bulk').split(',').map((x) => {
        const p = x.trim();
        if (p !== 'batch' && p !== 'bulk') throw new Error(`--load-paths: "${p}" is neither batch nor bulk`);
        return p;
      }),
      only,
      seed: values.seed ?? '1',
      out,
      dataDir: path.resolve(values.data ?? path.join(out, 'data')),
      keepData: !values['clean-data'],
      keepDb: !!values['keep-db'],
      log,
    },
  };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if ('help' in parsed) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { opts, mode } = parsed;
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const t0 = performance.now();
  const result = await bench(opts, mode, command);
  if (!opts.keepData) rmSync(opts.dataDir, { recursive: true, force: true });
  const table = renderTable(result.figures);
  process.stdout.write(`\n${table}\n\n`);
  writeFileSync(path.join(opts.out, 'results.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(
    path.join(opts.out, 'bench.md'),
    `Measured ${result.finished.slice(0, 16).replace('T', ' ')} UTC with \`${command}\` (${mode}) on ${result.machine.cpus} cores (${result.machine.cpu}), Node ${result.machine.node}:\n\n${renderMarkdown(result.figures)}\n`,
  );
  const missed = result.figures.filter((f) => f.met === false).length;
  process.stdout.write(`${mode} bench in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${missed ? `${missed} target(s) not met` : 'every judged target met'}. Written: ${path.relative(process.cwd(), path.join(opts.out, 'results.json')) || 'results.json'}, bench.md\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(projectRoot, 'tools', 'bench', 'index.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`bench failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
