/**
 * Hard cases through the whole staging path (extract -> stg_leadtrekker -> custom_values), not the
 * parsers alone: what the staged tables hold for names the export already split, titles,
 * `Last, First`, one-letter top-level domains, phones with extensions and trunk prefixes, dates
 * that contradict the declared order, and a decimal comma. The same text gives the same value
 * whether it arrives in a standard column (Created) or a custom field (Preferred Contact Date,
 * typed by the mapping).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import parsePhoneNumberFromString from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runOneStep } from '../../engine/steps/run-one.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';

const HEADER = 'Lead ID;Name;First Name;Last Name;Email;Phone;Status;Created;Budget (ZAR);Preferred Contact Date';
// id, name, first, last, email, phone, created (also the custom date), budget
const ROWS: [string, string, string, string, string, string, string, string][] = [
  ['H1', '', 'MARY ELLEN', 'FITZGERALD', 'mary@example.co.za', '082 555 0101', '05/03/2024 14:30', 'R 82 000,00'],
  ['H2', '', 'Dr. John', 'Smith', 'john@example.c', '+27 (0)82 555 0102 ext. 12', '13/01/1980', 'R21,000.00'],
  ['H3', 'Gonzalez, Maria', '', '', 'maria@example.com', '0027825550103', '01/13/1980', '1,500'],
  ['H4', 'Mme Claire de la Fontaine', '', '', 'CLAIRE@EXAMPLE.FR', '+33 1 23 45 67 89', '2024-02-29T10:00:00+02:00', '12 500,00 $'],
  ['H5', 'Jan van der Merwe Jr.', '', '', 'jan@@example.com', '(011) 555-0104', '29/02/2023', 'TBD'],
  ['H6', '', 'o\'brien', 'LEBLANC', 'x@y', '555', '2024-03-31 02:30', ''],
];

let db: TestDb;
let dir: string;
const q = async (sql: string, p: unknown[] = []) => (await db.pool.query(sql, p)).rows;
const lead = async (id: string) => (await q(`select * from stg_leadtrekker.leads where lead_id = $1`, [id]))[0];

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-hard-'));
  writeFileSync(path.join(dir, 'leads.csv'), [HEADER, ...ROWS.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], 'New', r[6], r[7], r[6]].join(';'))].join('\n') + '\n');
  for (const step of ['extract', 'transform']) {
    const r = await runOneStep(db, leadtrekkerToZoho, step, dir);
    expect(r.error, r.logs.join('\n')).toBeUndefined();
  }
}, 120_000);
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('staged hard cases (Leadtrekker: day-first, Africa/Johannesburg, ZA phones)', () => {
  it('names: pre-split columns kept and only re-cased, titles to salutation, Last, First, particles and suffixes', async () => {
    expect(await lead('H1')).toMatchObject({ salutation: null, first_name: 'Mary Ellen', last_name: 'Fitzgerald' });
    expect(await lead('H2')).toMatchObject({ salutation: 'Dr.', first_name: 'John', last_name: 'Smith' });
    expect(await lead('H3')).toMatchObject({ first_name: 'Maria', last_name: 'Gonzalez' });
    expect(await lead('H4')).toMatchObject({ salutation: 'Mme', first_name: 'Claire', last_name: 'de la Fontaine' });
    expect(await lead('H5')).toMatchObject({ first_name: 'Jan', last_name: 'van der Merwe', suffix: 'Jr.' });
    expect(await lead('H6')).toMatchObject({ first_name: "O'Brien", last_name: 'Leblanc' });
  });

  it('emails: a one-letter top-level domain, a double @ and a bare domain are not valid', async () => {
    const valid = Object.fromEntries((await q(`select lead_id, email_valid from stg_leadtrekker.leads`)).map((r) => [r.lead_id, r.email_valid]));
    expect(valid).toEqual({ H1: true, H2: false, H3: true, H4: true, H5: false, H6: false });
    expect((await lead('H4')).email).toBe('claire@example.fr');
  });

  it('phones agree with libphonenumber-js in the declared country', async () => {
    for (const r of ROWS) {
      const lib = parsePhoneNumberFromString(r[5], 'ZA');
      expect((await lead(r[0])).phone_e164, r[5]).toBe(lib?.isValid() ? lib.number : null);
    }
    expect((await lead('H2')).phone_e164).toBe('+27825550102');
  });

  it('dates: day first in Johannesburg time; a value contradicting the order is null with a finding, never swapped', async () => {
    const at = async (id: string) => (await q(`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as t from stg_leadtrekker.leads where lead_id = $1`, [id]))[0].t;
    expect(await at('H1')).toBe('2024-03-05 12:30');
    expect(await at('H2')).toBe('1980-01-12 22:00'); // midnight in Johannesburg
    expect(await at('H3')).toBeNull(); // 01/13/1980: no month 13 in a day-first export
    expect(await at('H4')).toBe('2024-02-29 08:00');
    expect(await at('H5')).toBeNull(); // 29/02/2023: 2023 has no 29 February
    const findings = (await q(`select source_key, value from dq_leadtrekker.findings where category = 'unparseable_date' and field = 'Created'`)).map((f) => f.source_key).sort();
    expect(findings).toEqual(['leads:H3', 'leads:H5']);
  });

  it('the same text types the same in a standard column and in a custom field', async () => {
    const custom = Object.fromEntries(
      (await q(`select record_id, value from leadtrekker_to_zoho.custom_values where field = 'Preferred_Contact_Date'`)).map((r) => [r.record_id, r.value]),
    );
    for (const r of ROWS) {
      const staged = (await q(`select to_char((created_at at time zone 'Africa/Johannesburg')::date, 'YYYY-MM-DD') as d from stg_leadtrekker.leads where lead_id = $1`, [r[0]]))[0].d;
      expect(custom[r[0]] ?? null, `${r[0]} ${r[6]}`).toBe(staged);
    }
  });

  it('money: decimal comma, thousands separators either way, a bare 1,500 as the source means it, TBD a finding', async () => {
    const v = Object.fromEntries(
      (await q(`select record_id, value, issue from leadtrekker_to_zoho.custom_values where field = 'Budget_ZAR'`)).map((r) => [r.record_id, r.value ?? r.issue]),
    );
    expect(v.H1).toEqual({ amount: 82000, currency: 'ZAR' });
    expect(v.H2).toEqual({ amount: 21000, currency: 'ZAR' });
    expect(v.H3).toEqual({ amount: 1500, currency: 'ZAR' }); // Leadtrekker's declared decimal separator is "."
    expect(v.H4).toEqual({ amount: 12500, currency: 'ZAR' }); // a bare "$" names no currency: the source's
    expect(typeof v.H5).toBe('string'); // TBD: the reason why it did not type
    const f = await q(`select source_key, value from dq_leadtrekker_to_zoho.findings where category = 'invalid_custom_value' and field = 'Budget (ZAR)'`);
    expect(f).toEqual([{ source_key: 'leads:H5', value: 'TBD' }]);
  });
});
