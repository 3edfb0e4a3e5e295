/**
 * Crash trials and a fault matrix against a pipeline's sandbox destination, compared with an
 * uninterrupted reference run on the same input in a separate database.
 *
 * Databases (all created and dropped here, on the server of `adminUrl`), per pipeline n:
 *   <tag>_<n>_base0    extract + transform done
 *   <tag>_<n>_base     + setup --apply + users (the state before load)
 *   <tag>_<n>_loaded   + an uninterrupted load: the reference org
 *   <tag>_<n>_refdelta / _refrollback   the reference after delta / rollback --all
 *   <tag>_<n>_t<N>     one per crash trial, cloned from the state its step starts from
 *
 * A crash trial starts the destination's sandbox as a process of its own (tools/chaos/sandbox-
 * child.ts) and the step as a child CLI process talking to it (real `node` + tsx, so SIGKILL hits
 * the loader itself), waits until the step has begun (its run row exists), sleeps a seeded random
 * time, then SIGKILLs the client, the sandbox (mid-request: the server dies half-way through a
 * write; it is started again on the same port and the client retries into it or gives up) or
 * both; once or twice. Then it runs the step again to its end. A fault trial runs the load with
 * one kind of fault injected by the sandbox, then once more without it. Either way the org, read
 * through the destination's `sandbox.dump` (module -> key -> fields, lookups by the target's key,
 * attachments by SHA-256), is compared field by field with the reference's: lost, duplicated and
 * mismatched must all be 0. Whatever fails in a trial is a finding of its row, never the end of
 * the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../engine/db/connection.ts';
import { migrateToLatest } from '../../engine/db/migrate.ts';
import { projectRoot } from '../../engine/paths.ts';
import type { OrgDump, SandboxFault } from '../../engine/destination.ts';
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
  c.on('error', () => {});
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

// ---------------------------------------------------------------------------------------------
// Child processes: the sandbox (a server of its own) and the CLI step (the client).

const tsxArgs = (script: string, args: string[]) => ['--import', 'tsx', path.join(projectRoot, script), ...args];

export interface SandboxProc {
  url: string;
  port: number;
  clientEnv: Record<string, string>;
  child: ChildProcess;
  exited: Promise<void>;
}

/** Start the pipeline's sandbox as its own process on `url`'s database (port 0: any free one). */
export async function startSandboxProc(pipeline: string, url: string, port: number, env: Record<string, string>): Promise<SandboxProc> {
  const child = spawn(process.execPath, tsxArgs('tools/chaos/sandbox-child.ts', [pipeline, String(port)]), {
    cwd: projectRoot,
    env: { ...process.env, ...env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`sandbox for ${pipeline} did not start within 60 s: ${stderr}`)), 60_000);
    child.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox for ${pipeline} exited (${code}) before listening: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  const info = JSON.parse(line) as { url: string; clientEnv: Record<string, string> };
  return { url: info.url, port: Number(new URL(info.url).port), clientEnv: info.clientEnv, child, exited };
}

async function stopProc(p: { child: ChildProcess; exited: Promise<void> } | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await p.exited;
  clearTimeout(t);
}

export interface ClientRun {
  exitCode: number | null;
  /** The error code the run printed (`--json`), if it failed on its own. */
  code?: string;
  message?: string;
  summary?: Record<string, unknown>;
  stderr: string;
}

