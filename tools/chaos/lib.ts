/**
 * Crash trials and a fault matrix against the sandbox destination, compared with an
 * uninterrupted reference run on the same input in a separate database.
 *
 * Databases (all created and dropped here, on the server of `adminUrl`):
 *   <tag>_base0    extract + transform done (the state before setup)
 *   <tag>_base     + setup --apply + users (the state before load)
 *   <tag>_loaded   + an uninterrupted load: the reference org
 *   <tag>_refdelta / _refrollback   the reference after delta / rollback --all
 *   <tag>_t<N>     one per trial, cloned from the state its step starts from
 *
 * A crash trial starts the step as a child CLI process (real `node` + tsx, so SIGKILL hits the
 * loader itself, with no wrapper to catch it), waits until it has begun (its run row exists),
 * sleeps a seeded random time, kills it with SIGKILL, then runs the step again to completion
 * and the steps after it. A fault trial runs the load with one kind of fault injected by the
 * sandbox until it finishes. Either way the org is compared with the reference by idempotency
 * key (record ids differ between databases): duplicates and lost records must both be 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../engine/db/connection.ts';
import { migrateToLatest } from '../../engine/db/migrate.ts';
import { projectRoot } from '../../engine/paths.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import type { StepFlags } from '../../engine/steps/context.ts';
import { runOneStep } from '../../engine/steps/run-one.ts';
import { generate, GENERATORS } from '../generate/index.ts';

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32): the same --seed gives the same trial plan and kill delays.
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Databases

export function dbUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createDb(adminUrl: string, name: string, template?: string): Promise<string> {
  await admin(adminUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`create database ${name}${template ? ` template ${template}` : ''}`);
        break;
      } catch (err) {
        // A closed pool's backends take a moment to exit; after a second, end the stragglers
        // (the template is one of our own databases, nobody else's).
        if (!template || !/being accessed by other users/.test((err as Error).message) || attempt > 40) throw err;
        if (attempt > 10) await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [template]);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return dbUrl(adminUrl, name);
}

export async function dropDbs(adminUrl: string, like: string): Promise<void> {
  await admin(adminUrl, async (c) => {
    const { rows } = await c.query(`select datname from pg_database where datname like $1`, [like]);
    for (const r of rows) await c.query(`drop database if exists ${r.datname} with (force)`).catch(() => {});
  });
}

// ---------------------------------------------------------------------------------------------
// Steps, in this process (preparation, references, resumes) or as a child CLI (crash trials).

export interface StepResult {
  ok: boolean;
  code?: string;
  message?: string;
  summary: Record<string, unknown>;
  logs: string[];
  runId: number;
}

/** Run one step in this process against `url`, like the CLI does (its own run row, destination closed at the end). */
export async function runStepIn(url: string, pipeline: PipelineDefinition, step: string, input: string, flags: Partial<StepFlags> = {}, env: Record<string, string> = {}): Promise<StepResult> {
  const db: Db = openDb(url, 6);
  try {
    const r = await runOneStep(db, pipeline, step, input, flags, env);
    const base = { summary: r.ctx.summary, logs: r.logs, runId: r.runId };
    return r.error ? { ok: false, code: r.error.code, message: r.error.message, ...base } : { ok: true, ...base };
  } finally {
    await db.close().catch(() => {});
  }
}

/** Like runStepIn, but a failure throws with the step's log. */
export async function mustRun(url: string, pipeline: PipelineDefinition, step: string, input: string, flags: Partial<StepFlags> = {}, env: Record<string, string> = {}): Promise<StepResult> {
  const r = await runStepIn(url, pipeline, step, input, flags, env);
  if (!r.ok) throw new Error(`${step} failed (${r.code}): ${r.message}\n${r.logs.slice(-15).join('\n')}`);
  return r;
}

export interface KillResult {
  /** The child finished on its own before the kill moment. */
  finished: boolean;
  /** ms from the step's start (its run row) to the kill. */
  killedAfterMs: number;
  exitCode: number | null;
  /** Records in the org when the child started and at the moment of the kill (mid-write or not yet). */
  recordsBefore: number;
  recordsAtKill: number;
}

