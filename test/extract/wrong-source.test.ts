/**
 * Extract knows its source: another CRM's export folder (the real bundled samples) given to a
 * pipeline stops with EXPORT_WRONG_SOURCE before anything lands, naming the folder, what this
 * source lacks in it and whose export it looks like; an incomplete export of its own source
 * names every missing file and column at once. Real CSV folders, real PostgreSQL.
 */
import path from 'node:path';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { extractSource } from '../../engine/extract/extract-source.ts';
import { knownSources } from '../../connectors/sources/index.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { leadtrac } from '../../connectors/sources/leadtrac/index.ts';
import { servicetracker } from '../../connectors/sources/servicetracker/index.ts';
import { CASES } from '../generate/sources.ts';

let db: TestDb;
let work: string;
beforeAll(async () => {
  db = await createTestDb();
  work = mkdtempSync(path.join(tmpdir(), 'wrong-source-'));
});
afterAll(async () => {
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
});

const batches = async () => Number((await db.pool.query(`select count(*) as n from etl.extract_batches`)).rows[0].n);
const rawTables = async () =>
  Number((await db.pool.query(`select count(*) as n from information_schema.tables where table_schema like 'raw\\_%'`)).rows[0].n);

describe('another source\'s export', () => {
  const pairs = knownSources.flatMap((own) => knownSources.filter((o) => o !== own).map((other) => [own.name, other.name, own, other] as const));
  it.each(pairs)('given to %s (the %s sample) stops before anything lands', async (_o, _t, own, other) => {
    const [b, t] = [await batches(), await rawTables()];
    const err = await extractSource(db, own, other.sampleDir).catch((e) => e);
    expect(err.code, String(err.message)).toBe('EXPORT_WRONG_SOURCE');
    expect(err.message).toContain(`${other.sampleDir}: looks like a ${other.title} export, not a ${own.title} one`);
    expect(err.message).toContain(`source \`${other.name}\``);
    expect(await batches()).toBe(b);
    expect(await rawTables()).toBe(t);
  });

  it('LeadTrac files given to a Leadtrekker pipeline: named with the files Leadtrekker does not export, exit 1, nothing landed', async () => {
    // LeadTrac's leads.csv passes Leadtrekker's own checks (Lead ID, and `Lead Name` is an alias
    // of Name): without the comparison it landed, its other columns as custom fields.
    const r = await runCli(['leadtrekker-to-zoho', 'extract', '--input', leadtrac.sampleDir, '--json'], { DATABASE_URL: db.url });
    expect(r.exitCode).toBe(1);
    expect(r.json.error.code).toBe('EXPORT_WRONG_SOURCE');
    expect(r.json.error.message).toMatch(/holds LeadTrac files that Leadtrekker Lead Management does not export: .*lead_people\.csv.*people\.csv/);
    expect((await db.pool.query(`select count(*)::int as n from etl.extract_batches where source = 'leadtrekker'`)).rows[0].n).toBe(0);
  });

  it('a ServiceTracker export given to Leadtrekker names what Leadtrekker lacks in it', async () => {
    const err = await extractSource(db, leadtrekker, servicetracker.sampleDir).catch((e) => e);
    expect(err.code).toBe('EXPORT_WRONG_SOURCE');
    expect(err.message).toContain(`For Leadtrekker Lead Management it lacks: ${path.join(servicetracker.sampleDir, 'leads.csv')}: required export file not found`);
    // attachments.csv is a file of both: ServiceTracker's has no Lead ID
    expect(err.message).toMatch(/attachments\.csv, line 1: missing required column\(s\): Lead ID/);
  });
});

describe('its own source\'s export', () => {
  it.each(CASES.map((c) => [c.source, c] as const))('%s: a high-mess export (headers re-cased, aliased, custom, files left out) is recognised and lands', async (name, c) => {
    const dir = path.join(work, `high-${name}`);
    await c.generate({ outDir: dir, seed: `wrong-source-${name}`, size: 40 });
    const own = knownSources.find((s) => s.name === name)!;
    const results = await extractSource(db, own, dir, { force: true });
    expect(results.some((r) => r.status === 'landed')).toBe(true);
  });

  it('incomplete: every missing required file and column is named at once, with the folder, and nothing lands', async () => {
    const dir = path.join(work, 'incomplete');
    cpSync(leadtrekker.sampleDir, dir, { recursive: true });
    rmSync(path.join(dir, 'leads.csv'));
    const act = path.join(dir, 'activities.csv');
    const text = readFileSync(act, 'latin1');
    const [head, ...rest] = text.split('\n');
    const sep = head!.includes(';') ? ';' : ',';
    writeFileSync(act, [head!.split(sep).map((h) => (h.replace(/"/g, '').trim() === 'Type' ? 'Kind' : h)).join(sep), ...rest].join('\n'), 'latin1');
    const b = await batches();
    const err = await extractSource(db, leadtrekker, dir).catch((e) => e);
    expect(err.code).toBe('EXTRACT_MISSING_FILE');
    expect(err.message).toContain(`${path.join(dir, 'leads.csv')}: required export file not found`);
    expect(err.message).toContain(`${act}, line 1: missing required column(s): Type`);
    expect(err.message).toContain(`2 problems in ${dir}; nothing was landed`);
    expect(await batches()).toBe(b);
  });
});
