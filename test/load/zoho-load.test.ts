/**
 * The Zoho loader against the sandbox over HTTP: batching on a clean run, then the same load
 * into an empty org with every fault on (429 storms, 5xx bursts, connections dropped before
 * and after the write, tokens expiring and revoked mid-run, records rejected in partial
 * batches). Every record is accounted for and no record is written twice. Then, on a copy of
 * the prepared database, the real CLI is SIGKILLed mid-load twice and resumed: the org ends
 * identical to the clean run's.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { projectRoot } from '../../engine/paths.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { makeExport } from './fixture.ts';
import { prepare, runStep } from './harness.ts';

// 500 good records = 5 full calls; above 500 the per-object reconciliation reads back a sample, not all.
const LEADS = 502;
const BAD = 2;
let db: TestDb;
let input: string;
let cloned: pg.Pool;
let clonedUrl: string;
let clonedName: string;
let baseline: Map<string, string> | undefined;

beforeAll(async () => {
  db = await createTestDb();
  input = makeExport({ leads: LEADS, nameless: BAD, badOptIn: BAD });
  await prepare(db, leadtrekkerToZoho, input);
  // A copy of the prepared database (extracted, transformed, set up, users matched) for the kill test.
  await db.pool.end();
  clonedName = `${db.name}_k`;
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  await admin.query(`create database ${clonedName} template ${db.name}`);
  await admin.end();
  const u = new URL(inject('adminUrl'));
  u.pathname = `/${clonedName}`;
  clonedUrl = u.toString();
  cloned = new pg.Pool({ connectionString: clonedUrl, max: 2 });
  (db as { pool: pg.Pool }).pool = new pg.Pool({ connectionString: db.url, max: 10 });
}, 150_000);
afterAll(async () => {
  await cloned?.end().catch(() => {});
  await db?.pool.end().catch(() => {});
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  for (const name of [clonedName, db?.name]) if (name) await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
  await admin.end();
  if (input) rmSync(input, { recursive: true, force: true });
});

const q = async (sql: string, p: unknown[] = []) => (await db.pool.query(sql, p)).rows;

async function orgState() {
  const [org] = await q(`select count(*)::int as n, count(distinct data->>'CRM_Migrate_Key')::int as keys from sandbox_zoho.records where module = 'Leads'`);
  const [mapped] = await q(`select count(*)::int as n from etl.id_map where pipeline = 'leadtrekker-to-zoho' and object = 'leads'`);
  const [missing] = await q(
    `select count(*)::int as n from etl.id_map m where m.object = 'leads' and not exists (select 1 from sandbox_zoho.records r where r.module = 'Leads' and r.id = m.dest_id)`,
  );
  return { org: org.n as number, keys: org.keys as number, mapped: mapped.n as number, missing: missing.n as number };
}

describe('zoho load', () => {
  it('loads in full batches: at least 95 records per write call on an object of more than 100 records', async () => {
    const r = await runStep(db, leadtrekkerToZoho, 'load', input);
    expect(r.error, r.logs.join('\n')).toBeUndefined();
    const leads = (r.ctx.summary.objects as { object: string; extracted: number; loaded: number; rejected: number; already_loaded: number; queued: number; skipped: number }[]).find((o) => o.object === 'leads')!;
    expect(leads.extracted).toBe(LEADS);
    expect(leads.loaded + leads.already_loaded + leads.rejected + leads.queued + leads.skipped).toBe(leads.extracted);
    expect(leads.rejected).toBe(BAD);
    const [calls] = await q(`select count(*)::int as calls, sum(records)::int as recs from sandbox_zoho.request_log where method in ('POST','PUT') and path like '/crm/v8/Leads%' and status < 500`);
    expect(calls.recs).toBe(LEADS - BAD);
    expect(calls.recs / calls.calls).toBeGreaterThanOrEqual(95);
    const s = await orgState();
    expect(s).toEqual({ org: LEADS - BAD, keys: LEADS - BAD, mapped: LEADS - BAD, missing: 0 });
    baseline = await orgSnapshot(db.pool);
    // The SQL's rejects carry its reason; a custom value that does not type costs the lead only
    // that field: it loads without it, the text in Description, and a finding names it.
    const rej = await q(`select reason_code from etl.rejects where stage = 'load' and object = 'leads'`);
    expect(rej).toEqual(Array(BAD).fill({ reason_code: 'MISSING_LAST_NAME' }));
    const maybe = await q(`select r.data from sandbox_zoho.records r join etl.id_map m on m.dest_id = r.id and m.object = 'leads'
                            join raw_leadtrekker.leads l on 'leads:' || l.lead_id = m.source_key where l.newsletter_opt_in = 'Maybe'`);
    expect(maybe).toHaveLength(BAD);
    for (const { data } of maybe) {
      expect(data.Newsletter_Opt_In ?? null).toBeNull();
      expect(data.Description).toContain('Newsletter Opt-in (not loaded as boolean');
    }
    const findings = await q(`select value from dq_leadtrekker_to_zoho.findings where category = 'invalid_custom_value' and field = 'Newsletter Opt-in'`);
    expect(findings).toEqual(Array(BAD).fill({ value: 'Maybe' }));
    // A second run writes nothing.
    const again = await runStep(db, leadtrekkerToZoho, 'load', input);
    expect(again.error).toBeUndefined();
    const l2 = (again.ctx.summary.objects as { object: string; loaded: number; already_loaded: number }[]).find((o) => o.object === 'leads')!;
    expect(l2.loaded).toBe(0);
    expect(l2.already_loaded).toBe(LEADS - BAD);
  }, 120_000);

  it('accounts for every record with no duplicates under 429s, 5xx, dropped connections, token expiry and partial batch failures', async () => {
    // An empty org and no memory of the first load: everything is written again, under faults.
    await q(`delete from sandbox_zoho.records where module = 'Leads'`);
    await q(`delete from etl.id_map where object = 'leads'`);
    // Faults on the Leads write calls (chunks of 50: at least 10 of them, plus retries).
    const faults = { seed: 11, rate429: 0.15, rate5xx: 0.1, dropBeforeWrite: 0.05, dropAfterWrite: 0.4, tokenTtlSeconds: 2, revokeTokensEvery: 5, recordRejectRate: 0.01, paths: ['/crm/v8/Leads/upsert'] };
    const r = await runStep(db, leadtrekkerToZoho, 'load', input, { workers: 2 }, { CRM_SANDBOX_FAULTS: JSON.stringify(faults), CRM_RETRY_BASE_MS: '10', CRM_RETRY_ATTEMPTS: '15', CRM_LOAD_CHUNK: '50' });
    expect(r.error, r.logs.join('\n')).toBeUndefined();
    const leads = (r.ctx.summary.objects as { object: string; extracted: number; loaded: number; rejected: number; already_loaded: number; queued: number; skipped: number }[]).find((o) => o.object === 'leads')!;
    expect(leads.extracted).toBe(LEADS);
    expect(leads.loaded + leads.already_loaded + leads.rejected + leads.queued + leads.skipped).toBe(LEADS);
    const s = await orgState();
    // No duplicates: one record per key, every loaded record in the org and mapped.
    expect(s.org).toBe(s.keys);
    expect(s.org).toBe(leads.loaded);
    expect(s.mapped).toBe(leads.loaded);
    expect(s.missing).toBe(0);
    // The faults did happen, and connections dropped after the write were resolved by key.
    const faulted = await q(`select fault, count(*)::int as n from sandbox_zoho.request_log where fault is not null and path = '/crm/v8/Leads/upsert' group by 1`);
    const byFault = Object.fromEntries(faulted.map((f) => [f.fault, f.n]));
    expect(Object.keys(byFault).length, JSON.stringify(byFault)).toBeGreaterThanOrEqual(3);
    const [found] = await q(`select count(*)::int as n from etl.load_log where object = 'leads' and reason_code = 'FOUND_BY_KEY' and run_id = $1`, [r.ctx.runId]);
    expect(byFault.dropAfterWrite, JSON.stringify(byFault)).toBeGreaterThan(0);
    expect(found.n).toBeGreaterThan(0);
    // Every reject has a reason; rejected records are not in the org.
    const [rej] = await q(`select count(*)::int as n, count(*) filter (where reason_code is null or message is null)::int as bare from etl.rejects where stage = 'load' and object = 'leads' and run_id = $1`, [r.ctx.runId]);
    expect(rej.n).toBe(leads.rejected);
    expect(rej.bare).toBe(0);
    // One audit row per record outcome of this run, and no token in any of them.
    const [logged] = await q(`select count(distinct source_key)::int as n from etl.load_log where object = 'leads' and run_id = $1`, [r.ctx.runId]);
    expect(logged.n).toBe(LEADS - leads.already_loaded);
    const [leak] = await q(`select count(*)::int as n from etl.load_log where message ~ '1000\\.[0-9a-f]{16,}' or message ilike '%oauthtoken%'`);
    expect(leak.n).toBe(0);
    expect(r.logs.join('\n')).not.toMatch(/1000\.[0-9a-f]{16,}/);
  }, 150_000);
});

/** Spawn the real CLI as one node process (no wrapper), so SIGKILL hits the loader itself. */
function spawnLoad(url: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'pipelines', 'run.ts'), 'leadtrekker-to-zoho', 'load', '--json', '--workers', '2'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function orgSnapshot(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query(`select data->>'CRM_Migrate_Key' as k, (data - 'Owner')::text as d, data->'Owner' is not null as owned from sandbox_zoho.records where module = 'Leads' order by 1`);
  return new Map(rows.map((r) => [r.k as string, `${r.d}|${r.owned}`]));
}