/**
 * Start `tsx pipelines/run.ts <pipeline> <args>` as one node process and SIGKILL it `delayMs`
 * after its run row appears (tsx's start-up time is not part of the random moment).
 */
export async function killDuring(url: string, pipeline: string, args: string[], env: Record<string, string>, delayMs: number): Promise<KillResult> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const before = (await pool.query(`select coalesce(max(run_id), 0)::int as n from etl.runs`)).rows[0].n as number;
  const orgCount = async () => (await pool.query(`select count(*)::int as n from sandbox_zoho.records`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n as number;
  const recordsBefore = await orgCount();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'pipelines', 'run.ts'), pipeline, ...args, '--json'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.on('exit', (code) => ((exitCode = code), resolve())));
  try {
    const deadline = Date.now() + 120_000;
    while (exitCode === undefined && Date.now() < deadline) {
      const n = (await pool.query(`select count(*)::int as n from etl.runs where run_id > $1`, [before])).rows[0].n as number;
      if (n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const t0 = Date.now();
    await Promise.race([exited, new Promise((r) => setTimeout(r, delayMs))]);
    const finished = exitCode !== undefined;
    if (!finished) child.kill('SIGKILL');
    await exited;
    const recordsAtKill = await orgCount();
    if (finished && exitCode !== 0) throw new Error(`${pipeline} ${args.join(' ')} failed on its own (exit ${exitCode}) before the kill:\n${stderr}`);
    return { finished, killedAfterMs: Date.now() - t0, exitCode: exitCode ?? null, recordsBefore, recordsAtKill };
  } finally {
    if (exitCode === undefined) child.kill('SIGKILL');
    await pool.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The org, keyed by idempotency key so two databases' orgs compare.

export interface OrgPrint {
  /** `<module>:<key>` -> canonical record (lookup ids replaced by the target's key). */
  records: Map<string, string>;
  /** Records beyond the first with the same key (per key). */
  duplicateKeys: string[];
  /** Records with no idempotency key at all (the pipeline writes none). */
  unkeyed: number;
  /** `<parent key>|<file name>|<size>` -> count. */
  attachments: Map<string, number>;
  /** `<module>.<field>` -> type + picklist values. */
  fields: Map<string, string>;
}

const VOLATILE = new Set(['Created_Time', 'Modified_Time', 'Converted_Date_Time', 'Last_Activity_Time', 'id']);

function canonical(v: unknown, idKey: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x, idKey));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) {
      if (k === 'id' && typeof o.id === 'string' && idKey.has(o.id)) out.id = `@${idKey.get(o.id)}`;
      else out[k] = canonical(o[k], idKey);
    }
    return out;
  }
  return v;
}

/** Zoho sandbox org (schema sandbox_zoho), keyed by CRM_Migrate_Key. */
export async function printZohoOrg(url: string, keyField = 'CRM_Migrate_Key'): Promise<OrgPrint> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const recs = (await pool.query(`select module, id, data from sandbox_zoho.records order by module, id`)).rows;
    const idKey = new Map<string, string>();
    for (const r of recs) if (r.data?.[keyField]) idKey.set(r.id, `${r.module}:${r.data[keyField]}`);
    const out: OrgPrint = { records: new Map(), duplicateKeys: [], unkeyed: 0, attachments: new Map(), fields: new Map() };
    for (const r of recs) {
      const key = r.data?.[keyField];
      if (!key) {
        out.unkeyed++;
        continue;
      }
      const k = `${r.module}:${key}`;
      const data: Record<string, unknown> = {};
      for (const [f, v] of Object.entries(r.data as Record<string, unknown>)) if (!VOLATILE.has(f)) data[f] = v;
      if (out.records.has(k)) out.duplicateKeys.push(k);
      else out.records.set(k, JSON.stringify(canonical(data, idKey)));
    }
    for (const a of (await pool.query(`select module, record_id, file_name, size from sandbox_zoho.attachments`)).rows) {
      const k = `${idKey.get(a.record_id) ?? `${a.module}:#${a.record_id}`}|${a.file_name}|${a.size}`;
      out.attachments.set(k, (out.attachments.get(k) ?? 0) + 1);
    }
    for (const f of (await pool.query(`select module, api_name, data from sandbox_zoho.fields`)).rows) {
      const pick = Array.isArray(f.data.pick_list) ? [...f.data.pick_list.map((o: { display_value: string }) => o.display_value)].sort() : null;
      out.fields.set(`${f.module}.${f.api_name}`, JSON.stringify([f.data.data_type, pick]));
    }
    return out;
  } finally {
    await pool.end();
  }
}

