/**
 * The thin slice end to end: a Leadtrekker export -> raw -> stg -> leadtrekker_to_zoho views
 * -> the sandbox Zoho org over HTTP, every default step through the real CLI, twice.
 * A small export from the sample generator keeps it quick; the bundled sample is loaded
 * row by row in test/pipelines/leadtrekker-to-zoho.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';
import { generateLeadtrekker } from '../tools/generate/leadtrekker.ts';

let db: TestDb;
let input: string;
beforeAll(async () => {
  db = await createTestDb();
  input = mkdtempSync(path.join(os.tmpdir(), 'ltk-skeleton-'));
  await generateLeadtrekker({ outDir: input, leads: 40, seed: 'skeleton' });
});
afterAll(async () => {
  await db?.drop();
  if (input) rmSync(input, { recursive: true, force: true });
});

describe('leadtrekker-to-zoho walking skeleton', () => {
  it('loads an export into the sandbox org and reports counts that match it', async () => {
    const first = await runCli(['leadtrekker-to-zoho', '--json', '--input', input], { DATABASE_URL: db.url });
    expect(first.exitCode, first.stderr).toBe(0);
    const leads = first.json.objects.leads;
    // one record per Lead ID (the sample repeats a few IDs, as real exports do)
    const rawCount = (await db.pool.query('select count(distinct btrim(lead_id))::int as n from raw_leadtrekker.leads')).rows[0].n;
    expect(leads.extracted).toBe(rawCount);
    // every record accounted for
    expect(leads.loaded + leads.already_loaded + leads.rejected + leads.queued + leads.skipped).toBe(leads.extracted);
    // the sample step writes a first slice before load; load counts those as already loaded
    const written = leads.loaded + leads.already_loaded;
    expect(written).toBeGreaterThan(0);

    const inOrg = (await db.pool.query(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`)).rows[0].n;
    expect(inOrg).toBe(written);
    const mapped = (await db.pool.query(`select count(*)::int as n from etl.id_map where pipeline = 'leadtrekker-to-zoho' and object = 'leads'`)).rows[0].n;
    expect(mapped).toBe(inOrg);

    // A compound name was split on the first space and the status label kept.
    const raw = (
      await db.pool.query(
        `select l.lead_id, l.name, l.status from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id
          where l.name ~ '^[A-Z][a-z]+ [A-Z][a-z]+$' and m.object = 'leads' order by l.lead_id limit 1`,
      )
    ).rows[0];
    expect(raw).toBeDefined();
    const rec = (
      await db.pool.query(`select r.data from sandbox_zoho.records r join etl.id_map m on m.dest_id = r.id where m.source_key = $1`, [`leads:${raw.lead_id}`])
    ).rows[0]?.data;
    expect(rec.First_Name).toBe(raw.name.split(' ')[0]);
    expect(rec.Last_Name).toBe(raw.name.split(' ')[1]);
    expect(rec.LTK_Original_Status).toBe(raw.status);

    const second = await runCli(['leadtrekker-to-zoho', '--json', '--input', input], { DATABASE_URL: db.url });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.json.objects.leads.loaded).toBe(0);
    expect(second.json.objects.leads.already_loaded).toBe(written);
    const after = (await db.pool.query(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`)).rows[0].n;
    expect(after).toBe(inOrg);
  });

  it('exits 2 with usage help on an unknown step', async () => {
    const r = await runCli(['leadtrekker-to-zoho', 'nonsense'], { DATABASE_URL: db.url });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown step "nonsense"/);
  });
});
