/**
 * LeadTrac staging follows the export's conventions, not constants: the bundled sample is
 * extracted as the connector declares it (month first, America/New_York, USD), then again with
 * a conventions.yml beside it (day first, Europe/London, decimal comma, EUR, CA), and the staged
 * dates, custom values, note dates, amounts and address country change accordingly. Through the
 * real CLI; expected values are computed here from the CSV text.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { leadtrac } from '../../connectors/sources/leadtrac/index.ts';

const P = 'leadtrac-to-nutshell';
let db: TestDb;
let dir: string;
const env = () => ({ DATABASE_URL: db.url });
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;

type Order = 'mdy' | 'dmy';
const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2}) ([AP]M))?$/;

/** The calendar date an nn/nn/yyyy text names in the given order (undefined: not a date). */
function dateOf(raw: string, order: Order): { y: number; m: number; d: number; h: number; mi: number } | undefined {
  const x = US_DATE.exec(raw.trim());
  if (!x) return undefined;
  const [a, b] = [Number(x[1]), Number(x[2])];
  const [m, d] = order === 'mdy' ? [a, b] : [b, a];
  const y = Number(x[3]);
  if (m < 1 || m > 12 || d < 1 || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) return undefined;
  let h = Number(x[4] ?? 0);
  if (x[6] === 'PM' && h < 12) h += 12;
  if (x[6] === 'AM' && h === 12) h = 0;
  return { y, m, d, h, mi: Number(x[5] ?? 0) };
}
const iso = (t: { y: number; m: number; d: number }) => `${t.y}-${String(t.m).padStart(2, '0')}-${String(t.d).padStart(2, '0')}`;
/** The instant of a wall-clock time in an IANA zone. */
function instant(raw: string, order: Order, tz: string): number | undefined {
  const t = dateOf(raw, order);
  if (!t) return undefined;
  const local = Date.UTC(t.y, t.m - 1, t.d, t.h, t.mi);
  const off = (at: number) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')!.value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  };
  return local - off(local - off(local));
}

/** Sample rows whose date text reads differently in the two orders, and one only month-first can read. */
async function probes() {
  const leads = await q(`select lead_id, created_date as raw from raw_leadtrac.leads order by _line`);
  const ambiguous = leads.find((r) => dateOf(r.raw, 'mdy') && dateOf(r.raw, 'dmy') && r.raw.slice(0, 2) !== r.raw.slice(3, 5));
  const monthFirstOnly = leads.find((r) => dateOf(r.raw, 'mdy') && !dateOf(r.raw, 'dmy'));
  const enrolled = (await q(`select lead_id, enrollment_date as raw from raw_leadtrac.leads where enrollment_date <> '' order by _line`)).find(
    (r) => dateOf(r.raw, 'mdy') && dateOf(r.raw, 'dmy') && r.raw.slice(0, 2) !== r.raw.slice(3, 5),
  );
  const dollars = (await q(`select lead_id, settlement_amount as raw from raw_leadtrac.leads where settlement_amount ~ '^\\$[0-9]{1,3},[0-9]{3}\\.[0-9]{2}$' order by _line`))[0];
  expect(ambiguous, 'a lead created on a date both orders can read').toBeDefined();
  expect(monthFirstOnly, 'a lead created on a day over 12').toBeDefined();
  expect(enrolled, 'an Enrollment Date both orders can read').toBeDefined();
  expect(dollars, 'a Settlement Amount written as $n,nnn.nn').toBeDefined();
  return { ambiguous, monthFirstOnly, enrolled, dollars };
}

const createdAt = async (leadId: string) =>
  (await q(`select created_raw, extract(epoch from created_at) * 1000 as ms from stg_leadtrac.leads where lead_id = $1`, [leadId]))[0] as { created_raw: string; ms: string | null };
const customValue = async (leadId: string, field: string) =>
  (await q(`select value from leadtrac_to_nutshell.custom_values where object = 'leads' and record_id = $1 and field = $2`, [leadId, field]))[0]?.value;

/** Each note whose date the staging read: its opening line shows the date as the export wrote it. */
async function notesShowTheirDate() {
  const notes = await q(
    `select a.occurred_raw, n.note from stg_leadtrac.activities a join leadtrac_to_nutshell.notes n on n.source_key = 'notes:' || a.activity_id
      where a.occurred_at is not null`,
  );
  expect(notes.length).toBeGreaterThan(10);
  for (const n of notes) expect(n.note.split('\n')[0], n.occurred_raw).toContain(n.occurred_raw.trim());
}