export interface Comparison {
  duplicates: number;
  lost: number;
  /** Missing records the run rejected with a reason (partial batch failures): accounted, not lost. */
  rejectedWithReason: number;
  /** Same key, other content. */
  differing: number;
  /** Fields or picklist values of the reference missing in the trial. */
  missingFields: number;
  examples: string[];
}

/**
 * Compare a trial's org with the reference. Duplicates: a key on two records, a record with a
 * key the reference does not have, an unkeyed record beyond the reference's, an attachment
 * uploaded twice. Lost: a reference record or attachment missing, unless the trial's latest
 * outcome for its source key is a reject with a reason code.
 */
export async function compareOrgs(ref: OrgPrint, trial: OrgPrint, trialUrl: string): Promise<Comparison> {
  const c: Comparison = { duplicates: 0, lost: 0, rejectedWithReason: 0, differing: 0, missingFields: 0, examples: [] };
  const ex = (s: string) => c.examples.length < 8 && c.examples.push(s);
  c.duplicates += trial.duplicateKeys.length;
  trial.duplicateKeys.forEach((k) => ex(`duplicate key ${k}`));
  c.duplicates += Math.max(0, trial.unkeyed - ref.unkeyed);
  if (trial.unkeyed > ref.unkeyed) ex(`${trial.unkeyed - ref.unkeyed} extra record(s) without a key`);
  for (const k of trial.records.keys())
    if (!ref.records.has(k)) {
      c.duplicates++;
      ex(`extra record ${k}`);
    }
  const pool = new pg.Pool({ connectionString: trialUrl, max: 1 });
  let rejected = new Set<string>();
  try {
    const { rows } = await pool.query(
      `select distinct on (object, source_key) source_key, action, reason_code from etl.load_log order by object, source_key, id desc`,
    );
    rejected = new Set(rows.filter((r) => r.action === 'reject' && r.reason_code).map((r) => r.source_key as string));
  } catch {
    rejected = new Set();
  } finally {
    await pool.end();
  }
  for (const [k, v] of ref.records) {
    const t = trial.records.get(k);
    if (t === undefined) {
      const sourceKey = k.slice(k.indexOf(':') + 1);
      if (rejected.has(sourceKey)) c.rejectedWithReason++;
      else {
        c.lost++;
        ex(`lost record ${k}`);
      }
    } else if (t !== v) c.differing++;
  }
  for (const [k, n] of trial.attachments) {
    const r = ref.attachments.get(k) ?? 0;
    if (n > r) {
      c.duplicates += n - r;
      ex(`attachment ${k} x${n} (reference x${r})`);
    }
  }
  for (const [k, n] of ref.attachments) {
    const t = trial.attachments.get(k) ?? 0;
    if (t < n) {
      c.lost += n - t;
      ex(`lost attachment ${k}`);
    }
  }
  for (const [k, v] of ref.fields) if (trial.fields.get(k) === undefined || (trial.fields.get(k) !== v && !k.endsWith('.Owner'))) c.missingFields++;
  return c;
}

/** Every run's --json-style summary must balance: extracted = loaded + already + rejected + queued + skipped. */
export function conservationErrors(summary: Record<string, unknown>): string[] {
  type C = { object: string; extracted: number; loaded: number; already_loaded: number; rejected: number; queued: number; skipped: number };
  const objs = (summary.objects ?? []) as C[] | Record<string, C>;
  const list: C[] = Array.isArray(objs) ? objs : Object.values(objs);
  return list
    .filter((o) => o.extracted !== o.loaded + o.already_loaded + o.rejected + o.queued + o.skipped)
    .map((o) => `${o.object}: extracted ${o.extracted}, accounted ${o.loaded + o.already_loaded + o.rejected + o.queued + o.skipped}`);
}

