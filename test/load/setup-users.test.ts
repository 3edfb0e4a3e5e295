/**
 * setup (plan, --apply, idempotent re-run, admin checklist for what the API cannot create),
 * users (unmatched owners queued with their records, --fallback-owner) and attachments
 * (uploaded; oversize queued; paths escaping the export refused), in-process against the
 * sandbox over HTTP and a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { makeExport } from './fixture.ts';
import { prepare, runStep } from './harness.ts';

let db: TestDb;
let input: string;
let out: string;
const GHOST = 'ghost.owner@ltk-demo.co.za';

// The attachments object as the load engine reads it (path, file name, parent lookup).
const pipeline: PipelineDefinition = {
  ...leadtrekkerToZoho,
  objects: leadtrekkerToZoho.objects.map((o) =>
    o.name === 'attachments' ? { ...o, attachment: { pathColumn: 'file_path', fileNameColumn: 'File_Name', contentTypeColumn: 'Content_Type', parent: 'Parent_Id' } } : o,
  ),
};

beforeAll(async () => {
  db = await createTestDb();
  out = mkdtempSync(path.join(tmpdir(), 'crm-setup-out-'));
  input = makeExport({
    leads: 30,
    owners: ['thandi@ltk-demo.co.za', GHOST],
    attachments: [
      { id: 'ATT-1', lead: 'LT-500001', name: 'quote.pdf', path: 'LT-500001/quote.pdf', size: 400 },
      { id: 'ATT-2', lead: 'LT-500002', name: 'big.pdf', path: 'LT-500002/big.pdf', size: 900 },
      { id: 'ATT-3', lead: 'LT-500003', name: 'passwd', path: '../../etc/passwd', size: 10 },
      { id: 'ATT-4', lead: 'LT-500004', name: 'link.txt', path: 'LT-500004/link.txt', size: 10 },
    ],
  });
  mkdirSync(path.join(input, 'files', 'LT-500001'), { recursive: true });
  mkdirSync(path.join(input, 'files', 'LT-500002'), { recursive: true });
  mkdirSync(path.join(input, 'files', 'LT-500004'), { recursive: true });
  writeFileSync(path.join(input, 'files', 'LT-500001', 'quote.pdf'), Buffer.alloc(400, 1));
  writeFileSync(path.join(input, 'files', 'LT-500002', 'big.pdf'), Buffer.alloc(900, 2));
  symlinkSync('/etc/hostname', path.join(input, 'files', 'LT-500004', 'link.txt'));
  await prepare(db, pipeline, input, ['extract', 'transform']);
}, 120_000);
afterAll(async () => {
  await db?.drop();
  for (const d of [input, out]) if (d) rmSync(d, { recursive: true, force: true });
});

const q = async (sql: string, p: unknown[] = []) => (await db.pool.query(sql, p)).rows;

describe('setup', () => {
  it('prints a plan and stops (exit 3) without --apply; --apply makes it; a re-run finds everything in place', async () => {
    const plan = await runStep(db, pipeline, 'setup', input, { strictGates: true });
    expect(plan.error?.code).toBe('SETUP_NOT_APPLIED');
    expect(plan.error?.exitCode).toBe(3);
    const planned = (plan.ctx.summary.setup as { planned: string[] }).planned;
    expect(planned.some((p) => p.startsWith('create field Leads.CRM_Migrate_Key (text, unique)'))).toBe(true);
    expect(planned.some((p) => p.startsWith('add') && p.includes('Leads.Lead_Source'))).toBe(true);
    const [fields0] = await q(`select count(*)::int as n from sandbox_zoho.fields where api_name = 'CRM_Migrate_Key'`);
    expect(fields0.n).toBe(0); // nothing was changed

    const applied = await runStep(db, pipeline, 'setup', input, { strictGates: true, apply: true });
    expect(applied.error, applied.logs.join('\n')).toBeUndefined();
    const s = applied.ctx.summary.setup as { done: string[]; checklist: string[] };
    expect(s.checklist).toEqual([]);
    const modules = [...new Set(pipeline.objects.filter((o) => !o.attachment).map((o) => o.module))];
    const keys = await q(`select module from sandbox_zoho.fields where api_name = 'CRM_Migrate_Key' order by 1`);
    expect(keys.map((k) => k.module)).toEqual([...modules].sort());

    const again = await runStep(db, pipeline, 'setup', input, { strictGates: true });
    expect(again.error).toBeUndefined();
    expect((again.ctx.summary.setup as { done: string[] }).done).toEqual([]);
  }, 90_000);

  it('writes the admin checklist and stops at exit 3 for what it cannot create; creates custom modules where allowed', async () => {
    const visitField = { module: 'Site_Visits', field: 'Visit_Notes', label: 'Visit Notes', type: 'text' as const };
    // A field on a module nobody asked setup to create: only a person can sort that out.
    const orphanField: PipelineDefinition = { ...pipeline, schema: { ...pipeline.schema, fields: [...(pipeline.schema?.fields ?? []), visitField] } };
    const r = await runStep(db, orphanField, 'setup', input, { strictGates: true, apply: true, out });
    expect(r.error?.code).toBe('ADMIN_CHECKLIST');
    expect(r.error?.exitCode).toBe(3);
    const md = readFileSync(path.join(out, 'admin-checklist.md'), 'utf8');
    expect(md).toMatch(/- \[ \] Module Site_Visits does not exist in the destination \(needed for Visit_Notes/);
    const withModule: PipelineDefinition = { ...pipeline, schema: { ...pipeline.schema, modules: [{ apiName: 'Site_Visits', label: 'Site Visits', fields: [visitField] }] } };
    // Where the API may create it, setup does, then the module's fields; a re-run has nothing to do.
    const ok = await runStep(db, withModule, 'setup', input, { strictGates: true, apply: true, out }, { CRM_SANDBOX_ORG: JSON.stringify({ allowCustomModules: true }) });
    expect(ok.error, ok.logs.join('\n')).toBeUndefined();
    const [f] = await q(`select count(*)::int as n from sandbox_zoho.fields where module = 'Site_Visits' and api_name = 'Visit_Notes'`);
    expect(f.n).toBe(1);
    const again = await runStep(db, withModule, 'setup', input, { strictGates: true, out });
    expect(again.error).toBeUndefined();
  }, 90_000);
});

describe('users and load', () => {
  it('queues unmatched owners with their records; load queues them, or writes them to --fallback-owner', async () => {
    const u = await runStep(db, pipeline, 'users', input);
    expect(u.error).toBeUndefined();
    const queue = await q(`select key, held from etl.reconciliation_queue where kind = 'user' and status = 'open'`);
    expect(queue.map((x) => x.key)).toEqual([GHOST]);
    expect(queue[0].held).toBe(15); // every other lead is the ghost's
    // The sample's users include one whose Zoho user is inactive: reported.
    expect((u.ctx.summary.users as { inactive: string[] }).inactive).toEqual(['sipho@ltk-demo.co.za']);

    const first = await runStep(db, pipeline, 'load', input, {}, { ZOHO_MAX_ATTACHMENT_BYTES: '500' });
    expect(first.error, first.logs.join('\n')).toBeUndefined();
    const [gate] = await q(`select status from etl.run_steps where run_id = $1 and name = 'gate:OWNERS_UNMATCHED'`, [first.ctx.runId]);
    expect(gate.status).toBe('auto-passed');
    const leads = (first.ctx.summary.objects as { object: string; loaded: number; queued: number }[]).find((o) => o.object === 'leads')!;
    expect(leads).toMatchObject({ loaded: 15, queued: 15 });

    const second = await runStep(db, pipeline, 'load', input, { fallbackOwner: 'admin@sandbox.example' }, { ZOHO_MAX_ATTACHMENT_BYTES: '500' });
    expect(second.error, second.logs.join('\n')).toBeUndefined();
    const l2 = (second.ctx.summary.objects as { object: string; loaded: number; already_loaded: number; queued: number }[]).find((o) => o.object === 'leads')!;
    expect(l2).toMatchObject({ loaded: 15, already_loaded: 15, queued: 0 });
    const [admin] = await q(`select id from sandbox_zoho.users where email = 'admin@sandbox.example'`);
    const [owned] = await q(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads' and data->'Owner'->>'id' = $1`, [admin.id]);
    expect(owned.n).toBe(15);
    const [args] = await q(`select args->>'fallback_owner_id' as id from etl.runs where run_id = $1`, [second.ctx.runId]);
    expect(args.id).toBe(admin.id);
    // The ghost's queue row held exactly those leads; all written now, so it is resolved.
    const [ghostRow] = await q(`select status, waiting from etl.reconciliation_queue where kind = 'user' and key = $1`, [GHOST]);
    expect(ghostRow).toEqual({ status: 'resolved', waiting: 0 });
    // every lead's current state is loaded
    const states = await q(`select state, count(*)::int as n from etl.record_status where object = 'leads' group by 1`);
    expect(states).toEqual([{ state: 'loaded', n: 30 }]);

    // Attachments: the small file uploaded to its lead, the oversize one queued, the escaping ones refused.
    const att = (second.ctx.summary.objects as { object: string; extracted: number; loaded: number; rejected: number; queued: number; already_loaded: number; skipped: number }[]).find((o) => o.object === 'attachments')!;
    expect(att.extracted).toBe(4);
    expect(att.loaded + att.rejected + att.queued + att.already_loaded + att.skipped).toBe(4);
    const files = await q(`select file_name, size from sandbox_zoho.attachments order by 1`);
    expect(files).toEqual([{ file_name: 'quote.pdf', size: 400 }]);
    const rejects = await q(`select source_key, reason_code from etl.rejects where object = 'attachments' and run_id = $1 order by 1`, [second.ctx.runId]);
    expect(rejects).toEqual([
      { source_key: 'attachments:ATT-3', reason_code: 'ATTACHMENT_PATH_UNSAFE' },
      { source_key: 'attachments:ATT-4', reason_code: 'ATTACHMENT_PATH_UNSAFE' },
    ]);
    const [over] = await q(`select detail from etl.reconciliation_queue where kind = 'attachment_oversize' and key = 'attachments:ATT-2'`);
    expect(over.detail).toMatch(/big\.pdf \(900 bytes/);
    expect(existsSync(path.join(input, 'files'))).toBe(true);
  }, 120_000);
});

describe('bulk write', () => {
  it('loads an object above the bulk threshold through one Bulk Write job, keyed, with the same result', async () => {
    const before = await q(`select data->>'CRM_Migrate_Key' as k, jsonb_strip_nulls(data - 'Owner') as d from sandbox_zoho.records where module = 'Leads' order by 1`);
    await q(`delete from sandbox_zoho.records where module = 'Leads'`);
    await q(`delete from etl.id_map where object = 'leads'`);
    const r = await runStep(db, pipeline, 'load', input, { fallbackOwner: 'admin@sandbox.example' }, { ZOHO_BULK_THRESHOLD: '10', ZOHO_MAX_ATTACHMENT_BYTES: '500', CRM_SANDBOX_ORG: JSON.stringify({ bulkStepMs: 50 }) });
    expect(r.error, r.logs.join('\n')).toBeUndefined();
    const leads = (r.ctx.summary.objects as { object: string; extracted: number; loaded: number; rejected: number }[]).find((o) => o.object === 'leads')!;
    expect(leads).toMatchObject({ extracted: 30, loaded: 30, rejected: 0 });
    const [jobs] = await q(`select count(*)::int as n from sandbox_zoho.request_log where method = 'POST' and path = '/crm/bulk/v8/write'`);
    expect(jobs.n).toBe(1);
    const after = await q(`select data->>'CRM_Migrate_Key' as k, jsonb_strip_nulls(data - 'Owner') as d from sandbox_zoho.records where module = 'Leads' order by 1`);
    expect(after).toEqual(before);
  }, 90_000);
});
