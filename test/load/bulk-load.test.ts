/**
 * The Bulk Write path of the load against the sandbox over HTTP, on the Leadtrekker sample
 * (300 leads, 353 calls): a module Zoho's metadata does not give to Bulk Write (Calls) goes in
 * batches; a bulk job the API refuses falls back to batches with a log line and the load still
 * finishes; one bulk object is cut into one job per worker, and 2 or 5 workers load it with no
 * deadlock and no duplicate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { projectRoot } from '../../engine/paths.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { prepare, runStep } from './harness.ts';

const SAMPLE = path.join(projectRoot, 'connectors', 'sources', 'leadtrekker', 'sample');
// Small objects take the bulk path here; jobs step fast and are polled every 50 ms.
const ENV = { ZOHO_BULK_THRESHOLD: '10', ZOHO_BULK_POLL_MS: '50', CRM_SANDBOX_ORG: JSON.stringify({ bulkStepMs: 30 }) };
const FLAGS = { fallbackOwner: 'admin@sandbox.example' };

let db: TestDb;
const q = async (sql: string, p: unknown[] = []) => (await db.pool.query(sql, p)).rows;

type Counts = { object: string; extracted: number; loaded: number; already_loaded: number; rejected: number; queued: number; skipped: number };
const countsOf = (r: Awaited<ReturnType<typeof runStep>>, name: string) => (r.ctx.summary.objects as Counts[]).find((o) => o.object === name)!;

/** Records of a module in the org, their distinct keys, and the pipeline's id_map rows for the object. */
async function org(module: string, object: string) {
  const [o] = await q(`select count(*)::int as n, count(distinct data->>'CRM_Migrate_Key')::int as keys from sandbox_zoho.records where module = $1`, [module]);
  const [m] = await q(`select count(*)::int as n, count(distinct dest_id)::int as ids from etl.id_map where object = $1`, [object]);
  const [missing] = await q(`select count(*)::int as n from etl.id_map m where m.object = $1 and not exists (select 1 from sandbox_zoho.records r where r.module = $2 and r.id = m.dest_id)`, [object, module]);
  return { records: o.n as number, keys: o.keys as number, mapped: m.n as number, mappedIds: m.ids as number, missing: missing.n as number };
}

/** Bulk job creations the sandbox answered since request-log id `after`, by status and code. */
async function jobCalls(after: number) {
  return q(`select status, code from sandbox_zoho.request_log where id > $1 and method = 'POST' and path = '/crm/bulk/v8/write' order by id`, [after]);
}
const lastLogId = async () => Number((await q(`select coalesce(max(id), 0) as id from sandbox_zoho.request_log`))[0].id);

beforeAll(async () => {
  // The plan is cut in this process: one job per worker needs chunks below the default 1,000.
  process.env.CRM_BULK_MIN_CHUNK = '10';
  db = await createTestDb();
  await prepare(db, leadtrekkerToZoho, SAMPLE);
}, 180_000);
afterAll(async () => {
  delete process.env.CRM_BULK_MIN_CHUNK;
  await db?.drop();
});