// ---------------------------------------------------------------------------------------------
// The run

export type CrashStep = 'load' | 'setup' | 'delta' | 'rollback';

export interface TrialResult {
  name: string;
  kind: 'crash' | 'fault';
  detail: string;
  runs: number;
  duplicates: number;
  lost: number;
  rejectedWithReason: number;
  differing: number;
  bareRejects: number;
  conservation: string[];
  examples: string[];
  seconds: number;
  /** Crash trials: each kill (when, and how many records the org had then). */
  kills?: KillResult[];
}

export interface ChaosOptions {
  adminUrl: string;
  pipeline: PipelineDefinition;
  trials: number;
  seed: number;
  /** Size of the generated export (the source generator's main object). */
  size: number;
  /** Fault names to run (default all of FAULTS). */
  faults?: string[];
  /** Share of crash trials on setup / delta / rollback (the rest kill load). */
  otherSteps?: boolean;
  /** Database name prefix (default chaos_<pid>). */
  tag?: string;
  log?: (msg: string) => void;
  /** Keep the databases (debugging). */
  keep?: boolean;
  /** Most kills per crash trial before the run that finishes (default 2). */
  maxKills?: number;
}

/** Retries fast and dead workers noticed fast, so a trial takes seconds, not minutes. */
const BASE_ENV: Record<string, string> = { CRM_RETRY_BASE_MS: '10', CRM_RETRY_ATTEMPTS: '15', CRM_WORKER_STALE_SECONDS: '2', CRM_LOAD_CHUNK: '50' };

export interface FaultSpec {
  name: string;
  faults?: Record<string, unknown>;
  org?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Between runs (the credit day rolling over). */
  between?: (url: string) => Promise<void>;
  /** The first run must stop with this error code (then resume). */
  expectStop?: string;
  /** Report how many calls took longer than this (the client's timeout). */
  slowerThanMs?: number;
}

const WRITES = ['/crm/v8/'];
export const FAULTS: FaultSpec[] = [
  { name: '429 storm', faults: { rate429: 0.5, paths: WRITES } },
  { name: '5xx bursts', faults: { rate5xx: 0.35, paths: WRITES } },
  // Calls of 0-1.4 s against a client that gives up after 1 s (CRM_HTTP_TIMEOUT_MS): the
  // server still finishes the ones the client abandoned, the ambiguous case again.
  { name: 'slow responses past the client timeout', faults: { latencyMs: 700, jitterMs: 700, paths: WRITES }, env: { CRM_HTTP_TIMEOUT_MS: '1000' }, slowerThanMs: 1000 },
  { name: 'dropped before write', faults: { dropBeforeWrite: 0.25, paths: WRITES } },
  { name: 'dropped after write', faults: { dropAfterWrite: 0.3, paths: WRITES } },
  { name: 'token expiry', faults: { tokenTtlSeconds: 1, latencyMs: 150, revokeTokensEvery: 6, paths: WRITES } },
  {
    name: 'credit budget',
    // A day of as many credits as the reference load's record calls: with the metadata calls
    // on top the load cannot finish in one day, stops cleanly, the day rolls over (the
    // sandbox's credit ledger and ours are emptied) and the same command resumes. (Smaller
    // days never finish: every resumed run reads back each object's records to reconcile it,
    // which costs a credit per record before any new write.)
    env: { CRM_CREDIT_RESERVE: '0' },
    expectStop: 'CREDIT_BUDGET',
    async between(url) {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      await pool.query(`delete from sandbox_zoho.credit_ledger`).catch(() => {});
      await pool.query(`delete from etl.api_usage`).catch(() => {});
      await pool.end();
    },
  },
  { name: 'partial batch failures', faults: { recordRejectRate: 0.05, paths: WRITES } },
  { name: 'all at once', faults: { rate429: 0.1, rate5xx: 0.05, dropBeforeWrite: 0.02, dropAfterWrite: 0.05, latencyMs: 50, jitterMs: 20, tokenTtlSeconds: 2, recordRejectRate: 0.01, paths: WRITES } },
];