/** A CLI step as a child process (`pipelines/run.ts <pipeline> <args> --json`). */
function spawnClient(pipeline: string, args: string[], url: string, env: Record<string, string>) {
  const child = spawn(process.execPath, tsxArgs('pipelines/run.ts', [pipeline, ...args, '--json']), {
    cwd: projectRoot,
    env: { ...process.env, ...env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const result = async (): Promise<ClientRun> => {
    await exited;
    const out: ClientRun = { exitCode: child.exitCode, stderr };
    const last = stdout.trim().split('\n').pop();
    try {
      const j = JSON.parse(last ?? '');
      if (j.error) {
        out.code = j.error.code;
        out.message = j.error.message;
      } else out.summary = j;
    } catch {
      /* killed before it printed */
    }
    return out;
  };
  return { child, exited, result };
}

/** Run a step as a child to its end (at most `attempts` times while it fails). */
export async function runClient(pipeline: string, args: string[], url: string, env: Record<string, string>, attempts = 1): Promise<ClientRun & { runs: number; failures: string[] }> {
  const failures: string[] = [];
  for (let i = 1; ; i++) {
    const r = await spawnClient(pipeline, args, url, env).result();
    if (r.exitCode === 0 || i >= attempts) return { ...r, runs: i, failures };
    failures.push(r.code ? `${r.code}: ${firstLine(r.message)}` : `exit ${r.exitCode}: ${lastLines(r.stderr)}`);
  }
}

const firstLine = (s?: string) => (s ?? '').split('\n')[0]!.slice(0, 160);
const lastLines = (s: string) => s.trim().split('\n').slice(-2).join(' | ').slice(0, 200);

export type KillTarget = 'client' | 'sandbox' | 'both';

export interface KillResult {
  target: KillTarget;
  /** The step finished on its own before the kill moment. */
  finished: boolean;
  /** ms from the step's start (its run row) to the kill. */
  killedAfterMs: number;
  /** How the interrupted client ended: killed, or on its own (exit code, error code). */
  clientEnd: string;
  /** Records in the org when the step started and after the kill (mid-write or not yet). */
  recordsBefore: number;
  recordsAtKill: number;
}

export interface TrialCtx {
  pipeline: PipelineDefinition;
  url: string;
  sandbox: SandboxProc;
  sandboxEnv: Record<string, string>;
  orgCount: () => Promise<number>;
}

/**
 * Start the step as a child CLI process against the sandbox process and, `delayMs` after its run
 * row appears, SIGKILL the client, the sandbox or both. A killed sandbox is started again on the
 * same port after `restartAfterMs` (the client, if alive, retries into it and ends on its own).
 */
export async function killDuring(t: TrialCtx, args: string[], target: KillTarget, delayMs: number, restartAfterMs: number): Promise<KillResult> {
  const pool = new pg.Pool({ connectionString: t.url, max: 1 });
  pool.on('error', () => {});
  let client: ChildProcess | undefined;
  try {
    const before = (await pool.query(`select coalesce(max(run_id), 0)::int as n from etl.runs`)).rows[0].n as number;
    const recordsBefore = await t.orgCount();
    const c = spawnClient(t.pipeline.name, args, t.url, { ...BASE_ENV, ...t.sandbox.clientEnv });
    client = c.child;
    const deadline = Date.now() + 120_000;
    while (c.child.exitCode === null && Date.now() < deadline) {
      const n = (await pool.query(`select count(*)::int as n from etl.runs where run_id > $1`, [before])).rows[0].n as number;
      if (n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const t0 = Date.now();
    await Promise.race([c.exited, new Promise((r) => setTimeout(r, delayMs))]);
    const finished = c.child.exitCode !== null;
    const killedAfterMs = Date.now() - t0;
    let clientEnd = '';
    if (!finished) {
      if (target !== 'sandbox') c.child.kill('SIGKILL');
      if (target !== 'client') {
        await stopProc(t.sandbox, 'SIGKILL');
        await new Promise((r) => setTimeout(r, restartAfterMs));
        t.sandbox = await startSandboxProc(t.pipeline.name, t.url, t.sandbox.port, t.sandboxEnv);
      }
      if (target === 'sandbox') {
        // The client lives on: it retries into the new server, or gives up with an error code.
        const cap = setTimeout(() => c.child.kill('SIGKILL'), 180_000);
        await c.exited;
        clearTimeout(cap);
      }
    }
    const r = await c.result();
    clientEnd = r.exitCode === null ? 'killed' : r.exitCode === 0 ? 'finished' : `exit ${r.exitCode}${r.code ? ` ${r.code}` : ''}`;
    return { target, finished, killedAfterMs, clientEnd, recordsBefore, recordsAtKill: await t.orgCount() };
  } finally {
    // A sandbox that would not start again leaves the client behind: it goes too.
    if (client && client.exitCode === null && client.signalCode === null) client.kill('SIGKILL');
    await pool.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing two orgs of one pipeline (OrgDump: module -> key -> fields, lookups by key).

export interface Comparison {
  /** A key on two records, a record the reference does not have, an unkeyed record beyond the reference's, an attachment uploaded twice. */
  duplicates: number;
  /** A record or attachment of the reference missing (no reject excuses it: the reference wrote it). */
  lost: number;
  /** Field values (lookup targets, attachment bytes) that differ on records both orgs hold. */
  mismatchedFields: number;
  examples: string[];
}

const show = (v: unknown) => {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
};

export function compareDumps(ref: OrgDump, trial: OrgDump, maxExamples = 8): Comparison {
  const c: Comparison = { duplicates: 0, lost: 0, mismatchedFields: 0, examples: [] };
  const ex = (s: string) => c.examples.length < maxExamples && c.examples.push(s);
  // A key the reference itself holds twice is the reference's (a source duplicate), not the trial's.
  const refDup = new Map<string, number>();
  for (const k of ref.duplicates) refDup.set(k, (refDup.get(k) ?? 0) + 1);
  for (const k of trial.duplicates) {
    if ((refDup.get(k) ?? 0) > 0) refDup.set(k, refDup.get(k)! - 1);
    else {
      c.duplicates++;
      ex(`duplicate ${k}`);
    }
  }
  for (const m of new Set([...Object.keys(ref.unkeyed), ...Object.keys(trial.unkeyed)])) {
    const extra = (trial.unkeyed[m] ?? 0) - (ref.unkeyed[m] ?? 0);
    if (extra > 0) {
      c.duplicates += extra;
      ex(`${extra} ${m} record(s) no key leads to (reference ${ref.unkeyed[m] ?? 0})`);
    } else if (extra < 0) {
      c.lost -= extra;
      ex(`${-extra} ${m} record(s) without a key missing (reference ${ref.unkeyed[m] ?? 0})`);
    }
  }
  for (const m of new Set([...Object.keys(ref.records), ...Object.keys(trial.records)])) {
    const r = ref.records[m] ?? {};
    const t = trial.records[m] ?? {};
    for (const k of Object.keys(t))
      if (!(k in r)) {
        c.duplicates++;
        ex(`extra ${m}:${k}`);
      }
    for (const [k, rf] of Object.entries(r)) {
      const tf = t[k];
      if (!tf) {
        c.lost++;
        ex(`lost ${m}:${k}`);
        continue;
      }
      for (const f of new Set([...Object.keys(rf), ...Object.keys(tf)])) {
        if (JSON.stringify(rf[f]) === JSON.stringify(tf[f])) continue;
        c.mismatchedFields++;
        ex(`${m}:${k} ${f}: ${show(rf[f])} -> ${show(tf[f])}`);
      }
    }
  }
  return c;
}

export const dumpSize = (d: OrgDump) => Object.values(d.records).reduce((s, m) => s + Object.keys(m).length, 0) + d.duplicates.length + Object.values(d.unkeyed).reduce((s, n) => s + n, 0);

/** Every run's --json summary must balance: extracted = loaded + already + rejected + queued + skipped. */
export function conservationErrors(summary: Record<string, unknown> | undefined): string[] {
  type C = { extracted: number; loaded: number; already_loaded: number; rejected: number; queued: number; skipped: number };
  const objs = (summary?.objects ?? []) as (C & { object: string })[] | Record<string, C>;
  const list: [string, C][] = Array.isArray(objs) ? objs.map((o) => [o.object, o]) : Object.entries(objs);
  return list
    .filter(([, o]) => typeof o.extracted === 'number' && o.extracted !== o.loaded + o.already_loaded + o.rejected + o.queued + o.skipped)
    .map(([name, o]) => `${name}: extracted ${o.extracted}, accounted ${o.loaded + o.already_loaded + o.rejected + o.queued + o.skipped}`);
}
// ---------------------------------------------------------------------------------------------
// The run

export type CrashStep = 'load' | 'delta' | 'rollback';

export interface TrialResult {
  pipeline: string;
  destination: string;
  name: string;
  kind: 'crash' | 'fault' | 'reference';
  detail: string;
  runs: number;
  duplicates: number;
  lost: number;
  mismatchedFields: number;
  bareRejects: number;
  conservation: string[];
  /** What went wrong on the way, as found (a run's error code, the trial's own failure): never a crash of the tool. */
  findings: string[];
  /** The trial could not be finished (its org was not compared, or only partly). */
  error?: string;
  examples: string[];
  seconds: number;
  /** Crash trials: each kill (what, when, and how many records the org had then). */
  kills?: KillResult[];
}

export interface ChaosOptions {
  adminUrl: string;
  /** Pipelines to rehearse (each with a destination that has a `sandbox` control). */
  pipelines: PipelineDefinition[];
  /** Crash trials per pipeline. */
  trials: number;
  seed: number;
  /** Size of the generated export (the source generator's main object). */
  size: number;
  /** Fault names to run (default every fault the destination's sandbox rehearses); [] for none. */
  faults?: string[];
  /** Every fourth crash trial kills delta or rollback --all instead of load (default true). */
  otherSteps?: boolean;
  /** Database name prefix (default chaos_<pid>). */
  tag?: string;
  log?: (msg: string) => void;
  /** Keep the databases (debugging). */
  keep?: boolean;
  /** Most kills per crash trial before the run that finishes (default 2). */
  maxKills?: number;
  /** Each row as soon as it is known (the table survives whatever comes after). */
  onRow?: (row: TrialResult) => void;
}

/**
 * Rejects are the data's, the same in every org: no run stops for their share (the comparison
 * with the reference says whether a trial rejected anything the reference wrote).
 */
const KEEP_GOING = { rejectThreshold: 1 };

/** Retries fast and dead workers noticed fast, so a trial takes seconds, not minutes. */
const BASE_ENV: Record<string, string> = { CRM_RETRY_BASE_MS: '10', CRM_RETRY_ATTEMPTS: '15', CRM_WORKER_STALE_SECONDS: '2', CRM_LOAD_CHUNK: '50' };

/** The faults a pipeline's destination rehearses (its sandbox's own list). */
export const faultsOf = (p: PipelineDefinition): SandboxFault[] => p.destination.sandbox?.rehearsalFaults ?? [];

export interface ChaosReport {
  pipelines: string[];
  seed: number;
  size: number;
  rows: TrialResult[];
  totals: { trials: number; crashTrials: number; duplicates: number; lost: number; mismatchedFields: number; errors: number };
  referenceSeconds: Record<string, number>;
}

/** Errors of the rehearsal's own footing, not of what it rehearses (PostgreSQL 53300: too many connections). */
const HARNESS_TROUBLE = /^53300|too many clients|ECONNREFUSED 127\.0\.0\.1:5432/;

const errText = (err: unknown) => {
  const e = err as Error & { code?: string };
  return `${e.code ? `${e.code}: ` : ''}${firstLine(e.message ?? String(err))}`;
};

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const tag = o.tag ?? `chaos_${process.pid}`;
  // In-process steps (the references, the fault matrix) read these from the process environment.
  for (const [k, v] of Object.entries(BASE_ENV)) process.env[k] = v;
  const rows: TrialResult[] = [];
  const push = (r: TrialResult) => {
    rows.push(r);
    o.onRow?.(r);
  };
  const referenceSeconds: Record<string, number> = {};
  // The pipelines side by side (their own databases and sandboxes): most of a trial is waiting.
  await Promise.all(
    o.pipelines.map(async (p, n) => {
      try {
        await rehearse(p, { ...o, tag: `${tag}_${n}`, log }, push, referenceSeconds);
      } catch (err) {
        // rehearse turns every trial's failure into a row; what lands here stopped the pipeline's preparation.
        push(blankRow(p, 'reference', 'reference', 'preparation', { error: errText(err), findings: [errText(err)] }));
        log(`chaos: ${p.name}: ${(err as Error).stack ?? err}`);
      }
    }),
  );
  const order = (r: TrialResult) => o.pipelines.findIndex((p) => p.name === r.pipeline);
  rows.sort((a, b) => order(a) - order(b));
  const sum = (k: 'duplicates' | 'lost' | 'mismatchedFields') => rows.reduce((s, r) => s + r[k], 0);
  return {
    pipelines: o.pipelines.map((p) => p.name),
    seed: o.seed,
    size: o.size,
    rows,
    totals: { trials: rows.filter((r) => r.kind !== 'reference').length, crashTrials: rows.filter((r) => r.kind === 'crash').length, duplicates: sum('duplicates'), lost: sum('lost'), mismatchedFields: sum('mismatchedFields'), errors: rows.filter((r) => r.error).length },
    referenceSeconds,
  };
}

function blankRow(p: PipelineDefinition, name: string, kind: TrialResult['kind'], detail: string, extra: Partial<TrialResult> = {}): TrialResult {
  return { pipeline: p.name, destination: p.destination.name, name, kind, detail, runs: 0, duplicates: 0, lost: 0, mismatchedFields: 0, bareRejects: 0, conservation: [], findings: [], examples: [], seconds: 0, ...extra };
}

async function rehearse(p: PipelineDefinition, o: ChaosOptions & { tag: string; log: (m: string) => void }, push: (r: TrialResult) => void, referenceSeconds: Record<string, number>): Promise<void> {
  const { tag, log } = o;
  const control = p.destination.sandbox;
  if (!control) throw new Error(`${p.name}: its destination (${p.destination.name}) has no sandbox control to run as a server and read back`);
  const gen = GENERATORS.find((g) => g.source === p.source.name);
  if (!gen) throw new Error(`no export generator for source ${p.source.name}`);
  const modules = [...new Set(p.objects.map((x) => x.module))];
  const dump = (url: string) => control.dump(url, p.name, modules);
  const rng = new Rng(o.seed);
  const work = mkdtempSync(path.join(tmpdir(), 'crm-chaos-'));
  const input = path.join(work, 'export');
  const input2 = path.join(work, 'export2');
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
    await mustRun(base, p, 'setup', input, { apply: true });
    await mustRun(base, p, 'users', input);

    // The reference: one uninterrupted load, then (on copies) delta and rollback --all.
    const stepSeconds: Record<CrashStep, number> = { load: 0, delta: 0, rollback: 0 };
    let t = Date.now();
    const loaded = await createDb(o.adminUrl, `${tag}_loaded`, `${tag}_base`);
    const refLoad = await mustRun(loaded, p, 'load', input, KEEP_GOING);
    stepSeconds.load = referenceSeconds[p.name] = (Date.now() - t) / 1000;
    const conservationRef = conservationErrors(refLoad.summary);
    if (conservationRef.length) throw new Error(`the reference load does not balance: ${conservationRef.join('; ')}`);
    const refs: Partial<Record<CrashStep, OrgDump>> = { load: await dump(loaded) };
    log(`chaos: ${p.name}: reference load ${stepSeconds.load.toFixed(1)} s, ${dumpSize(refs.load!)} records`);
    if (o.otherSteps !== false && o.trials >= 4) {
      const d = await createDb(o.adminUrl, `${tag}_refdelta`, `${tag}_loaded`);
      t = Date.now();
      await mustRun(d, p, 'delta', input2, KEEP_GOING);
      stepSeconds.delta = (Date.now() - t) / 1000;
      refs.delta = await dump(d);
      const r = await createDb(o.adminUrl, `${tag}_refrollback`, `${tag}_loaded`);
      t = Date.now();
      await mustRun(r, p, 'rollback', input, { all: true });
      stepSeconds.rollback = (Date.now() - t) / 1000;
      refs.rollback = await dump(r);
    }

    // Crash trials: mostly load; every 4th delta, then rollback --all, in turn.
    const others: CrashStep[] = refs.delta ? ['delta', 'rollback'] : [];
    const targets: KillTarget[] = ['client', 'sandbox', 'both'];
    for (let i = 0; i < o.trials; i++) {
      // Every draw happens before anything can fail, so a seed always plans the same trials.
      const step: CrashStep = others.length && i % 4 === 3 ? others[Math.floor(i / 4) % others.length]! : 'load';
      const workers = String(rng.int(1, 3));
      const nKills = rng.int(1, Math.max(1, o.maxKills ?? 2));
      // Somewhere in the step's own duration (its uninterrupted reference run in this process;
      // the sandbox process adds latency, so most kills land while it writes).
      const window = Math.max(1500, stepSeconds[step] * 1000 * (step === 'load' ? 0.6 : 1.2));
      const plan = Array.from({ length: nKills }, () => ({ target: targets[rng.int(0, 2)]!, delay: rng.int(0, window), restart: rng.int(100, 1500) }));
      const name = `crash ${i + 1}`;
      const started = Date.now();
      const notes: string[] = [];
      let row = blankRow(p, name, 'crash', step, { kills: [] });
      for (let attempt = 1; ; attempt++) {
        row = blankRow(p, name, 'crash', step, { kills: [], findings: [...notes] });
        let retry: string | undefined;
        const from = step === 'load' ? `${tag}_base` : `${tag}_loaded`;
        const keepGoing = ['--reject-threshold', String(KEEP_GOING.rejectThreshold)];
        const args = step === 'rollback' ? ['rollback', '--all'] : step === 'delta' ? ['delta', '--input', input2, ...keepGoing] : ['load', '--input', input, '--workers', workers, ...keepGoing];
        let trial: TrialCtx | undefined;
        try {
          const url = await createDb(o.adminUrl, `${tag}_t${i}`, from);
          // Latency keeps the step running long enough to be killed anywhere in it.
          const sandboxEnv = { CRM_SANDBOX_FAULTS: JSON.stringify({ seed: o.seed + i, latencyMs: 120, jitterMs: 60 }) };
          trial = { pipeline: p, url, sandboxEnv, sandbox: await startSandboxProc(p.name, url, 0, sandboxEnv), orgCount: async () => dumpSize(await dump(url)) };
          for (const k of plan) {
            const kill = await killDuring(trial, args, k.target, k.delay, k.restart);
            row.kills!.push(kill);
            row.runs++;
            if (!/^(killed|finished)$/.test(kill.clientEnd)) row.findings.push(`interrupted run: ${kill.clientEnd}`);
          }
          // Resume: the same step again against a sandbox without the latency, to its end (a person
          // re-runs a failed command; three tries).
          await stopProc(trial.sandbox);
          trial.sandbox = await startSandboxProc(p.name, url, 0, {});
          const r = await runClient(p.name, args, url, { ...BASE_ENV, ...trial.sandbox.clientEnv }, 3);
          row.runs += r.runs;
          row.findings.push(...r.failures.map((f) => `resume: ${f}`));
          if (r.exitCode !== 0) row.error = `resume failed ${r.runs}x: ${r.code ? `${r.code}: ${firstLine(r.message)}` : `exit ${r.exitCode}: ${lastLines(r.stderr)}`}`;
          row.conservation.push(...conservationErrors(r.summary));
          await stopProc(trial.sandbox);
          const cmp = compareDumps(refs[step]!, await dump(url));
          Object.assign(row, { duplicates: cmp.duplicates, lost: cmp.lost, mismatchedFields: cmp.mismatchedFields, examples: cmp.examples });
          row.bareRejects = await bareRejectCount(url);
        } catch (err) {
          row.error = errText(err);
          // The staging server refusing the tool itself (too many connections on a shared server)
          // says nothing about the loader: the trial is run again on a fresh copy, and says so.
          if (HARNESS_TROUBLE.test(row.error) && attempt < 3) retry = row.error;
        } finally {
          await stopProc(trial?.sandbox, 'SIGKILL').catch(() => {});
        }
        if (!retry) break;
        notes.push(`run again after: ${retry}`);
        await dropDbs(o.adminUrl, `${tag}_t${i}`).catch(() => {});
        await new Promise((r) => setTimeout(r, 5000));
      }
      if (row.error) row.findings.push(`ERROR ${row.error}`);
      row.detail = `${step}: ${row.kills!.map((k) => (k.finished ? `${k.target} (finished first)` : `${k.target} at ${(k.killedAfterMs / 1000).toFixed(1)}s (org ${k.recordsBefore}->${k.recordsAtKill}${k.target === 'sandbox' ? `, client ${k.clientEnd}` : ''})`)).join(', ')}`;
      row.seconds = (Date.now() - started) / 1000;
      push(row);
      log(`chaos: ${p.name} ${name}/${o.trials} (${row.detail}): lost ${row.lost}, duplicates ${row.duplicates}, mismatched ${row.mismatchedFields}${row.findings.length ? ` {${row.findings.join('; ')}}` : ''}${row.examples.length ? ` [${row.examples.join('; ')}]` : ''}`);
      if (!o.keep) await dropDbs(o.adminUrl, `${tag}_t${i}`).catch(() => {});
    }

    // The fault matrix: each fault the destination's sandbox injects, a load of its own, then the
    // same load once more without it (a person re-runs after the outage).
    const faults = faultsOf(p).filter((f) => !o.faults || o.faults.includes(f.name));
    for (const [j, f] of faults.entries()) {
      const started = Date.now();
      const row = blankRow(p, f.name, 'fault', '');
      try {
        const url = await createDb(o.adminUrl, `${tag}_f${j}`, `${tag}_base`);
        const env: Record<string, string> = { ...BASE_ENV, ...(f.env ?? {}), ...((await f.envFromReference?.(loaded)) ?? {}) };
        if (f.faults) env.CRM_SANDBOX_FAULTS = JSON.stringify({ seed: o.seed * 31 + j, ...f.faults });
        let stops = 0;
        let last: StepResult | undefined;
        while (row.runs < 12) {
          last = await runStepIn(url, p, 'load', input, KEEP_GOING, env);
          row.runs++;
          if (last.ok) break;
          if (f.expectStop && last.code === f.expectStop) {
            stops++;
            await f.between?.(url);
            continue;
          }
          row.findings.push(`${last.code}: ${firstLine(last.message)}`);
          break;
        }
        if (f.expectStop && !stops) row.findings.push(`never stopped at ${f.expectStop}`);
        const injected = (await control.injectedFaults?.(url, f.slowerThanMs)) ?? 0;
        const clean = await runStepIn(url, p, 'load', input, KEEP_GOING, { ...BASE_ENV });
        row.runs++;
        if (!clean.ok) row.error = `re-run without the fault failed: ${clean.code}: ${firstLine(clean.message)}`;
        row.conservation.push(...conservationErrors(last?.summary), ...conservationErrors(clean.summary));
        row.detail = f.expectStop ? `${stops} clean stop(s) at ${f.expectStop}, resumed after a credit reset` : f.slowerThanMs ? `${injected} calls slower than the ${f.slowerThanMs} ms client timeout` : `${injected} faults injected`;
        const cmp = compareDumps(refs.load!, await dump(url));
        Object.assign(row, { duplicates: cmp.duplicates, lost: cmp.lost, mismatchedFields: cmp.mismatchedFields, examples: cmp.examples });
        row.bareRejects = await bareRejectCount(url);
      } catch (err) {
        row.error = errText(err);
      }
      if (row.error) row.findings.push(`ERROR ${row.error}`);
      row.seconds = (Date.now() - started) / 1000;
      push(row);
      log(`chaos: ${p.name} fault ${f.name} (${row.detail}): lost ${row.lost}, duplicates ${row.duplicates}, mismatched ${row.mismatchedFields}${row.findings.length ? ` {${row.findings.join('; ')}}` : ''}${row.examples.length ? ` [${row.examples.join('; ')}]` : ''}`);
      if (!o.keep) await dropDbs(o.adminUrl, `${tag}_f${j}`).catch(() => {});
    }
  } finally {
    if (!o.keep) await dropDbs(o.adminUrl, `${tag}\\_%`).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

async function bareRejectCount(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // an idle client's error (a trial database dropped with force) must not end the run without its table
  pool.on('error', () => {});
  try {
    return (await pool.query(`select count(*)::int as n from etl.rejects where stage = 'load' and (reason_code is null or reason_code = '' or message is null or message = '')`)).rows[0].n as number;
  } finally {
    await pool.end();
  }
}

/** A trial failed: lost, duplicated or mismatched records, unbalanced counts, rejects without a reason, or not finished. */
export const failed = (r: TrialResult) => !!(r.duplicates || r.lost || r.mismatchedFields || r.conservation.length || r.bareRejects || r.error);

/** The table `npm run chaos` prints: one row per trial (its findings included), then totals per destination. */
export function renderTable(r: ChaosReport): string {
  const head = ['trial', 'pipeline', 'what happened', 'runs', 'lost', 'duplicated', 'mismatched fields', 'findings', 'seconds'];
  const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 3) + '...' : s);
  const body = r.rows.map((x) => [x.name, x.pipeline, cut(x.detail, 110), String(x.runs), String(x.lost), String(x.duplicates), String(x.mismatchedFields), cut([...x.findings, ...x.conservation.map((c) => `unbalanced ${c}`), ...(x.bareRejects ? [`${x.bareRejects} rejects without a reason`] : [])].join('; ') || '-', 110), x.seconds.toFixed(1)]);
  const sum = (xs: TrialResult[], k: 'duplicates' | 'lost' | 'mismatchedFields') => String(xs.reduce((s, x) => s + x[k], 0));
  for (const d of [...new Set(r.rows.map((x) => x.destination))]) {
    for (const kind of ['crash', 'fault'] as const) {
      const xs = r.rows.filter((x) => x.destination === d && x.kind === kind);
      if (!xs.length) continue;
      body.push([`${kind === 'crash' ? 'crash trials' : 'fault matrix'}`, d, `${xs.length} trials${xs.some((x) => x.error) ? `, ${xs.filter((x) => x.error).length} not finished` : ''}`, '', sum(xs, 'lost'), sum(xs, 'duplicates'), sum(xs, 'mismatchedFields'), '', '']);
    }
  }
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(w[i]!)).join(' | ') + ' |';
  return [line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...body.map(line)].join('\n');
}
