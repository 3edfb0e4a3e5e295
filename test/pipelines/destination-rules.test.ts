/**
 * Destination rules before data moves, on a stranger's export: a high-mess Leadtrekker export
 * (leads without a company among them) goes through extract, transform, setup, report, users
 * and load into the sandbox Zoho org, whose layout also makes Phone mandatory on Leads (a rule
 * the pipeline has no fill for, so some leads are refused). Every refusal Zoho answers for a
 * missing mandatory field, a too-long text or a value outside a picklist must have been
 * predicted by a finding of the report, and no lead may be refused for Company: the pipeline
 * fills it, with a finding per lead filled.
 *
 * The seed is fresh each run (CRM_TEST_SEED repeats one); a failure names it.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { generateLeadtrekkerHigh } from '../../tools/generate/high/leadtrekker.ts';

const seed = process.env.CRM_TEST_SEED ?? `dest-rules-${Date.now().toString(36)}`;
const org = JSON.stringify({ mandatory: { Leads: ['Company', 'Phone'], Deals: ['Closing_Date'] } });
let db: TestDb;
let dir: string;
let out: string;
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
const findings = (category: string): Record<string, string>[] => {
  const file = path.join(out, 'report', `findings_${category}.csv`);
  try {
    return parse(readFileSync(file), { columns: true }) as Record<string, string>[];
  } catch {
    return [];
  }
};

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'dest-rules-export-'));
  out = mkdtempSync(path.join(tmpdir(), 'dest-rules-out-'));
  // Every file present, and more blank values than the default so leads without a company are sure.
  await generateLeadtrekkerHigh({ outDir: dir, leads: 120, seed, rates: { fileMissing: 0, fileHeaderOnly: 0, value: 0.3 } });
  const env = { DATABASE_URL: db.url, CRM_SANDBOX_ORG: org };
  const steps: string[][] = [['extract', '--input', dir], ['transform'], ['setup', '--out', out], ['report', '--out', out], ['users'], ['load', '--fallback-owner', 'admin@sandbox.example', '--reject-threshold', '1', '--out', out]];
  for (const args of steps) {
    const r = await runCli(['leadtrekker-to-zoho', ...args], env);
    expect([0, 3], `seed ${seed}: ${args[0]} exited ${r.exitCode}: ${r.stderr.slice(-2000)}`).toContain(r.exitCode);
  }
}, 400_000);
afterAll(async () => {
  await db?.drop();
  for (const d of [dir, out]) if (d) rmSync(d, { recursive: true, force: true });
});

describe(`destination rules (seed ${seed})`, () => {
  it('setup stored the mandatory fields, lengths and picklists of every module the pipeline writes, from the metadata', async () => {
    const rules = await q(`select module, field, rule, origin, max_length, "values" from etl.destination_rules where pipeline = 'leadtrekker-to-zoho'`);
    const has = (module: string, field: string, rule: string) => rules.find((r) => r.module === module && r.field === field && r.rule === rule);
    expect(has('Leads', 'Last_Name', 'mandatory')?.origin).toMatch(/system_mandatory/);
    expect(has('Leads', 'Company', 'mandatory')?.origin).toMatch(/layout .*required/);
    expect(has('Leads', 'Phone', 'mandatory')?.origin).toMatch(/layout .*required/); // the org's own layout rule
    expect(has('Leads', 'Last_Name', 'max_length')?.max_length).toBe(80);
    expect(has('Leads', 'Lead_Status', 'picklist')?.values).toContain('Contacted');
    for (const m of ['Calls', 'Tasks']) expect(has(m, 'Subject', 'mandatory'), m).toBeDefined();
  });

  it('every lead without a company is filled (no MANDATORY_NOT_FOUND on Company) and has a mandatory_filled finding', async () => {
    const without = await q(`select 'leads:' || lead_id as key from stg_leadtrekker.leads where company is null`);
    expect(without.length, 'the export has leads without a company').toBeGreaterThan(0);
    const refused = await q(`select source_key from etl.rejects where pipeline = 'leadtrekker-to-zoho' and stage = 'load' and object = 'leads' and reason_code = 'MANDATORY_NOT_FOUND' and field in ('Company', 'Last_Name')`);
    expect(refused.map((r) => r.source_key)).toEqual([]);
    // the finding names the column as this export's header writes it (Company, Company Name, ...)
    const filled = new Map(findings('mandatory_filled').filter((f) => /requires Company on Leads/.test(f.message!)).map((f) => [f.source_key, f]));
    const sent = await q(`select source_key, "Company", _reject_reason from leadtrekker_to_zoho.leads where source_key = any($1)`, [without.map((r) => r.key)]);
    for (const r of sent.filter((x) => !x._reject_reason)) {
      expect(r.Company, r.source_key).toBeTruthy();
      const f = filled.get(r.source_key);
      expect(f, `${r.source_key}: no mandatory_filled finding`).toBeDefined();
      expect(f!.value).toBe(r.Company);
      expect(f!.message).toMatch(/line \d+, column Company/);
    }
    // what was written to Zoho carries the fill
    const written = await q(
      `select m.source_key, r.data->>'Company' as company from etl.id_map m join sandbox_zoho.records r on r.id = m.dest_id
        where m.pipeline = 'leadtrekker-to-zoho' and m.object = 'leads' and m.source_key = any($1)`,
      [without.map((r) => r.key)],
    );
    for (const w of written) expect(w.company, w.source_key).toBe(sent.find((s) => s.source_key === w.source_key)!.Company);
  });

  it('every refusal for a mandatory field, a length or a picklist value was predicted by a report finding', async () => {
    const refusals = await q(
      `select object, source_key, field, reason_code, message from etl.rejects
        where pipeline = 'leadtrekker-to-zoho' and stage = 'load'
          and (reason_code = 'MANDATORY_NOT_FOUND' or (reason_code = 'INVALID_DATA' and message ~ 'maximum length|supported values'))`,
    );
    // the org's extra mandatory Phone makes some leads refused: the check is not empty
    expect(refusals.some((r) => r.reason_code === 'MANDATORY_NOT_FOUND' && r.field === 'Phone'), 'some lead without a phone was refused').toBe(true);
    const predicted = new Set(
      ['destination_mandatory_missing', 'destination_too_long', 'destination_not_in_picklist'].flatMap((c) => findings(c).map((f) => `${f.object}\0${f.source_key}\0${f.field}`)),
    );
    const missed = refusals.filter((r) => !predicted.has(`${r.object}\0${r.source_key}\0${r.field}`));
    expect(missed, 'refused at load without a report finding').toEqual([]);
    // and the report's CSVs are the ones this run wrote
    expect(readdirSync(path.join(out, 'report'))).toContain('findings_destination_mandatory_missing.csv');
  });
});
