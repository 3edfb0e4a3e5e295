/**
 * The bundled Leadtrekker sample through every step of leadtrekker-to-zoho (the real CLI, the
 * sandbox org), then what a person and an analyst read: the report, `status`, the hand-off
 * documents, the comments and snake_case views in the database and the model catalogue. Every
 * figure they show is checked against etl.record_status, read here with SQL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { decodePng, findChromium, inkStats, measureLayout, screenshot } from '../helpers/chromium.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';

const P = 'leadtrekker-to-zoho';
let db: TestDb;
let out: string;
let all: Awaited<ReturnType<typeof runCli>>;
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
const cli = (args: string[]) => runCli([P, ...args], { DATABASE_URL: db.url });

/** Per object, the count of each state, from etl.record_status. */
async function stateCounts(): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of await q(`select object, state, count(*)::int as n from etl.record_status where pipeline = $1 group by 1, 2`, [P])) (out[r.object] ??= {})[r.state] = r.n;
  return out;
}

/** The per-object table of report.html: object -> [to load, loaded, waiting, rejected, skipped, not yet attempted]. */
function reportTable(html: string): Record<string, string[]> {
  const table = html.slice(html.indexOf('<caption>Per destination object (current state)</caption>'));
  const body = table.slice(0, table.indexOf('</table>'));
  const rows: Record<string, string[]> = {};
  for (const m of body.matchAll(/<tr><td>([a-z_]+)<\/td>((?:<td class="n">[^<]*<\/td>)+)<\/tr>/g)) rows[m[1]!] = [...m[2]!.matchAll(/<td class="n">([^<]*)<\/td>/g)].map((x) => x[1]!.replace(/,/g, ''));
  return rows;
}

