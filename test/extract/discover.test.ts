/**
 * discover on real raw tables: column profiles (etl.column_profiles and the discovery folder),
 * the proposed custom-field mapping merged with a person's confirmed rows, the not-migrated
 * inventory, and the gate load uses.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { extractSource } from '../../engine/extract/extract-source.ts';
import { discover } from '../../engine/steps/discover.ts';
import { mergeMappings, requireConfirmedCustomFields } from '../../engine/discover/index.ts';
import { readCustomFieldMappings, writeCustomFieldMappings } from '../../engine/custom-fields.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import type { StepContext } from '../../engine/steps/context.ts';
import type { Destination } from '../../engine/destination.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { zohoDestination } from '../../connectors/destinations/zoho/index.ts';
import { nutshellDestination } from '../../connectors/destinations/nutshell/index.ts';

// The destinations' sandboxes, reached over their own sockets: discover reads their metadata.
const destinations = new Map<string, Destination>();
async function sandbox(name: string): Promise<Destination> {
  if (!destinations.has(name)) {
    const factory = name === 'nutshell' ? nutshellDestination() : zohoDestination();
    destinations.set(name, await factory.connect({ databaseUrl: db.url, env: {}, log: () => {} }));
  }
  return destinations.get(name)!;
}

let db: TestDb;
let tmp: string;
beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(path.join(tmpdir(), 'discover-'));
  await extractSource(db, leadtrekker, leadtrekker.sampleDir, { force: true });
});
afterAll(async () => {
  for (const d of destinations.values()) await d.close();
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function pipelineFor(destination: string): PipelineDefinition {
  return {
    name: `test-${destination}`,
    source: leadtrekker,
    destination: { name: destination, connect: async () => ({}) as Destination },
    dir: tmp,
    objects: [{ name: 'leads', module: destination === 'nutshell' ? 'Leads' : 'Leads' }],
    customFieldTargets: { leads: 'Leads' },
    notMigrated: [{ file: 'notification_triggers.csv', what: 'Notification triggers', why: 'a runtime feature; rebuild as workflow rules' }],
  };
}

function ctxFor(pipeline: PipelineDefinition, strictGates = false): StepContext {
  const logs: string[] = [];
  return {
    db,
    pipeline,
    flags: { json: true, force: false, strictGates, out: path.join(tmp, 'out') },
    runId: 0 as unknown as number,
    input: leadtrekker.sampleDir,
    log: (m) => logs.push(m),
    destination: () => sandbox(pipeline.destination.name),
    summary: {},
  };
}

describe('discover', () => {
  it('profiles every raw column, proposes a mapping for each custom column, and keeps confirmed rows', async () => {
    const pipeline = pipelineFor('zoho');
    // The mapping for this export lives in the workspace (--out), never in the pipeline's folder.
    const mappingFile = path.join(tmp, 'out', 'custom-fields.csv');
    mkdirSync(path.dirname(mappingFile), { recursive: true });
    // A person confirmed Industry with their own field name earlier.
    writeCustomFieldMappings(mappingFile, [
      { object: 'leads', source_column: 'industry', source_header: 'Industry', inferred_type: 'picklist', module: 'Leads', field: 'Industry', field_type: 'picklist', confirmed: true, reason: 'standard field' },
    ]);
    await discover(ctxFor(pipeline));

    const { rows: prof } = await db.pool.query(`select object, column_name, inferred_type, rows, non_null, null_share, distinct_count, sample_values from etl.column_profiles where source = 'leadtrekker'`);
    const raw = (await db.pool.query(`select count(*)::int as n from information_schema.columns where table_schema = 'raw_leadtrekker' and column_name not like '\\_%'`)).rows[0].n;
    expect(prof).toHaveLength(raw);
    const by = (o: string, c: string) => prof.find((p) => p.object === o && p.column_name === c);
    expect(by('leads', 'email').inferred_type).toBe('email');
    expect(by('leads', 'created').inferred_type).toBe('date');
    expect(by('leads', 'status').inferred_type).toBe('picklist');
    expect(by('leads', 'budget_zar').inferred_type).toBe('number');
    expect(by('leads', 'newsletter_opt_in').inferred_type).toBe('checkbox');
    const leadsRows = (await db.pool.query(`select count(*)::int as n, count(nullif(btrim(email), ''))::int as e from raw_leadtrekker.leads`)).rows[0];
    expect(Number(by('leads', 'email').rows)).toBe(leadsRows.n);
    expect(Number(by('leads', 'email').non_null)).toBe(leadsRows.e);

    const mapping = readCustomFieldMappings(mappingFile);
    expect(existsSync(path.join(tmp, 'custom-fields.csv')), 'the pipeline folder is left alone').toBe(false);
    const custom = (await db.pool.query(`select file, column_name from etl.raw_columns where source = 'leadtrekker' and is_custom order by file, ordinal`)).rows;
    expect(mapping.map((m) => `${m.object}.${m.source_column}`).sort()).toEqual(custom.map((c) => `${c.file}.${c.column_name}`).sort());
    const m = (c: string) => mapping.find((x) => x.source_column === c)!;
    expect(m('industry')).toMatchObject({ confirmed: true, reason: 'standard field' });
    expect(m('budget_zar')).toMatchObject({ module: 'Leads', field: 'Budget_ZAR', field_type: 'double', confirmed: false });
    expect(m('budget_zar').reason).toMatch(/^number: .* -> Decimal/);
    expect(m('newsletter_opt_in')).toMatchObject({ field_type: 'boolean' });
    expect(m('preferred_contact_date')).toMatchObject({ field_type: 'date' });

    const dir = path.join(tmp, 'out', 'discovery');
    for (const f of ['column-profiles.csv', 'column-profiles.md', 'custom-fields.csv', 'not-migrated.md']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    const nm = readFileSync(path.join(dir, 'not-migrated.md'), 'utf8');
    const triggers = (await db.pool.query(`select count(*)::int as n, min("trigger") as t from raw_leadtrekker.notification_triggers`)).rows[0];
    expect(nm).toContain(`${triggers.n} row(s) in \`raw_leadtrekker.notification_triggers\``);
    expect(nm).toContain(triggers.t);
  });

  it('uses Nutshell custom field types for a Nutshell destination', async () => {
    const pipeline = pipelineFor('nutshell');
    rmSync(path.join(tmp, 'out', 'custom-fields.csv'), { force: true });
    await discover(ctxFor(pipeline));
    const mapping = readCustomFieldMappings(path.join(tmp, 'out', 'custom-fields.csv'));
    const m = (c: string) => mapping.find((x) => x.source_column === c)!;
    // Nutshell's cf: names, in the mapping's type vocabulary the connector creates as Nutshell types
    expect(m('budget_zar')).toMatchObject({ field: 'cf:Budget (ZAR)', field_type: 'currency' });
    expect(m('budget_zar').reason).toMatch(/Currency/);
    expect(m('newsletter_opt_in')).toMatchObject({ field: 'cf:Newsletter Opt-in', field_type: 'boolean' });
    expect(m('newsletter_opt_in').reason).toMatch(/Decision Yes\/No/);
    expect(m('preferred_contact_date').field_type).toBe('date');
    expect(m('industry')).toMatchObject({ field: 'cf:Industry', field_type: 'picklist' });
  });

  it('never proposes a name the destination module already has: a standard field gives a numbered name, a custom field nobody else writes is reused', async () => {
    const pipeline = pipelineFor('zoho');
    rmSync(path.join(tmp, 'out', 'custom-fields.csv'), { force: true });
    const zoho = await sandbox('zoho');
    // Leads has the standard Industry picklist; give it a custom field a proposal would take too.
    const created = await zoho.schema!.createFields('Leads', [{ apiName: 'Preferred_Contact_Date', label: 'Preferred Contact Date', type: 'date' }]);
    expect(created[0]).toMatchObject({ ok: true });
    await discover(ctxFor(pipeline));
    const mapping = readCustomFieldMappings(path.join(tmp, 'out', 'custom-fields.csv'));
    const m = (c: string) => mapping.find((x) => x.source_column === c)!;
    expect(m('industry')).toMatchObject({ module: 'Leads', field: 'Industry_2' });
    expect(m('industry').reason).toMatch(/standard field Industry/);
    expect(m('preferred_contact_date')).toMatchObject({ field: 'Preferred_Contact_Date', field_type: 'date' });
    expect(m('preferred_contact_date').reason).toMatch(/already has the custom field Preferred_Contact_Date: mapped onto it/);
    // no two rows of a module share a name as Zoho compares them
    const keys = mapping.filter((r) => r.module).map((r) => `${r.module}.${r.field.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps the confirmed rows of a repeated header with the column spelled as they are, never on both', () => {
    const row = (column: string, header: string, field: string, confirmed: boolean) =>
      ({ object: 'leads', source_column: column, source_header: header, inferred_type: 'text' as const, module: 'Leads', field, field_type: 'text', confirmed, reason: '' });
    const proposed = [row('region', 'Region', 'Region', false), row('region_2', 'REGION', 'REGION_2', false)];
    const { rows } = mergeMappings([row('region', 'Region', 'Sales_Region', true), row('region_2', 'REGION', 'Region_Code', true)], proposed);
    expect(rows.map((r) => `${r.source_column}:${r.field}:${r.confirmed}`)).toEqual(['region:Sales_Region:true', 'region_2:Region_Code:true']);
    // a confirmed row spelled as neither goes to the first column only
    const other = mergeMappings([row('region', 'region ', 'Sales_Region', true)], proposed).rows;
    expect(other.map((r) => `${r.source_column}:${r.field}:${r.confirmed}`)).toEqual(['region:Sales_Region:true', 'region_2:REGION_2:false']);
  });

  it('reads back every header it writes: a quote, a comma, #, a line break, a leading formula mark', () => {
    const file = path.join(tmp, 'hostile-headers.csv');
    const headers = ['# of Staff', 'He said "call me"', 'Partner, Referral', '-Region', '=SUM(A1)', 'Two\nlines', 'Cost ($)', 'Größe/Size'];
    const rows = headers.map((h, i) => ({ object: 'leads', source_column: `c${i}`, source_header: h, inferred_type: 'text' as const, module: 'Leads', field: `cf:${h}`, field_type: 'text', confirmed: true, reason: `why: ${h}` }));
    writeCustomFieldMappings(file, rows);
    expect(readCustomFieldMappings(file)).toEqual(rows);
  });

  it('stops load at CUSTOM_FIELDS_UNCONFIRMED (exit 3) until every row is confirmed', async () => {
    const pipeline = pipelineFor('zoho');
    const file = path.join(tmp, 'out', 'custom-fields.csv');
    const err = await requireConfirmedCustomFields(ctxFor(pipeline, true)).catch((e) => e);
    expect(err).toMatchObject({ code: 'CUSTOM_FIELDS_UNCONFIRMED', exitCode: 3 });
    writeCustomFieldMappings(file, readCustomFieldMappings(file).map((r) => ({ ...r, confirmed: true })));
    await expect(requireConfirmedCustomFields(ctxFor(pipeline, true))).resolves.toBeUndefined();
    // a custom column with no row at all is unconfirmed too
    const rows = readCustomFieldMappings(file);
    writeCustomFieldMappings(file, rows.slice(1));
    await expect(requireConfirmedCustomFields(ctxFor(pipeline, true))).rejects.toMatchObject({ code: 'CUSTOM_FIELDS_UNCONFIRMED' });
    writeFileSync(file, '');
  });
});
