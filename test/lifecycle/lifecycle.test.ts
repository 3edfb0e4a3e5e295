/**
 * The migration lifecycle on leadtrekker-to-zoho against the sandbox org, through the real CLI:
 * sample -> verify (clean) -> the load gate -> approve -> load -> a mapping broken on purpose ->
 * delta (2 changed, 1 added, 1 removed) -> delta again (nothing) -> rollback of the delta ->
 * rollback --all, with the org compared to its earlier states each time.
 * Assertions are relations to what the views and etl hold, so the pipeline can grow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { inProcess, orgProbe } from './helpers.ts';
import { STEP_INFO } from '../../engine/steps/catalog.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { parse } from 'csv-parse/sync';
import { editExport, sliceExport } from './export-copy.ts';

const P = 'leadtrekker-to-zoho';
let db: TestDb;
let tmp: string;
let input: string;
let out: string;
// Reports go to the test's folder: --out for every step that writes one (the others refuse it).
const withOut = (args: string[]) => [P, ...args, ...(STEP_INFO[args[0]!]?.flags.includes('out') ? ['--out', out] : []), '--json'];
const cli = (args: string[]) => inProcess(db.url, withOut(args));
const spawnCli = (args: string[]) => runCli(withOut(args), { DATABASE_URL: db.url });
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;

/** What rollback promises to restore: records and files (fields and picklists belong to setup). */
type OrgState = { records: Record<string, Record<string, unknown>> };
const orgState = async () => (await orgProbe<OrgState>(leadtrekkerToZoho, db.pool as never)).state();
const orgDiff = async (a: OrgState, b: OrgState) => (await orgProbe<OrgState>(leadtrekkerToZoho, db.pool as never)).diff(a, b);

let before: Awaited<ReturnType<typeof orgState>>;
let afterLoad: Awaited<ReturnType<typeof orgState>>;
let sampleRun: number;
let fallback: string;

beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(path.join(tmpdir(), 'lifecycle-'));
  out = path.join(tmp, 'out');
  input = path.join(tmp, 'export');
  // A slice of the bundled export keeps the test fast; the pipeline sees a complete export.
  sliceExport(leadtrekkerToZoho.source.sampleDir, input, 'leads.csv', 25);
  for (const step of ['extract', 'transform', 'setup', 'users']) {
    const args = step === 'extract' ? [step, '--input', input] : step === 'setup' ? [step, '--apply'] : [step];
    const r = await cli(args);
    expect(r.exitCode, `${step}: ${r.stderr}`).toBe(0);
  }
  before = await orgState();
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('migration lifecycle (leadtrekker-to-zoho, sandbox)', () => {
  it('samples every status and source value, the DQ cases and their parents, and verifies them clean', async () => {
    const r = await spawnCli(['sample', '--size', '5']);
    expect(r.exitCode, r.stderr).toBe(0);
    sampleRun = r.json.run_id;
    expect(r.json.verify.mismatches).toBe(0);
    expect(r.json.verify.records).toBeGreaterThan(0);

    const keys = await q('select object, source_key from etl.sample_keys where run_id = $1', [sampleRun]);
    const leadKeys = new Set(keys.filter((k) => k.object === 'leads').map((k) => k.source_key));
    // Every Lead_Status and Lead_Source value of the view is in the sample.
    for (const col of ['Lead_Status', 'Lead_Source']) {
      const values = await q(`select distinct "${col}" as v from leadtrekker_to_zoho.leads where "${col}" is not null`);
      const sampled = await q(`select distinct "${col}" as v from leadtrekker_to_zoho.leads where source_key = any($1) and "${col}" is not null`, [[...leadKeys]]);
      expect(sampled.map((x) => x.v).sort()).toEqual(values.map((x) => x.v).sort());
    }
    // Every sampled activity's lead is sampled too (dependencies follow lookups).
    for (const o of leadtrekkerToZoho.objects.filter((x) => x.lookups)) {
      for (const [field, target] of Object.entries(o.lookups!)) {
        if (target !== 'leads') continue;
        const mine = keys.filter((k) => k.object === o.name).map((k) => k.source_key);
        const parents = await q(`select distinct "${field}" as p from leadtrekker_to_zoho.${o.view ?? o.name} where source_key = any($1) and "${field}" is not null`, [mine]);
        for (const p of parents) if ((await q('select 1 from leadtrekker_to_zoho.leads where source_key = $1', [p.p])).length) expect(leadKeys.has(p.p), `${o.name} -> ${p.p}`).toBe(true);
      }
    }
    // Hard cases: a lead the DQ views flag is in the sample (when any is flagged).
    const flagged = await q(
      `select distinct l.source_key from leadtrekker_to_zoho.leads l join dq_leadtrekker_to_zoho.findings f on f.object = 'leads' and (f.source_key = l.source_key or l.source_key like '%:' || f.source_key)`,
    ).catch(() => []);
    if (flagged.length) expect(flagged.some((f) => leadKeys.has(f.source_key))).toBe(true);
    // Only the slice was written: every lead in the org is a sampled one.
    const written = await q(`select source_key from etl.id_map where pipeline = $1 and object = 'leads'`, [P]);
    expect(written.length).toBeGreaterThan(0);
    for (const w of written) expect(leadKeys.has(w.source_key)).toBe(true);

    const html = readFileSync(path.join(out, 'verify', 'verify.html'), 'utf8');
    expect(html).toMatch(/No mismatches/);
    expect(readFileSync(path.join(out, 'verify', 'diff.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
    // Reconciliation per phase was recorded for the sample load.
    expect((await q('select count(*)::int as n from etl.reconciliation where run_id = $1', [sampleRun]))[0].n).toBeGreaterThan(0);
  }, 60_000);

  it('stops a full load at exit 3 until the sample is approved, then loads', async () => {
    const users = await q(`select m.source_email from etl.user_map m join sandbox_zoho.users u on u.id = m.dest_user_id where u.status = 'active' and m.pipeline = $1 order by 1`, [P]);
    fallback = users[0].source_email;
    const stopped = await cli(['load', '--strict-gates', '--fallback-owner', fallback]);
    expect(stopped.exitCode, stopped.stderr).toBe(3);
    expect(stopped.json.error.code).toBe('SAMPLE_NOT_APPROVED');

    const noName = await cli(['approve']);
    expect(noName.exitCode).toBe(2);
    const ok = await cli(['approve', '--by', 'Thandi Mokoena']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.json.approval.approved_by).toBe('Thandi Mokoena');

    const load = await cli(['load', '--strict-gates', '--fallback-owner', fallback]);
    expect(load.exitCode, load.stderr).toBe(0);
    expect(load.stderr).toMatch(/sample approved by Thandi Mokoena/);
    // Reconciliation per phase, in the run report and in etl, one row per object loaded.
    const phases = load.json.reconciliation as { object: string; mapped: number; in_destination: number | null }[];
    expect(phases.map((x) => x.object)).toEqual(Object.keys(load.json.objects));
    expect((await q('select count(*)::int as n from etl.reconciliation where run_id = $1', [load.json.run_id]))[0].n).toBe(phases.length);
    afterLoad = await orgState();
    expect(Object.keys(afterLoad.records.Leads ?? {}).length).toBeGreaterThan(Object.keys(before.records.Leads ?? {}).length);

    const rec = await cli(['reconcile']);
    expect(rec.exitCode, rec.stderr).toBe(0);
    const leads = rec.json.reconciliation.objects.find((o: { object: string }) => o.object === 'leads');
    expect(leads.view_count).toBe((await q('select count(*)::int as n from leadtrekker_to_zoho.leads'))[0].n);
    expect(leads.in_destination).toBe(leads.mapped);
    expect(leads.loaded + leads.already_loaded + leads.rejected + leads.queued + leads.skipped).toBe(leads.extracted);
  }, 90_000);

  it('reports field mismatches when a mapping is broken on purpose, and approve refuses that sample', async () => {
    // The view now says to write another last name than the org holds.
    const cols = (await q(`select column_name from information_schema.columns where table_schema = 'leadtrekker_to_zoho' and table_name = 'leads' order by ordinal_position`)).map(
      (c) => c.column_name as string,
    );
    await db.pool.query(`alter view leadtrekker_to_zoho.leads rename to leads_good`);
    await db.pool.query(
      `create view leadtrekker_to_zoho.leads as select ${cols.map((c) => (c === 'Last_Name' ? `'Broken ' || "Last_Name" as "Last_Name"` : `"${c}"`)).join(', ')} from leadtrekker_to_zoho.leads_good`,
    );
    try {
      const r = await cli(['verify']);
      expect(r.exitCode).toBe(1);
      expect(r.json.error.code).toBe('VERIFY_MISMATCH');
      const diffs = await q(`select field, expected, actual, reason from etl.verify_diffs where run_id = $1`, [r.json.run_id]);
      expect(diffs.length).toBeGreaterThan(0);
      expect(diffs.filter((d) => !(d.field === 'Last_Name' && d.expected === `Broken ${d.actual}` && d.reason === 'value mismatch'))).toEqual([]);
      const csv = readFileSync(path.join(out, 'verify', 'diff.csv'), 'utf8').trim().split('\n');
      expect(csv.length - 1).toBe(diffs.length);
      expect(readFileSync(path.join(out, 'verify', 'verify.html'), 'utf8')).toMatch(/<svg[^>]*>[\s\S]*leads\.Last_Name/);
      const refused = await cli(['approve', '--by', 'Thandi Mokoena']);
      expect(refused.exitCode).toBe(1);
      expect(refused.json.error.code).toBe('SAMPLE_HAS_MISMATCHES');
    } finally {
      await db.pool.query(`drop view leadtrekker_to_zoho.leads; alter view leadtrekker_to_zoho.leads_good rename to leads`);
    }
  }, 60_000);

  let deltaRun: number;
  it('picks up a delta: exactly the changed, added and removed leads', async () => {
    const loaded = (await q(`select source_key from etl.id_map where pipeline = $1 and object = 'leads' order by md5(source_key) limit 4`, [P])).map((r) =>
      (r.source_key as string).replace(/^leads:/, ''),
    );
    expect(loaded).toHaveLength(4);
    const [c1, c2, gone, template] = loaded as [string, string, string, string];
    const deltaInput = path.join(tmp, 'export-delta');
    editExport(input, deltaInput, 'leads.csv', {
      change: { [c1]: { Name: 'Delta Changed-One' }, [c2]: { Name: 'Delta Changed-Two' } },
      add: [{ like: template, id: 'LT-990001', set: { Name: 'Delta Added-Person', Email: 'delta.added@example.co.za' } }],
      remove: [gone],
    });
    const r = await cli(['delta', '--input', deltaInput, '--fallback-owner', fallback]);
    expect(r.exitCode, r.stderr).toBe(0);
    deltaRun = r.json.run_id;
    const d = r.json.delta.objects;
    expect(d.leads.new).toEqual(['leads:LT-990001']);
    expect([...d.leads.changed].sort()).toEqual([`leads:${c1}`, `leads:${c2}`].sort());
    expect(d.leads.deleted).toEqual([`leads:${gone}`]);
    for (const [obj, x] of Object.entries(d) as [string, { new: string[]; changed: string[] }][]) if (obj !== 'leads') expect([...x.new, ...x.changed], obj).toEqual([]);
    // Written: one insert and two updates of only the changed fields; the removed lead stays.
    const writes = await q(`select object, action, source_key from etl.load_log where run_id = $1 and action in ('insert','update') order by 1, 2, 3`, [deltaRun]);
    expect(writes.map((w) => `${w.action} ${w.source_key}`).sort()).toEqual([`insert leads:LT-990001`, `update leads:${c1}`, `update leads:${c2}`].sort());
    const goneId = (await q(`select dest_id from etl.id_map where pipeline = $1 and object = 'leads' and source_key = $2`, [P, `leads:${gone}`]))[0].dest_id;
    expect((await q(`select 1 from sandbox_zoho.records where module = 'Leads' and id = $1`, [goneId])).length).toBe(1);
    const changedRec = (await q(`select r.data from sandbox_zoho.records r join etl.id_map m on m.dest_id = r.id where m.source_key = $1`, [`leads:${c1}`]))[0].data;
    expect(`${changedRec.First_Name ?? ''} ${changedRec.Last_Name}`).toMatch(/Delta Changed-One/);
    const deletedCsv = readFileSync(path.join(out, 'delta', 'deleted.csv'), 'utf8');
    expect(deletedCsv).toContain(`leads:${gone}`);

    // The same export again writes nothing.
    const snap = await orgState();
    const again = await cli(['delta', '--input', deltaInput, '--fallback-owner', fallback]);
    expect(again.exitCode, again.stderr).toBe(0);
    for (const x of Object.values(again.json.delta.objects) as { new: string[]; changed: string[] }[]) expect([...x.new, ...x.changed]).toEqual([]);
    expect((await q(`select count(*)::int as n from etl.load_log where run_id = $1 and action in ('insert','update')`, [again.json.run_id]))[0].n).toBe(0);
    expect(await orgDiff(snap, await orgState())).toEqual([]);
  }, 90_000);

  it('rolls back the delta to the loaded org, then everything to the org before the sample', async () => {
    const r1 = await cli(['rollback', '--run', String(deltaRun)]);
    expect(r1.exitCode, r1.stderr).toBe(0);
    expect(r1.json.rollback).toMatchObject({ deleted: 1, restored: 2, failed: 0 });
    expect(await orgDiff(afterLoad, await orgState())).toEqual([]);

    const all = await spawnCli(['rollback', '--all']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(await orgDiff(before, await orgState())).toEqual([]);
    expect((await q('select count(*)::int as n from etl.id_map where pipeline = $1', [P]))[0].n).toBe(0);
    const logged = await q(`select action, count(*)::int as n from etl.load_log where run_id = $1 group by 1`, [all.json.run_id]);
    expect(logged.every((l) => l.action === 'delete' || l.action === 'restore')).toBe(true);

    // Idempotent: nothing left to undo.
    const again = await cli(['rollback', '--all']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.json.rollback).toMatchObject({ deleted: 0, restored: 0, failed: 0 });
    expect(await orgDiff(before, await orgState())).toEqual([]);
  }, 90_000);

  it('writes the hand-off documents with formula cells neutralised', async () => {
    const r = await cli(['handoff']);
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = path.join(out, 'handoff');
    for (const f of ['README.md', 'reconciliation-queue.csv', 'custom-fields-checklist.csv', 'attachments-manual.csv', 'not-migrated.csv']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    const views = (await q(`select table_name from information_schema.tables where table_schema = 'leadtrekker_to_zoho' and table_name like 'handoff\\_%'`)).map((v) => v.table_name as string);
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    for (const v of views) {
      const base = v.replace(/^handoff_/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
      // handoff_not_migrated's rows are in not-migrated.csv, beside the pipeline's own list
      const csvName = v === 'handoff_not_migrated' ? 'not-migrated.csv' : r.json.handoff.files.includes(`handoff-${base}.csv`) ? `handoff-${base}.csv` : `${base}.csv`;
      expect(r.json.handoff.files, v).toContain(csvName);
      const rows = (await q(`select count(*)::int as n from leadtrekker_to_zoho.${v}`))[0].n;
      expect(readFileSync(path.join(dir, csvName), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(rows + 1);
    }
    expect(new Set(r.json.handoff.files).size).toBe(r.json.handoff.files.length);
    expect(readme).toMatch(/## Reconciliation queue/);
    expect(readme).toMatch(/## Custom field creation checklist/);
    // The queue holds the owners without a destination user from the sample; resolved items are listed apart.
    const open = (await q(`select count(*)::int as n from etl.reconciliation_queue where pipeline = $1 and status = 'open'`, [P]))[0].n;
    expect(readFileSync(path.join(dir, 'reconciliation-queue.csv'), 'utf8').trim().split('\n')).toHaveLength(open + 1);
    for (const f of r.json.handoff.files.filter((x: string) => x.endsWith('.csv')))
      for (const row of parse(readFileSync(path.join(dir, f), 'utf8'), { relax_column_count: true }) as string[][]) for (const cell of row) expect(cell, f).not.toMatch(/^[=+\-@]/);
  }, 60_000);
});