export interface ChaosReport {
  pipeline: string;
  seed: number;
  size: number;
  rows: TrialResult[];
  totals: { trials: number; duplicates: number; lost: number };
  referenceSeconds: number;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const tag = o.tag ?? `chaos_${process.pid}`;
  const p = o.pipeline;
  if (p.destination.name !== 'zoho') throw new Error(`chaos compares Zoho sandbox orgs; ${p.name} loads into ${p.destination.name}`);
  const gen = GENERATORS.find((g) => g.source === p.source.name);
  if (!gen) throw new Error(`no export generator for source ${p.source.name}`);
  // The runner reads these from the process environment (in-process resumes).
  for (const [k, v] of Object.entries(BASE_ENV)) process.env[k] = v;
  const rng = new Rng(o.seed);
  const work = mkdtempSync(path.join(tmpdir(), 'crm-chaos-'));
  const input = path.join(work, 'export');
  const input2 = path.join(work, 'export2');
  const rows: TrialResult[] = [];
  try {
    await generate({ source: gen.source, outDir: input, size: o.size, seed: String(o.seed) });
    // The cut-over export: the same seed with more records (new ones, some changed).
    await generate({ source: gen.source, outDir: input2, size: o.size + Math.max(3, Math.round(o.size / 10)), seed: String(o.seed) });

    log(`chaos: ${p.name}, export of ${o.size} (seed ${o.seed}), databases ${tag}_*`);
    const base0 = await createDb(o.adminUrl, `${tag}_base0`);
    {
      const db = openDb(base0, 2);
      await migrateToLatest(db.kysely);
      await db.close();
    }
    await mustRun(base0, p, 'extract', input);
    await mustRun(base0, p, 'transform', input);
    const base = await createDb(o.adminUrl, `${tag}_base`, `${tag}_base0`);
    const stepSeconds: Record<CrashStep, number> = { load: 0, setup: 0, delta: 0, rollback: 0 };
    let t = Date.now();
    await mustRun(base, p, 'setup', input, { apply: true });
    stepSeconds.setup = (Date.now() - t) / 1000;
    await mustRun(base, p, 'users', input);

    // The reference: one uninterrupted load, then (on copies) delta and rollback --all.
    const t0 = Date.now();
    const loaded = await createDb(o.adminUrl, `${tag}_loaded`, `${tag}_base`);
    const refLoad = await mustRun(loaded, p, 'load', input);
    const referenceSeconds = (Date.now() - t0) / 1000;
    stepSeconds.load = referenceSeconds;
    const conservationRef = conservationErrors(refLoad.summary);
    if (conservationRef.length) throw new Error(`the reference load does not balance: ${conservationRef.join('; ')}`);
    const refPrint = await printZohoOrg(loaded);
    log(`chaos: reference load ${referenceSeconds.toFixed(1)} s, ${refPrint.records.size} records, ${[...refPrint.attachments.values()].reduce((a, b) => a + b, 0)} attachments`);
    const refs: Record<CrashStep, OrgPrint> = { load: refPrint, setup: refPrint } as Record<CrashStep, OrgPrint>;
    if (o.otherSteps !== false && o.trials >= 4) {
      const d = await createDb(o.adminUrl, `${tag}_refdelta`, `${tag}_loaded`);
      t = Date.now();
      await mustRun(d, p, 'delta', input2);
      stepSeconds.delta = (Date.now() - t) / 1000;
      refs.delta = await printZohoOrg(d);
      const r = await createDb(o.adminUrl, `${tag}_refrollback`, `${tag}_loaded`);
      t = Date.now();
      await mustRun(r, p, 'rollback', input, { all: true });
      stepSeconds.rollback = (Date.now() - t) / 1000;
      refs.rollback = await printZohoOrg(r);
    }

    // Crash trials: mostly load; every 4th (seeded choice) setup, delta or rollback.
    const others: CrashStep[] = refs.delta ? ['setup', 'delta', 'rollback'] : [];
    for (let i = 0; i < o.trials; i++) {
      const step: CrashStep = others.length && i % 4 === 3 ? others[rng.int(0, others.length - 1)]! : 'load';
      const started = Date.now();
      const from = step === 'setup' ? `${tag}_base0` : step === 'load' ? `${tag}_base` : `${tag}_loaded`;
      const url = await createDb(o.adminUrl, `${tag}_t${i}`, from);
      const stepInput = step === 'delta' ? input2 : input;
      // delta draws a worker count too (it takes no --workers), so a seed still picks the same trials.
      const workers = step === 'setup' || step === 'rollback' ? '' : String(rng.int(1, 3));
      const args = step === 'setup' ? ['setup', '--apply'] : step === 'rollback' ? ['rollback', '--all'] : step === 'delta' ? ['delta', '--input', stepInput] : [step, '--input', stepInput, '--workers', workers];
      // Latency keeps the step running long enough to be killed anywhere in it.
      const env = { ...BASE_ENV, CRM_SANDBOX_FAULTS: JSON.stringify({ seed: o.seed + i, latencyMs: 120, jitterMs: 60 }) };
      // Somewhere in the step's own duration (its uninterrupted reference run in this process;
      // the child adds sandbox latency, so most kills land while it writes).
      const window = Math.max(1500, stepSeconds[step] * 1000 * (step === 'load' ? 0.8 : 1.2));
      const kills: KillResult[] = [];
      // One or two kills before the run that finishes.
      const nKills = rng.int(1, Math.max(1, o.maxKills ?? 2));
      for (let k = 0; k < nKills; k++) kills.push(await killDuring(url, p.name, args, env, rng.int(0, window)));
      let runs = kills.length;
      const conservation: string[] = [];
      // Resume: the same step again, then what follows it, uninterrupted.
      const rest = step === 'setup' ? ['setup', 'users', 'load'] : [step];
      for (const s of rest) {
        const r = await mustRun(url, p, s, s === 'delta' ? input2 : input, s === 'setup' ? { apply: true } : s === 'rollback' ? { all: true } : {});
        runs++;
        conservation.push(...conservationErrors(r.summary));
      }
      const cmp = await compareOrgs(refs[step], await printZohoOrg(url), url);
      const detail = `${step}, killed after ${kills.map((k) => (k.finished ? 'it finished' : `${(k.killedAfterMs / 1000).toFixed(1)}s (org ${k.recordsBefore}->${k.recordsAtKill})`)).join(', ')}`;
      rows.push({ name: `crash ${i + 1}`, kind: 'crash', detail, runs, ...cmp, bareRejects: 0, conservation, seconds: (Date.now() - started) / 1000, kills });
      log(`chaos: crash ${i + 1}/${o.trials} (${detail}): duplicates ${cmp.duplicates}, lost ${cmp.lost}${cmp.examples.length ? ` [${cmp.examples.join('; ')}]` : ''}`);
      if (!o.keep) await dropDbs(o.adminUrl, `${tag}_t${i}`);
    }

    // The fault matrix.
    const refCredits = await spentCredits(loaded);
    for (const [j, f] of FAULTS.filter((x) => !o.faults || o.faults.includes(x.name)).entries()) {
      const started = Date.now();
      const url = await createDb(o.adminUrl, `${tag}_f${j}`, `${tag}_base`);
      const env: Record<string, string> = { ...BASE_ENV, ...(f.env ?? {}) };
      if (f.faults) env.CRM_SANDBOX_FAULTS = JSON.stringify({ seed: o.seed * 31 + j, ...f.faults });
      if (f.expectStop === 'CREDIT_BUDGET') env.CRM_SANDBOX_ORG = JSON.stringify({ dailyCredits: Math.max(4, refCredits) });
      let runs = 0;
      const conservation: string[] = [];
      let stops = 0;
      let last: StepResult | undefined;
      for (; runs < 12; ) {
        last = await runStepIn(url, p, 'load', input, {}, env);
        runs++;
        if (last.ok) {
          conservation.push(...conservationErrors(last.summary));
          break;
        }
        if (f.expectStop && last.code === f.expectStop) {
          stops++;
          log(`chaos: fault ${f.name}: run ${runs} stopped cleanly (${last.code}) with ${(await printZohoOrg(url)).records.size} records in the org`);
          await f.between?.(url);
          continue;
        }
        throw new Error(`fault "${f.name}": load failed (${last.code}): ${last.message}\n${last.logs.slice(-10).join('\n')}`);
      }
      if (!last?.ok) throw new Error(`fault "${f.name}": load did not finish in ${runs} runs`);
      if (f.expectStop && !stops) throw new Error(`fault "${f.name}": the load never stopped at ${f.expectStop} (credits ${refCredits})`);
      const cmp = await compareOrgs(refPrint, await printZohoOrg(url), url);
      const bareRejects = await bareRejectCount(url);
      const injected = await injectedFaults(url, f.slowerThanMs);
      const detail = f.expectStop
        ? `${stops} clean stop(s) at ${f.expectStop}, resumed after a credit reset`
        : f.slowerThanMs
          ? `${injected} calls slower than the ${f.slowerThanMs} ms client timeout`
          : `${injected} faults injected`;
      rows.push({ name: f.name, kind: 'fault', detail, runs, ...cmp, bareRejects, conservation, seconds: (Date.now() - started) / 1000 });
      log(`chaos: fault ${f.name} (${detail}): duplicates ${cmp.duplicates}, lost ${cmp.lost}, rejected with reason ${cmp.rejectedWithReason}${cmp.examples.length ? ` [${cmp.examples.join('; ')}]` : ''}`);
      if (!o.keep) await dropDbs(o.adminUrl, `${tag}_f${j}`);
    }
    const totals = { trials: rows.length, duplicates: rows.reduce((s, r) => s + r.duplicates, 0), lost: rows.reduce((s, r) => s + r.lost, 0) };
    return { pipeline: p.name, seed: o.seed, size: o.size, rows, totals, referenceSeconds };
  } finally {
    if (!o.keep) await dropDbs(o.adminUrl, `${tag}\\_%`).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

async function spentCredits(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    // Only the load's own calls (the ledger also holds setup's metadata calls).
    const { rows } = await pool.query(`select coalesce(sum(credits), 0)::int as n from sandbox_zoho.credit_ledger where path like '/crm/v8/%' and path not like '/crm/v8/settings%'`);
    return rows[0].n as number;
  } finally {
    await pool.end();
  }
}

async function bareRejectCount(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return (await pool.query(`select count(*)::int as n from etl.rejects where stage = 'load' and (reason_code is null or reason_code = '' or message is null or message = '')`)).rows[0].n as number;
  } finally {
    await pool.end();
  }
}

