/**
 * Two pipelines of one source share raw_leadtrekker and stg_leadtrekker. Each step that reads
 * them runs only on its own pipeline's export: after leadtrekker-to-nutshell lands another
 * export, leadtrekker-to-zoho's load stops (RAW_OTHER_PIPELINE) and writes nothing, instead of
 * loading the other pipeline's export into Zoho.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { leadtrekkerToNutshell } from '../../pipelines/leadtrekker-to-nutshell/pipeline.ts';
import { makeExport } from './fixture.ts';
import { prepare, runStep } from './harness.ts';

let db: TestDb;
let zohoExport: string;
let nutshellExport: string;
const q = async (sql: string, p: unknown[] = []) => (await db.pool.query(sql, p)).rows;
const zohoLeads = async () => (await q(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`).catch(() => [{ n: 0 }]))[0].n as number;

beforeAll(async () => {
  db = await createTestDb();
  zohoExport = makeExport({ leads: 12 });
  nutshellExport = makeExport({ leads: 7 });
}, 60_000);
afterAll(async () => {
  await db?.drop();
  for (const d of [zohoExport, nutshellExport]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('one source, two pipelines, one database', () => {
  it("a pipeline's load refuses another pipeline's landing and writes nothing", async () => {
    await prepare(db, leadtrekkerToZoho, zohoExport);
    const other = await runStep(db, leadtrekkerToNutshell, 'extract', nutshellExport);
    expect(other.error).toBeUndefined();
    const load = await runStep(db, leadtrekkerToZoho, 'load', zohoExport);
    expect(load.error?.code).toBe('RAW_OTHER_PIPELINE');
    expect(load.error?.message).toContain('leadtrekker-to-nutshell landed');
    expect(await zohoLeads()).toBe(0);
    // transform and the other reading steps refuse it too
    for (const step of ['transform', 'report', 'users']) expect((await runStep(db, leadtrekkerToZoho, step, zohoExport)).error?.code, step).toBe('RAW_OTHER_PIPELINE');
  }, 120_000);

  it('its own extract makes it whole again; a load before transform asks for the transform', async () => {
    expect((await runStep(db, leadtrekkerToZoho, 'extract', zohoExport)).error).toBeUndefined();
    const early = await runStep(db, leadtrekkerToZoho, 'load', zohoExport);
    expect(early.error?.code).toBe('TRANSFORM_NEEDED');
    expect(await zohoLeads()).toBe(0);
    expect((await runStep(db, leadtrekkerToZoho, 'transform', zohoExport)).error).toBeUndefined();
    const load = await runStep(db, leadtrekkerToZoho, 'load', zohoExport);
    expect(load.error, load.logs.join('\n')).toBeUndefined();
    expect(await zohoLeads()).toBe(12);
    const [l] = await q(`select pipeline, input, built_by from etl.source_landing where source = 'leadtrekker'`);
    expect(l).toEqual({ pipeline: 'leadtrekker-to-zoho', input: zohoExport, built_by: 'leadtrekker-to-zoho' });
  }, 120_000);
});
