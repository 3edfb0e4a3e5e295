/**
 * A confirmed custom-field mapping stays bound to the header it names when a new export gains a
 * column whose derived name collides with it: `Budget ZAR`, added before the confirmed
 * `Budget (ZAR)`, lands as `budget_zar` and pushes the real one to `budget_zar_2`. discover keeps
 * the confirmed row on its header and proposes the new column apart, the gate names the new
 * column (not the confirmed one) as unconfirmed, and the load writes the real budgets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { readCustomFieldMappings, writeCustomFieldMappings } from '../../engine/custom-fields.ts';
import { makeExport } from './fixture.ts';
import { runStep } from './harness.ts';

const LEADS = 6;
let db: TestDb;
let input: string;
let out: string;

beforeAll(async () => {
  db = await createTestDb();
  input = makeExport({ leads: LEADS });
  // The new column goes before the confirmed one, so it is the one that derives `budget_zar` first.
  const file = path.join(input, 'leads.csv');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const at = lines[0]!.split(';').indexOf('Budget (ZAR)');
  const withColumn = lines.map((l, i) => {
    const cells = l.split(';');
    cells.splice(at, 0, i === 0 ? 'Budget ZAR' : `R ${i}`);
    return cells.join(';');
  });
  writeFileSync(file, withColumn.join('\n') + '\n');
  // This export's workspace holds the mapping a person confirmed earlier (Budget (ZAR) -> Budget_ZAR).
  out = mkdtempSync(path.join(tmpdir(), 'crm-collision-out-'));
  copyFileSync(path.join(leadtrekkerToZoho.dir, 'custom-fields.csv'), path.join(out, 'custom-fields.csv'));
});
afterAll(async () => {
  await db?.drop();
  for (const d of [input, out]) if (d) rmSync(d, { recursive: true, force: true });
});

const step = async (name: string, flags: Record<string, unknown> = {}) => {
  const r = await runStep(db, leadtrekkerToZoho, name, input, { out, ...flags });
  return r;
};

describe('a new column whose name collides with a confirmed custom column', () => {
  it('leaves the confirmed mapping on its header: discover, the gate and the load all follow the header', async () => {
    const ok = async (name: string, flags: Record<string, unknown> = {}) => {
      const r = await step(name, flags);
      expect(r.error, `${name}: ${r.error?.message}\n${r.logs.join('\n')}`).toBeUndefined();
    };
    await ok('extract');
    const cols = (await db.pool.query(`select column_name, header from etl.raw_columns where source = 'leadtrekker' and file = 'leads' and header like 'Budget%' order by ordinal`)).rows;
    expect(cols).toEqual([
      { column_name: 'budget_zar', header: 'Budget ZAR' },
      { column_name: 'budget_zar_2', header: 'Budget (ZAR)' },
    ]);

    await ok('discover');
    const mapping = readCustomFieldMappings(path.join(out, 'custom-fields.csv')).filter((m) => m.source_header.startsWith('Budget'));
    expect(mapping.map(({ source_column, source_header, field, confirmed }) => ({ source_column, source_header, field, confirmed }))).toEqual([
      // the confirmed row writes Budget_ZAR, so the new column is proposed a field of its own
      { source_column: 'budget_zar', source_header: 'Budget ZAR', field: 'Budget_ZAR_2', confirmed: false },
      { source_column: 'budget_zar_2', source_header: 'Budget (ZAR)', field: 'Budget_ZAR', confirmed: true },
    ]);
    expect(mapping[0]!.reason).toMatch(/Budget_ZAR .*proposed as Budget_ZAR_2/);
    // The new column is what nobody confirmed; the confirmed one is not asked about again.
    await ok('transform');
    const gate = await step('load', { strictGates: true });
    expect(gate.error?.code).toBe('CUSTOM_FIELDS_UNCONFIRMED');
    expect(gate.error?.message).toContain('leads.budget_zar ("Budget ZAR")');
    expect(gate.error?.message).not.toContain('Budget (ZAR)');

    // The person maps the new column to a field of its own and confirms it; the load writes the
    // real budgets to Budget_ZAR and the new column's values to the new field.
    const file = path.join(out, 'custom-fields.csv');
    writeCustomFieldMappings(
      file,
      readCustomFieldMappings(file).map((m) => (m.source_header === 'Budget ZAR' ? { ...m, field: 'Budget_ZAR_Estimate', field_type: 'text', confirmed: true } : m)),
    );
    for (const s of ['transform', 'setup', 'users']) await ok(s, s === 'setup' ? { apply: true } : {});
    const gateAgain = await step('load', { strictGates: true });
    expect(gateAgain.error?.message ?? '').not.toMatch(/custom field/);
    await ok('load');
    const leads = (await db.pool.query(`select data->>'Email' as email, data->'Budget_ZAR' as budget, data->>'Budget_ZAR_Estimate' as estimate from sandbox_zoho.records where module = 'Leads' order by 1`)).rows;
    expect(leads).toHaveLength(LEADS);
    for (const l of leads) {
      const i = Number(/^person(\d+)@/.exec(l.email)![1]);
      expect({ budget: Number(l.budget), estimate: l.estimate }, l.email).toEqual({ budget: 1000 + i, estimate: `R ${i}` });
    }
  });
});