async function injectedFaults(url: string, slowerThanMs?: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    if (slowerThanMs) return (await pool.query(`select count(*)::int as n from sandbox_zoho.request_log where latency_ms > $1`, [slowerThanMs])).rows[0].n as number;
    return (await pool.query(`select count(*)::int as n from sandbox_zoho.request_log where fault is not null`)).rows[0].n as number;
  } finally {
    await pool.end();
  }
}

/** The table `npm run chaos` prints. */
export function renderTable(r: ChaosReport): string {
  const head = ['trial', 'what happened', 'runs', 'duplicates', 'lost', 'rejected (reason)', 'differing', 'seconds'];
  const body = r.rows.map((x) => [x.name, x.detail, String(x.runs), String(x.duplicates), String(x.lost), String(x.rejectedWithReason), String(x.differing), x.seconds.toFixed(1)]);
  const crash = r.rows.filter((x) => x.kind === 'crash');
  const fault = r.rows.filter((x) => x.kind === 'fault');
  const sum = (xs: TrialResult[], k: 'duplicates' | 'lost') => xs.reduce((s, x) => s + x[k], 0);
  body.push(['crash trials', `${crash.length} run`, '', String(sum(crash, 'duplicates')), String(sum(crash, 'lost')), '', '', '']);
  body.push(['fault matrix', `${fault.length} faults`, '', String(sum(fault, 'duplicates')), String(sum(fault, 'lost')), '', '', '']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(w[i]!)).join(' | ') + ' |';
  return [line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...body.map(line)].join('\n');
}
