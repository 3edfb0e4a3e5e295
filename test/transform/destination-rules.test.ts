/**
 * The report's check of destination views against etl.destination_rules, on views written here
 * in real PostgreSQL: each kind of rule, columns that fill a field together (a Nutshell person
 * named by any of name, e-mail or phone), jsonb and text[] columns, rows the SQL already holds
 * back, custom fields carried in `_custom`, and the file and line a view carries. The Nutshell rules are the connector's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { destinationRuleFindings } from '../../engine/report/destination-rules.ts';
import { NUTSHELL_RULES } from '../../connectors/destinations/nutshell/index.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';

let db: TestDb;
const pipeline = {
  name: 'rules-check',
  destination: { name: 'nutshell', title: 'Nutshell' },
  objects: [
    { name: 'people', module: 'Contacts' },
    { name: 'leads', module: 'Leads' },
    { name: 'files', module: 'Notes', attachment: { pathColumn: 'p', fileNameColumn: 'f', parent: 'entity' } },
  ],
} as unknown as PipelineDefinition;

beforeAll(async () => {
  db = await createTestDb();
  await db.pool.query(`
    create schema rules_check;
    create view rules_check.people as
      select * from (values
        ('people:1', '{"givenName":"Ann"}'::jsonb, null::text, null::text, 'Gold', null::text, 'people.csv', 2),
        ('people:2', null, 'b@example.com', null, null, null, 'people.csv', 3),
        ('people:3', null, null, '', 'Platinum', null, 'people.csv', 4),
        ('people:4', '""'::jsonb, null, null, null, 'MISSING_NAME: nothing names the person', 'people.csv', 5)
      ) v(source_key, name, email, phone, "cf:Tier", _reject_reason, _file, _line);
    create view rules_check.leads as
      select * from (values
        ('leads:1', repeat('x', 100), array['a','b'], '{"cf:Interest": "Loans"}'::jsonb),
        ('leads:2', repeat('y', 101), array['a','z'], '{"cf:Interest": "LOANS"}'::jsonb)
      ) v(source_key, description, "cf:Tags", _custom);
  `);
  const rules: { module: string; field: string; rule: string; columns: string[]; origin: string; maxLength?: number; values?: string[]; strict?: boolean }[] = [
    ...NUTSHELL_RULES.Contacts!.map((r) => ({ ...r, module: 'Contacts' })),
    ...NUTSHELL_RULES.Leads!.map((r) => ({ ...r, module: 'Leads' })),
    { module: 'Contacts', field: 'cf:Tier', rule: 'picklist', columns: ['cf:Tier'], values: ['Gold', 'Silver'], strict: true, origin: 'test' },
    { module: 'Leads', field: 'cf:Tags', rule: 'picklist', columns: ['cf:Tags'], values: ['a', 'b'], strict: false, origin: 'test' },
    // a custom field the view carries in _custom rather than as a column
    { module: 'Leads', field: 'cf:Interest', rule: 'picklist', columns: ['cf:Interest'], values: ['Loans', 'Savings'], strict: true, origin: 'test' },
    { module: 'Notes', field: 'note', rule: 'mandatory', columns: ['note'], origin: 'attachments are files: never checked' },
  ];
  for (const r of rules)
    await db.pool.query(
      `insert into etl.destination_rules (pipeline, destination, module, field, rule, columns, max_length, "values", strict, origin) values ($1, 'nutshell', $2, $3, $4, $5, $6, $7, $8, $9)`,
      [pipeline.name, r.module, r.field, r.rule, r.columns, (r as { maxLength?: number }).maxLength ?? null, (r as { values?: string[] }).values ?? null, (r as { strict?: boolean }).strict ?? true, r.origin],
    );
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

describe('destination rules in the report', () => {
  it('turns each row the destination would refuse into one finding, and nothing else', async () => {
    const f = await destinationRuleFindings(db, pipeline);
    const got = f.map((x) => [x.category, x.severity, x.object, x.source_key, x.field, x.value]).sort();
    expect(got).toEqual(
      [
        // people:3 has neither a name, an e-mail nor a phone ('' is empty); people:4 is rejected by the SQL already
        ['destination_mandatory_missing', 'error', 'people', 'people:3', 'name', null],
        ['destination_not_in_picklist', 'error', 'people', 'people:3', 'cf:Tier', 'Platinum'],
        ['destination_too_long', 'error', 'leads', 'leads:2', 'description', 'y'.repeat(101)],
        ['destination_not_in_picklist', 'warning', 'leads', 'leads:2', 'cf:Tags', '{a,z}'],
        ['destination_not_in_picklist', 'error', 'leads', 'leads:2', 'cf:Interest', 'LOANS'],
      ].sort(),
    );
    const missing = f.find((x) => x.category === 'destination_mandatory_missing')!;
    expect(missing.message).toMatch(/Nutshell refuses a Contacts record without name \(reference 3\.2.*\): name, email, phone empty \(people\.csv line 4\)/);
    expect(f.find((x) => x.category === 'destination_too_long')!.message).toMatch(/longer than 100 characters; this value has 101/);
  });

  it('finds nothing before setup has read any rules', async () => {
    expect(await destinationRuleFindings(db, { ...pipeline, name: 'no-rules-yet' } as PipelineDefinition)).toEqual([]);
  });
});