async function addressCountries() {
  const rows = await q(
    `select distinct address->>'country' as country from leadtrac_to_nutshell.contacts where address is not null
     union select distinct address->>'country' from leadtrac_to_nutshell.company_rows where address is not null`,
  );
  return rows.map((r) => r.country);
}

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-ltrac-conventions-'));
  cpSync(leadtrac.sampleDir, dir, { recursive: true });
});
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('leadtrac staging follows the export conventions', () => {
  it("reads the sample as the connector declares it: month first, New York time, USD, US", async () => {
    const r = await runCli([P, 'extract', '--input', dir], env());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('read as: dates month first, times in America/New_York, phones US');
    const t = await runCli([P, 'transform'], env());
    expect(t.exitCode, t.stderr).toBe(0);

    const { ambiguous, monthFirstOnly, enrolled, dollars } = await probes();
    expect(Number((await createdAt(ambiguous.lead_id)).ms)).toBe(instant(ambiguous.raw, 'mdy', 'America/New_York'));
    expect(Number((await createdAt(monthFirstOnly.lead_id)).ms)).toBe(instant(monthFirstOnly.raw, 'mdy', 'America/New_York'));
    expect(await customValue(enrolled.lead_id, 'cf:Enrollment Date')).toBe(iso(dateOf(enrolled.raw, 'mdy')!));
    expect(await customValue(dollars.lead_id, 'cf:Settlement Amount')).toEqual({ amount: Number(dollars.raw.replace(/[$,]/g, '')), currency: 'USD' });
    await notesShowTheirDate();
    expect(await addressCountries()).toEqual(['US']);
  });

  it('a conventions.yml beside the export changes what the staging reads: day first, London time, decimal comma, EUR, CA', async () => {
    writeFileSync(path.join(dir, 'conventions.yml'), 'date_order: dmy\ntimezone: Europe/London\ndecimal_separator: ","\ncurrency: EUR\nphone_country: CA\n');
    const r = await runCli([P, 'extract', '--input', dir], env());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/read as: dates day first, times in Europe\/London, phones CA/);
    const t = await runCli([P, 'transform'], env());
    expect(t.exitCode, t.stderr).toBe(0);
    const [cv] = await q(`select day_first, timezone, decimal_separator, currency, phone_country from stg_leadtrac.conventions`);
    expect(cv).toEqual({ day_first: true, timezone: 'Europe/London', decimal_separator: ',', currency: 'EUR', phone_country: 'CA' });

    const { ambiguous, monthFirstOnly, enrolled, dollars } = await probes();
    // the same text is another day, in another zone
    const s = await createdAt(ambiguous.lead_id);
    expect(Number(s.ms)).toBe(instant(ambiguous.raw, 'dmy', 'Europe/London'));
    expect(Number(s.ms)).not.toBe(instant(ambiguous.raw, 'mdy', 'America/New_York'));
    // a month over 12 contradicts the declared order: no date (never read the other way), the text kept, a finding
    const bad = await createdAt(monthFirstOnly.lead_id);
    expect(bad.ms).toBeNull();
    expect(bad.created_raw).toBe(monthFirstOnly.raw);
    const finding = await q(`select message from dq_leadtrac.findings where category = 'unparseable_date' and source_key = $1 and field = 'Created Date' and value = $2`, [
      monthFirstOnly.lead_id,
      monthFirstOnly.raw,
    ]);
    expect(finding.length).toBe(1);
    // custom fields are typed by the same conventions
    expect(await customValue(enrolled.lead_id, 'cf:Enrollment Date')).toBe(iso(dateOf(enrolled.raw, 'dmy')!));
    // $59,599.00 reads the same under either decimal separator (only n,nnn / n.nnn is ambiguous);
    // a bare $ names no currency, so the export's currency is the amount's
    expect(await customValue(dollars.lead_id, 'cf:Settlement Amount')).toEqual({ amount: Number(dollars.raw.replace(/[$,]/g, '')), currency: 'EUR' });
    // notes show their time in the export's zone and date order: the text as written
    await notesShowTheirDate();
    expect(await addressCountries()).toEqual(['CA']);
  });
});