beforeAll(async () => {
  db = await createTestDb();
  out = mkdtempSync(path.join(tmpdir(), 'crm-state-'));
  all = await runCli([P, '--out', out, '--json'], { DATABASE_URL: db.url });
  expect(all.exitCode, all.stderr).toBe(0);
}, 300_000);
afterAll(async () => {
  await db?.drop();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('the report counts records by their current state', () => {
  it('is rewritten after the load, and the run summary says where it is', async () => {
    expect(all.json.report.html).toBe(path.join(out, 'report', 'report.html'));
    expect(all.stderr).toMatch(/report \(after load\): \d+ loaded, \d+ waiting/);
    const state = await stateCounts();
    for (const [object, c] of Object.entries(all.json.report.counts.state as Record<string, Record<string, number>>)) {
      expect(c.loaded, object).toBe(state[object]?.loaded ?? 0);
      expect(c.queued, object).toBe(state[object]?.queued ?? 0);
      expect(c.rejected, object).toBe(state[object]?.rejected ?? 0);
      expect(c.loaded + c.queued + c.rejected + c.skipped + c.not_attempted, object).toBe(c.to_load);
    }
    // The HTML table shows the same figures, one row per object, none cut.
    const rows = reportTable(readFileSync(all.json.report.html, 'utf8'));
    expect(Object.keys(rows).sort()).toEqual(leadtrekkerToZoho.objects.map((o) => o.name).sort());
    for (const [object, cells] of Object.entries(rows)) {
      const s = state[object] ?? {};
      expect(cells.slice(1, 5).map(Number), object).toEqual([s.loaded ?? 0, s.queued ?? 0, s.rejected ?? 0, s.skipped ?? 0]);
    }
    // Printed without --json too.
    const text = await cli(['report', '--out', out]);
    expect(text.stdout).toContain(`report: ${path.join(out, 'report', 'report.html')}`);
    expect(text.stdout).toContain(`model catalogue: ${path.join(out, 'docs', 'index.html')}`);
  });

  it('keeps the event history apart: load_log has more events than there are records', async () => {
    const events = (await q(`select count(*)::int as n from etl.load_log where pipeline = $1 and object = 'leads'`, [P]))[0].n;
    const records = (await q(`select count(*)::int as n from etl.record_status where pipeline = $1 and object = 'leads'`, [P]))[0].n;
    expect(events).toBeGreaterThan(records);
    const html = readFileSync(path.join(out, 'report', 'report.html'), 'utf8');
    expect(html).toContain('Event history (etl.load_log)');
    expect(all.json.report.counts.load_log.leads).toBeDefined();
  });
});

describe('status', () => {
  it('says what is loaded, what waits and why, what was rejected and why, and what to do next; records no run', async () => {
    const runs = (await q(`select count(*)::int as n from etl.runs`))[0].n;
    const text = await cli(['status', '--out', out]);
    expect(text.exitCode, text.stderr).toBe(0);
    const state = await stateCounts();
    const leads = text.stdout.split('\n').find((l) => /^\s+leads\s/.test(l))!;
    expect(leads.trim().split(/\s+/).slice(2, 5).map((x) => Number(x.replace(/,/g, '')))).toEqual([state.leads!.loaded, state.leads!.queued ?? 0, state.leads!.rejected ?? 0]);
    expect(text.stdout).toMatch(/Waiting, and why:\n\s+\d+\s+(USER \(on [a-z.]+@ltk-demo\.co\.za\)|WAITING_FOR_PARENT): /);
    // the records that wait for a parent, and the owners' own
    expect(text.stdout).toMatch(/Waiting, and why:[\s\S]*\d+\s+USER \(on [a-z.]+@ltk-demo\.co\.za\): /);
    expect(text.stdout).toMatch(/Rejected, and why:[\s\S]*MISSING_LAST_NAME: leads 3; e\.g\. MISSING_LAST_NAME: lead LT-\d+ has no name/);
    expect(text.stdout).toMatch(/Next:\n\s+1\. \d+ record\(s\) owned by \S+ .*wait: \S+ has no active zoho user/);

    const json = await cli(['status', '--out', out, '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(json.json.status).toBe('done');
    for (const o of json.json.objects) {
      expect(o.loaded, o.object).toBe(state[o.object]?.loaded ?? 0);
      expect(o.queued, o.object).toBe(state[o.object]?.queued ?? 0);
    }
    const waitingRows = (await q(`select count(*)::int as n from etl.record_status where pipeline = $1 and state = 'queued'`, [P]))[0].n;
    expect(json.json.waiting.reduce((n: number, w: { records: number }) => n + w.records, 0)).toBe(waitingRows);
    expect(json.json.owners.map((o: { key: string }) => o.key)).toContain('pieter@ltk-demo.co.za');
    expect(json.json.documents.report).toBe(path.join(out, 'report', 'report.html'));
    expect((await q(`select count(*)::int as n from etl.runs`))[0].n).toBe(runs);
    // a usage error is refused like any other step's
    const bad = await cli(['status', '--size', '5']);
    expect(bad.exitCode).toBe(2);
  }, 60_000);
});

describe('after a load with a fallback owner', () => {
  let load: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    load = await cli(['load', '--fallback-owner', 'thandi@ltk-demo.co.za', '--out', out, '--json']);
    expect(load.exitCode, load.stderr).toBe(0);
  }, 240_000);

  it('no lead waits any more, and status, the report and reconcile all say so', async () => {
    const state = await stateCounts();
    expect(state.leads!.queued ?? 0).toBe(0);
    const st = await cli(['status', '--out', out, '--json']);
    expect(st.json.objects.find((o: { object: string }) => o.object === 'leads').queued).toBe(0);
    expect(st.json.owners).toEqual([]);
    expect(reportTable(readFileSync(path.join(out, 'report', 'report.html'), 'utf8')).leads![2]).toBe('0');

    const before = await q(`select * from etl.reconciliation where run_id = $1 order by object`, [load.json.run_id]);
    const rec = await cli(['reconcile', '--out', out, '--json']);
    expect(rec.exitCode, rec.stderr).toBe(0);
    // recorded under its own run: the load run's figures stay as they were
    expect(rec.json.reconciliation.run_id).toBe(rec.json.run_id);
    expect(await q(`select * from etl.reconciliation where run_id = $1 order by object`, [load.json.run_id])).toEqual(before);
    const leads = rec.json.reconciliation.objects.find((o: { object: string }) => o.object === 'leads');
    expect([leads.loaded, leads.queued, leads.rejected]).toEqual([state.leads!.loaded, 0, state.leads!.rejected ?? 0]);
    expect(leads.gaps).toEqual([]);
    expect(rec.stderr).toMatch(/report \(after reconcile\)/);
  }, 120_000);

  it('hand-off documents agree with each other and with the current state', async () => {
    const h = await cli(['handoff', '--out', out, '--json']);
    expect(h.exitCode, h.stderr).toBe(0);
    const dir = path.join(out, 'handoff');
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    const csvRows = (f: string) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n').slice(1).filter(Boolean);
    const notMigrated = csvRows('not-migrated.csv');
    const viewRows = (await q(`select count(*)::int as n from leadtrekker_to_zoho.handoff_not_migrated`))[0].n;
    expect(viewRows).toBeGreaterThan(0);
    expect(notMigrated.length).toBe(viewRows + (leadtrekkerToZoho.notMigrated?.length ?? 0));
    const section = readme.slice(readme.indexOf('## What does not migrate'), readme.indexOf('## Reconciliation queue'));
    expect(section).not.toContain('_None._');
    expect(section).toContain(`${notMigrated.length} item(s); not-migrated.csv holds the same rows.`);
    expect(existsSync(path.join(dir, 'handoff-not-migrated.csv'))).toBe(false);
    // open and resolved apart: every resolved item is out of the open list
    const open = csvRows('reconciliation-queue.csv').map((l) => l.split(',').slice(0, 2).join(','));
    const resolved = csvRows('reconciliation-queue-resolved.csv').map((l) => l.split(',').slice(0, 2).join(','));
    expect(resolved.length).toBe((await q(`select count(*)::int as n from etl.queue_items where pipeline = $1 and status <> 'open'`, [P]))[0].n);
    expect(resolved.length).toBeGreaterThan(0);
    expect(open.length).toBe((await q(`select count(*)::int as n from etl.queue_items where pipeline = $1 and status = 'open'`, [P]))[0].n);
    for (const r of resolved) expect(open).not.toContain(r);
    // the same state table as status
    const stateRows = csvRows('record-status.csv');
    const st = await stateCounts();
    expect(stateRows.find((l) => l.startsWith('leads,'))!.split(',')[2]).toBe(String(st.leads!.loaded));
    // an owner matched to an inactive Zoho user is told to reactivate it, not to provision a new one
    const sipho = csvRows('users.csv').find((l) => l.startsWith('sipho@'))!;
    expect(sipho).toMatch(/,inactive,"?a Zoho user with this email exists but is inactive: reactivate it/);
    expect(sipho).not.toMatch(/provision/);
    // what setup created is ticked
    const checklist = csvRows('custom-fields-checklist.csv');
    expect(checklist.length).toBeGreaterThan(0);
    for (const l of checklist) expect(l, l).toMatch(/,"?yes \((setup run|in place, setup run) \d+\)"?$/);
  }, 120_000);
});

describe('for the analyst', () => {
  const schemas = ['raw_leadtrekker', 'stg_leadtrekker', 'dq_leadtrekker', 'leadtrekker_to_zoho', 'dq_leadtrekker_to_zoho'];

  it('comments every schema, table, view and column of the pipeline', async () => {
    const missingRel = await q(
      `select n.nspname || '.' || c.relname as rel from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1) and c.relkind in ('r','v','m') and obj_description(c.oid, 'pg_class') is null`,
      [schemas],
    );
    expect(missingRel).toEqual([]);
    const missingCol = await q(
      `select n.nspname || '.' || c.relname || '.' || a.attname as col from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1) and c.relkind in ('r','v','m') and a.attnum > 0 and not a.attisdropped and col_description(c.oid, a.attnum) is null`,
      [schemas],
    );
    expect(missingCol).toEqual([]);
    const missingSchema = await q(`select nspname from pg_namespace where nspname = any($1) and obj_description(oid, 'pg_namespace') is null`, [[...schemas, 'etl']]);
    expect(missingSchema).toEqual([]);
    // the model's header comment is the view's comment; a comment beside a column is the column's
    const [leads] = await q(`select obj_description('leadtrekker_to_zoho.leads'::regclass, 'pg_class') as c`);
    expect(leads.c).toMatch(/^Zoho CRM Leads, one row per Leadtrekker lead/);
    const [phone] = await q(
      `select col_description('leadtrekker_to_zoho.leads'::regclass, (select attnum from pg_attribute where attrelid = 'leadtrekker_to_zoho.leads'::regclass and attname = 'Phone')) as c`,
    );
    expect(phone.c).toMatch(/^E\.164 when the number parses/);
    const [status] = await q(
      `select col_description('etl.record_status'::regclass, (select attnum from pg_attribute where attrelid = 'etl.record_status'::regclass and attname = 'state')) as c`,
    );
    expect(status.c).toMatch(/^loaded, rejected, queued/);
  });

  it('has a snake_case view beside each API-named load view, with the same rows', async () => {
    for (const o of leadtrekkerToZoho.objects) {
      const view = o.view ?? o.name;
      const cols = (await q(`select column_name from information_schema.columns where table_schema = 'leadtrekker_to_zoho' and table_name = $1 order by ordinal_position`, [`${view}_snake`])).map(
        (r) => r.column_name as string,
      );
      expect(cols.length, view).toBe((await q(`select count(*)::int as n from information_schema.columns where table_schema = 'leadtrekker_to_zoho' and table_name = $1`, [view]))[0].n);
      for (const c of cols) expect(c, view).toMatch(/^_?[a-z0-9]+(_[a-z0-9]+)*$/);
      const [a] = await q(`select count(*)::int as n from leadtrekker_to_zoho.${view}`);
      const [b] = await q(`select count(*)::int as n from leadtrekker_to_zoho.${view}_snake`);
      expect(b.n, view).toBe(a.n);
    }
    const [row] = await q(`select first_name, last_name, lead_status from leadtrekker_to_zoho.leads_snake where source_key = 'leads:LT-100001'`);
    const [api] = await q(`select "First_Name", "Last_Name", "Lead_Status" from leadtrekker_to_zoho.leads where source_key = 'leads:LT-100001'`);
    expect(Object.values(row)).toEqual(Object.values(api));
  });

  it('writes a catalogue page: models, columns, comments, lineage and tests', async () => {
    const file = path.join(out, 'docs', 'index.html');
    const html = readFileSync(file, 'utf8');
    const section = html.slice(html.indexOf('id="m-leadtrekker_to_zoho-leads"'));
    const leads = section.slice(0, section.indexOf('</section>'));
    expect(leads).toContain('Zoho CRM Leads, one row per Leadtrekker lead');
    expect(leads).toMatch(/<b>Reads<\/b> .*<a href="#m-stg_leadtrekker-leads">stg_leadtrekker\.leads<\/a>/);
    expect(leads).toContain('leadtrekker_to_zoho.leads_snake');
    expect(leads).toMatch(/<li><code>not_null\(/);
    expect(leads).toContain('<td class="code">Phone</td><td class="type">text</td><td>E.164 when the number parses');
    // lineage the other way: the staging model names the view that reads it
    const stg = html.slice(html.indexOf('id="m-stg_leadtrekker-leads"'));
    expect(stg.slice(0, stg.indexOf('</section>'))).toMatch(/<b>Read by<\/b> .*leadtrekker_to_zoho\.leads/);
    expect(html).toContain('etl.record_status');
    expect(all.json.report.catalogue.uncommented).toBe(0);
  });
});

const chromium = findChromium();
describe('the report in a browser at 1400 px', () => {
  it.skipIf(!chromium)('draws a page that is not blank, with nothing wider than the window and no table cut', () => {
    const html = path.join(out, 'report', 'report.html');
    const shot = screenshot(chromium!, html, 1400, 2000);
    expect(shot.status, shot.stderr).toBe(0);
    const px = decodePng(readFileSync(shot.png));
    expect([px.width, px.height]).toEqual([1400, 2000]);
    const ink = inkStats(px);
    expect(ink.colours).toBeGreaterThan(50); // text, bars, cards: not one flat colour
    expect(ink.ink).toBeGreaterThan(0.05);
    const layout = measureLayout(chromium!, html, 1400, 2000);
    expect(layout.innerWidth).toBe(1400);
    expect(layout.overflowing).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(1400);
    expect(layout.clippedTables).toEqual([]);
    // the measurement sees overflow when there is some: the same page with one over-wide row
    const wide = path.join(out, 'report', 'wide.html');
    writeFileSync(wide, readFileSync(html, 'utf8').replace('</body>', '<div style="width:1900px">x</div></body>'));
    expect(measureLayout(chromium!, wide, 1400, 2000).overflowing.length).toBeGreaterThan(0);
  }, 240_000);
  it.runIf(!chromium)('is skipped: no chromium found (apt-get install chromium)', () => {
    console.warn('report screenshot check skipped: chromium, chromium-browser or google-chrome not found on PATH (Debian: apt-get install chromium)');
  });
});
