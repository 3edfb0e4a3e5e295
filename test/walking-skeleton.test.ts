/**
 * The thin slice end to end: Leadtrekker leads.csv -> raw -> stg -> leadtrekker_to_zoho.leads
 * -> the sandbox Zoho org over HTTP, through the real CLI, twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

describe('leadtrekker-to-zoho walking skeleton', () => {
  it('loads the sample leads into the sandbox org and reports counts that match it', async () => {
    const first = await runCli(['leadtrekker-to-zoho', '--json'], { DATABASE_URL: db.url });
    expect(first.exitCode, first.stderr).toBe(0);
    const leads = first.json.objects.leads;
    // one record per Lead ID (the sample repeats a few IDs, as real exports do)
    const rawCount = (await db.pool.query('select count(distinct btrim(lead_id))::int as n from raw_leadtrekker.leads')).rows[0].n;
    expect(leads.extracted).toBe(rawCount);
    // every record accounted for
    expect(leads.loaded + leads.already_loaded + leads.rejected + leads.queued + leads.skipped).toBe(leads.extracted);
    expect(leads.loaded).toBeGreaterThan(0);

    const inOrg = (await db.pool.query(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`)).rows[0].n;
    expect(inOrg).toBe(leads.loaded);
    const mapped = (await db.pool.query(`select count(*)::int as n from etl.id_map where pipeline = 'leadtrekker-to-zoho' and object = 'leads'`)).rows[0].n;
    expect(mapped).toBe(inOrg);

    // A compound name was split on the first space and the status label kept.
    const raw = (
      await db.pool.query(
        `select l.lead_id, l.name, l.status from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id
          where l.name ~ '^[A-Z][a-z]+ [A-Z][a-z]+$' order by l.lead_id limit 1`,
      )
    ).rows[0];
    expect(raw).toBeDefined();
    const rec = (
      await db.pool.query(`select r.data from sandbox_zoho.records r join etl.id_map m on m.dest_id = r.id where m.source_key = $1`, [`leads:${raw.lead_id}`])
    ).rows[0]?.data;
    expect(rec.First_Name).toBe(raw.name.split(' ')[0]);
    expect(rec.Last_Name).toBe(raw.name.split(' ')[1]);
    expect(rec.LTK_Original_Status).toBe(raw.status);

    const second = await runCli(['leadtrekker-to-zoho', '--json'], { DATABASE_URL: db.url });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.json.objects.leads.loaded).toBe(0);
    expect(second.json.objects.leads.already_loaded).toBe(leads.loaded);
    const after = (await db.pool.query(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`)).rows[0].n;
    expect(after).toBe(inOrg);
  });

  it('exits 2 with usage help on an unknown step', async () => {
    const r = await runCli(['leadtrekker-to-zoho', 'nonsense'], { DATABASE_URL: db.url });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown step "nonsense"/);
  });
});
