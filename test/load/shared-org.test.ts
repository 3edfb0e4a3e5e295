/**
 * Two pipelines writing into one org: the key each record carries (CRM_Migrate_Key) names its
 * pipeline, so the same source_key in both is two records, neither load overwrites the other's,
 * and rolling one pipeline back leaves the other's records as they were.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { makeExport } from './fixture.ts';
import { prepare, runStep } from './harness.ts';

const LEADS = 30;
let db: TestDb;
let input: string;
// A second pipeline on the same source, into the same org, loading the same view.
const twin: PipelineDefinition = { ...leadtrekkerToZoho, name: 'leadtrekker-to-zoho-twin', objects: leadtrekkerToZoho.objects.filter((o) => o.name === 'leads') };

const q = async (sql: string, p: unknown[] = []) => (await db.pool.query(sql, p)).rows;
const orgLeads = async () => q(`select id, data->>'CRM_Migrate_Key' as k, data->>'Last_Name' as last from sandbox_zoho.records where module = 'Leads' order by 2`);

beforeAll(async () => {
  db = await createTestDb();
  input = makeExport({ leads: LEADS });
  await prepare(db, leadtrekkerToZoho, input);
  await db.pool.query(`create schema leadtrekker_to_zoho_twin; create view leadtrekker_to_zoho_twin.leads as select * from leadtrekker_to_zoho.leads`);
  await db.pool.query(`insert into etl.user_map (pipeline, source_email, dest_user_id, dest_email, matched_by)
                       select 'leadtrekker-to-zoho-twin', source_email, dest_user_id, dest_email, matched_by from etl.user_map where pipeline = 'leadtrekker-to-zoho'`);
}, 120_000);
afterAll(async () => {
  await db?.drop();
  if (input) rmSync(input, { recursive: true, force: true });
});

describe('one org, two pipelines', () => {
  it('the same source_key loaded by two pipelines is two records, each keyed by its pipeline', async () => {
    const a = await runStep(db, leadtrekkerToZoho, 'load', input);
    expect(a.error, a.logs.join('\n')).toBeUndefined();
    const first = await orgLeads();
    expect(first).toHaveLength(LEADS);
    expect(first.every((r) => r.k.startsWith('leadtrekker-to-zoho/leads:'))).toBe(true);

    // the twin reads the same landing (each pipeline may only load its own: hand it over)
    await db.pool.query(`update etl.source_landing set pipeline = $1, built_by = $1 where source = 'leadtrekker'`, [twin.name]);
    const b = await runStep(db, twin, 'load', input);
    expect(b.error, b.logs.join('\n')).toBeUndefined();
    const both = await orgLeads();
    expect(both).toHaveLength(2 * LEADS);
    expect(new Set(both.map((r) => r.k)).size).toBe(2 * LEADS);
    // the first pipeline's records are untouched by the second's load
    const mine = new Map(first.map((r) => [r.id, r.k]));
    for (const r of both.filter((x) => mine.has(x.id))) expect(r.k).toBe(mine.get(r.id));
    const twinMap = await q(`select dest_id from etl.id_map where pipeline = 'leadtrekker-to-zoho-twin'`);
    expect(twinMap.filter((m) => mine.has(m.dest_id))).toEqual([]);
  }, 120_000);

  it("rolling one pipeline back leaves the other's records as they were", async () => {
    const before = await orgLeads();
    const r = await runStep(db, twin, 'rollback', input, { all: true });
    expect(r.error, r.logs.join('\n')).toBeUndefined();
    const after = await orgLeads();
    expect(after).toEqual(before.filter((x) => x.k.startsWith('leadtrekker-to-zoho/')));
    expect(after).toHaveLength(LEADS);
  }, 120_000);
});