describe('kill -9 and resume', () => {
  it('SIGKILLs a load at random points; resuming ends with the org an uninterrupted run makes', async () => {
    expect(baseline?.size, 'the clean load ran first').toBe(LEADS - BAD);
    const env = { CRM_SANDBOX_FAULTS: JSON.stringify({ seed: 5, latencyMs: 150 }), CRM_WORKER_STALE_SECONDS: '2', CRM_LOAD_CHUNK: '100' };
    const count = async () => (await cloned.query(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0]?.n ?? 0;
    const kills: number[] = [];
    let floor = 0;
    for (let k = 0; k < 2; k++) {
      // A random point in what is left, at least one batch past the last one.
      const target = floor + 40 + Math.floor(Math.random() * 120);
      const child = spawnLoad(clonedUrl, env);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 90_000;
      let done = false;
      exited.then(() => (done = true));
      while (!done && Date.now() < deadline && (await count()) < target) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      await exited;
      const n = await count();
      kills.push(n);
      expect(n, stderr).toBeLessThan(LEADS - BAD); // killed mid-load, not after it finished
      floor = n;
    }
    // Resume with two processes at once on the same database: they share the work.
    const [resumed, other] = await Promise.all([
      runCli(['leadtrekker-to-zoho', 'load', '--json'], { ...env, CRM_SANDBOX_FAULTS: '{}', DATABASE_URL: clonedUrl }),
      runCli(['leadtrekker-to-zoho', 'load', '--json', '--workers', '2'], { ...env, CRM_SANDBOX_FAULTS: '{}', DATABASE_URL: clonedUrl }),
    ]);
    for (const run of [resumed, other]) {
      expect(run.exitCode, run.stderr).toBe(0);
      const leads = run.json.objects.leads;
      expect(leads.loaded + leads.already_loaded + leads.rejected + leads.queued + leads.skipped).toBe(LEADS);
      expect(leads.rejected).toBe(BAD);
    }
    const after = await orgSnapshot(cloned);
    const [dups] = (await cloned.query(`select count(*)::int - count(distinct data->>'CRM_Migrate_Key')::int as n from sandbox_zoho.records where module = 'Leads'`)).rows;
    expect(dups.n).toBe(0);
    expect(after.size).toBe(baseline!.size);
    expect([...after.entries()]).toEqual([...baseline!.entries()]);
    // Killed workers' chunks were taken over: the step finished every plan it made.
    const [open] = (await cloned.query(`select count(*)::int as n from etl.load_chunks c join etl.load_plans p using (plan_id) where p.status = 'done' and c.status <> 'done'`)).rows;
    expect(open.n).toBe(0);
    expect(kills[0]).toBeGreaterThan(0);
  }, 200_000);
});