describe('bulk write in the load', () => {
  it('sends a module the metadata keeps from Bulk Write (Calls) in batches, the rest in bulk jobs, and loads everything', async () => {
    const from = await lastLogId();
    const r = await runStep(db, leadtrekkerToZoho, 'load', SAMPLE, { ...FLAGS, workers: 2 }, ENV);
    expect(r.error, r.logs.join('\n')).toBeUndefined();
    expect(r.logs.join('\n')).toMatch(/calls: 353 records, but Calls does not take bulk jobs \(destination metadata\); loading in batches of 100/);
    const calls = countsOf(r, 'calls');
    expect(calls.extracted).toBe(353);
    expect(calls.loaded + calls.rejected + calls.queued + calls.skipped).toBe(353);
    expect(calls.loaded).toBeGreaterThan(300);
    // No job was refused by the API: only Leads was sent, one job per worker (Tasks carry
    // What_Id + $se_module, which a bulk CSV cannot map: they go in batches, said once per module).
    expect(await jobCalls(from)).toEqual(Array(2).fill({ status: 201, code: 'SUCCESS' }));
    expect(r.logs.join('\n')).toMatch(/email_tasks: Tasks records carry a polymorphic lookup .* \(BULK_UNMAPPABLE\); loading Tasks in batches of 100 instead/);
    for (const t of ['email_tasks', 'reminder_tasks']) {
      const c = countsOf(r, t);
      expect(c.loaded, t).toBeGreaterThan(c.extracted * 0.9);
    }
    const [batches] = await q(`select count(*)::int as n from sandbox_zoho.request_log where id > $1 and method = 'POST' and path = '/crm/v8/Calls/upsert'`, [from]);
    expect(batches.n).toBeGreaterThanOrEqual(3);
    expect(await org('Calls', 'calls')).toEqual({ records: calls.loaded, keys: calls.loaded, mapped: calls.loaded, mappedIds: calls.loaded, missing: 0 });
    const leads = countsOf(r, 'leads');
    expect(leads.loaded + leads.rejected + leads.queued + leads.skipped).toBe(leads.extracted);
    expect(await org('Leads', 'leads')).toMatchObject({ records: leads.loaded, keys: leads.loaded, missing: 0 });
  }, 180_000);

  it('falls back to batches with a log line when a bulk job is refused (by the API: MODULE_NOT_AVAILABLE; before it: What_Id), and loads every record once', async () => {
    // A destination whose metadata gives no answer tries every module in bulk: the sandbox
    // refuses Notes the way Zoho does, and Calls (What_Id + $se_module) never reach it.
    const trusting: PipelineDefinition = {
      ...leadtrekkerToZoho,
      destination: {
        ...leadtrekkerToZoho.destination,
        async connect(c) {
          const d = await leadtrekkerToZoho.destination.connect(c);
          delete d.bulkSupported;
          return d;
        },
      },
    };
    const before = new Map((await q(`select object, count(*)::int as n from etl.id_map where object in ('calls','notes') group by 1`)).map((r) => [r.object, r.n]));
    await q(`delete from sandbox_zoho.records where module in ('Calls', 'Notes')`);
    await q(`delete from etl.id_map where object in ('calls', 'notes')`);
    const from = await lastLogId();
    const r = await runStep(db, trusting, 'load', SAMPLE, { ...FLAGS, workers: 2 }, ENV);
    expect(r.error, r.logs.join('\n')).toBeUndefined();
    const log = r.logs.join('\n');
    expect(log).toMatch(/notes: Zoho refused a Bulk Write job for Notes: .*MODULE_NOT_AVAILABLE.*; loading Notes in batches of 100 instead/);
    expect(log).toMatch(/calls: Calls records carry a polymorphic lookup .*\(BULK_UNMAPPABLE\); loading Calls in batches of 100 instead/);
    // Once per process, not once per chunk.
    expect(log.match(/refused a Bulk Write job for Notes/g)).toHaveLength(1);
    const refused = (await jobCalls(from)).filter((j) => j.code === 'MODULE_NOT_AVAILABLE');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((j) => j.status === 400)).toBe(true);
    for (const [object, module, extracted] of [['calls', 'Calls', 353], ['notes', 'Notes', 199]] as const) {
      const c = countsOf(r, object);
      expect(c.extracted).toBe(extracted);
      expect(c.loaded).toBe(before.get(object));
      expect(c.loaded + c.rejected + c.queued + c.skipped).toBe(extracted);
      expect(await org(module, object)).toEqual({ records: c.loaded, keys: c.loaded, mapped: c.loaded, mappedIds: c.loaded, missing: 0 });
    }
  }, 180_000);

  for (const workers of [2, 5]) {
    it(`cuts one bulk object into a job per worker and loads it with ${workers} workers: no deadlock, no duplicate`, async () => {
      const leadsOnly: PipelineDefinition = { ...leadtrekkerToZoho, objects: leadtrekkerToZoho.objects.filter((o) => o.name === 'leads') };
      await q(`delete from sandbox_zoho.records where module = 'Leads'`);
      await q(`delete from etl.id_map where object = 'leads'`);
      const from = await lastLogId();
      const r = await runStep(db, leadsOnly, 'load', SAMPLE, { ...FLAGS, workers }, ENV);
      expect(r.error, r.logs.join('\n')).toBeUndefined();
      const leads = countsOf(r, 'leads');
      expect(leads.loaded + leads.rejected + leads.queued + leads.skipped).toBe(leads.extracted);
      expect(leads.loaded).toBeGreaterThan(250);
      // One chunk, and one accepted job, per worker; more than one worker took a chunk.
      const [plan] = await q(`select plan_id from etl.load_plans where object = 'leads' order by plan_id desc limit 1`);
      const chunks = await q(`select status, worker_id from etl.load_chunks where plan_id = $1`, [plan.plan_id]);
      expect(chunks).toHaveLength(workers);
      expect(chunks.every((c) => c.status === 'done')).toBe(true);
      expect(new Set(chunks.map((c) => c.worker_id)).size).toBeGreaterThanOrEqual(2);
      const jobs = await jobCalls(from);
      expect(jobs).toEqual(Array(workers).fill({ status: 201, code: 'SUCCESS' }));
      // Nothing went through the records API (every record came back in a job's result).
      const [batches] = await q(`select count(*)::int as n from sandbox_zoho.request_log where id > $1 and path like '/crm/v8/Leads%' and method in ('POST','PUT')`, [from]);
      expect(batches.n).toBe(0);
      expect(await org('Leads', 'leads')).toEqual({ records: leads.loaded, keys: leads.loaded, mapped: leads.loaded, mappedIds: leads.loaded, missing: 0 });
      const log = await q(`select count(*)::int as n, count(distinct source_key)::int as keys from etl.load_log where run_id = $1 and object = 'leads' and action = 'insert'`, [r.runId]);
      expect(log[0]).toEqual({ n: leads.loaded, keys: leads.loaded });
    }, 120_000);
  }
});
