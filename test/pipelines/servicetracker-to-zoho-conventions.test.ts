/**
 * ServiceTracker staging follows the source's conventions (docs/conventions.md): the bundled
 * sample, extracted first by the connector's declaration (month-first dates, UTC, US phones,
 * decimal point) and then with a conventions.yml beside it that declares the opposite, through
 * the real CLI. Every value that depends on a convention must change with it; values that do not
 * (ISO times with `Z`, amounts whose separators are unambiguous) must not.
 */
import parsePhoneNumberFromString from 'libphonenumber-js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { servicetracker } from '../../connectors/sources/servicetracker/index.ts';

const P = 'servicetracker-to-zoho';
const ZONE = 'America/Chicago';
let db: TestDb;
let dir: string;
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;

/** Runs extract and transform on the export copy; the conventions in use are returned. */
async function extractAndTransform() {
  const env = { DATABASE_URL: db.url };
  const x = await runCli([P, 'extract', '--input', dir], env);
  expect(x.exitCode, x.stderr).toBe(0);
  const t = await runCli([P, 'transform'], env);
  expect(t.exitCode, t.stderr).toBe(0);
  return x.stderr;
}

/** A staged snapshot of every value a convention can change, by record. */
async function snapshot() {
  const byId = <T extends Record<string, any>>(rows: T[], key: string) => new Map(rows.map((r) => [r[key] as string, r]));
  return {
    contracts: byId(await q(`select contract_id, start_date_raw, to_char(start_date, 'YYYY-MM-DD') as start_date, monthly_value_raw, monthly_value::float8 as monthly_value from stg_servicetracker.contracts`), 'contract_id'),
    workOrders: byId(
      await q(`select w.work_order_id, w.completed_at_raw, w.scheduled_start_raw, w.scheduled_start, w.amount_raw, w.amount::float8 as amount,
                      to_char(w.completed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as completed_utc,
                      to_char(w.completed_at at time zone $1, 'YYYY-MM-DD HH24:MI') as completed_chicago,
                      d."Closing_Date" as closing_date
                 from stg_servicetracker.work_orders w join servicetracker_to_zoho.deals d on d.source_key = 'work_orders:' || w.work_order_id`, [ZONE]),
      'work_order_id',
    ),
    history: byId(
      await q(`select h.entry_id, h.date_raw, to_char(h.entry_date, 'YYYY-MM-DD') as entry_date, t."Due_Date" as due_date
                 from stg_servicetracker.service_history h join servicetracker_to_zoho.tasks t on t.source_key = 'service_history:' || h.entry_id`),
      'entry_id',
    ),
    clients: byId(
      await q(`select c.client_id, c.phone, c.phone_e164, c.country_raw, a."Billing_Country" as billing_country
                 from stg_servicetracker.clients c left join servicetracker_to_zoho.accounts a on a.source_key = 'clients:' || c.client_id`),
      'client_id',
    ),
    since: byId(await q(`select record_id, raw, value #>> '{}' as value from servicetracker_to_zoho.custom_values where object = 'clients' and field = 'Customer_Since'`), 'record_id'),
  };
}

const nnnn = /^(\d{2})\/(\d{2})\/(\d{4})$/;
/** The nn/nn/yyyy values of a column with both parts <= 12 (either order reads) and with the second part over 12. */
function probes<T>(rows: Map<string, T>, raw: (r: T) => string | null) {
  const dated = [...rows.entries()].map(([id, r]) => [id, nnnn.exec(raw(r) ?? '')] as const).filter(([, m]) => m);
  return {
    ambiguous: dated.filter(([, m]) => Number(m![1]) <= 12 && Number(m![2]) <= 12),
    secondOver12: dated.filter(([, m]) => Number(m![2]) > 12),
  };
}

let before: Awaited<ReturnType<typeof snapshot>>;
let after: Awaited<ReturnType<typeof snapshot>>;
let log: string;

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'st-conventions-'));
  cpSync(servicetracker.sampleDir, dir, { recursive: true });
  await extractAndTransform();
  before = await snapshot();
  writeFileSync(path.join(dir, 'conventions.yml'), `date_order: dmy\ntimezone: ${ZONE}\nphone_country: ZA\ndecimal_separator: ","\n`);
  log = await extractAndTransform();
  after = await snapshot();
}, 240_000);
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('servicetracker staging follows the source conventions', () => {
  it("reads the sample by the connector's declaration: nn/nn/yyyy month first, UTC, US phones", async () => {
    const { ambiguous, secondOver12 } = probes(before.contracts, (r) => r.start_date_raw);
    expect(ambiguous.length + secondOver12.length).toBeGreaterThan(2);
    for (const [id, m] of [...ambiguous, ...secondOver12]) expect(before.contracts.get(id)!.start_date, id).toBe(`${m![3]}-${m![1]}-${m![2]}`);
    const dateOnly = probes(before.workOrders, (r) => r.completed_at_raw);
    for (const [id, m] of [...dateOnly.ambiguous, ...dateOnly.secondOver12]) {
      // a completion written without a time is midnight in UTC, and that day closes the deal
      expect(before.workOrders.get(id)!.completed_utc, id).toBe(`${m![3]}-${m![1]}-${m![2]} 00:00`);
      expect(before.workOrders.get(id)!.closing_date, id).toBe(`${m![3]}-${m![1]}-${m![2]}`);
    }
    const since = probes(before.since, (r) => r.raw);
    expect(since.ambiguous.length).toBeGreaterThan(0);
    for (const [id, m] of [...since.ambiguous, ...since.secondOver12]) expect(before.since.get(id)!.value, id).toBe(`${m![3]}-${m![1]}-${m![2]}`);
    const phoned = [...before.clients.values()].filter((c) => c.phone);
    expect(phoned.length).toBeGreaterThan(10);
    // E.164 where libphonenumber-js reads a valid number of the declared country (US), else null
    for (const c of phoned) {
      const lib = parsePhoneNumberFromString(c.phone, 'US');
      expect(c.phone_e164, c.client_id).toBe(lib?.isValid() ? lib.number : null);
    }
    expect(phoned.filter((c) => c.phone_e164).length).toBeGreaterThan(10);
    // a client without a country is in the source's own
    const blank = [...before.clients.values()].filter((c) => !c.country_raw && c.billing_country !== undefined && c.billing_country !== null);
    expect(blank.length).toBeGreaterThan(0);
    for (const c of blank) expect(c.billing_country).toBe('United States');
  });

  it('a conventions file that declares day-first dates moves every ambiguous date, in staging and in the Zoho views', async () => {
    expect(log).toMatch(/read as: dates day first, times in America\/Chicago, phones ZA/);
    const { ambiguous } = probes(after.contracts, (r) => r.start_date_raw);
    expect(ambiguous.length).toBeGreaterThan(0);
    for (const [id, m] of ambiguous) expect(after.contracts.get(id)!.start_date, id).toBe(`${m![3]}-${m![2]}-${m![1]}`);
    const history = probes(after.history, (r) => r.date_raw);
    expect(history.ambiguous.length).toBeGreaterThan(0);
    for (const [id, m] of history.ambiguous) {
      expect(after.history.get(id)!.entry_date, id).toBe(`${m![3]}-${m![2]}-${m![1]}`);
      expect(after.history.get(id)!.due_date, id).toBe(`${m![3]}-${m![2]}-${m![1]}`);
    }
    const since = probes(after.since, (r) => r.raw);
    for (const [id, m] of since.ambiguous) expect(after.since.get(id)!.value, id).toBe(`${m![3]}-${m![2]}-${m![1]}`);

    // A month place over 12 contradicts the declared order: no time, never read the other way
    // round; the text is kept and a finding names it.
    const completed = probes(after.workOrders, (r) => r.completed_at_raw).secondOver12;
    expect(completed.length).toBeGreaterThan(0);
    for (const [id] of completed) {
      const w = after.workOrders.get(id)!;
      expect(w.completed_utc, id).toBeNull();
      const f = await q(`select 1 from dq_servicetracker.findings where category = 'unparseable_date' and source_key = $1 and field = 'Completed At' and value = $2`, [
        'work_orders:' + id,
        w.completed_at_raw,
      ]);
      expect(f.length, id).toBe(1);
    }
  });

  it('a date (without a time) that contradicts the declared order is no date either, with a finding', async (ctx) => {
    // The shared date parser reads such a date the other way round until its rewrite lands.
    if ((await q(`select lib.parse_date('06/19/2023', true) as d`))[0].d !== null) ctx.skip('lib.parse_date still reads a contradicting date the other way round');
    const { secondOver12 } = probes(after.contracts, (r) => r.start_date_raw);
    expect(secondOver12.length).toBeGreaterThan(0);
    for (const [id] of secondOver12) {
      const k = after.contracts.get(id)!;
      expect(k.start_date, id).toBeNull();
      const f = await q(`select 1 from dq_servicetracker.findings where category = 'unparseable_date' and source_key = $1 and field = 'Start Date' and value = $2`, [
        'contracts:' + id,
        k.start_date_raw,
      ]);
      expect(f.length, id).toBe(1);
    }
    const since = probes(after.since, (r) => r.raw).secondOver12;
    expect(since.length).toBeGreaterThan(0);
    for (const [id] of since) {
      expect(after.since.get(id)!.value, id).toBeNull();
      expect((await q(`select 1 from dq_servicetracker_to_zoho.findings where category = 'invalid_custom_value' and source_key = $1`, ['clients:' + id])).length, id).toBe(1);
    }
  });

  it('times written without an offset are read in the declared zone; times with Z are not', () => {
    const dateOnly = probes(after.workOrders, (r) => r.completed_at_raw);
    expect(dateOnly.ambiguous.length).toBeGreaterThan(0);
    for (const [id, m] of dateOnly.ambiguous) {
      const w = after.workOrders.get(id)!;
      // midnight in Chicago, which is not midnight in UTC; the deal closes on the Chicago day
      expect(w.completed_chicago, id).toBe(`${m![3]}-${m![2]}-${m![1]} 00:00`);
      expect(w.completed_utc.slice(11), id).not.toBe('00:00');
      expect(w.closing_date, id).toBe(`${m![3]}-${m![2]}-${m![1]}`);
    }
    const iso = [...after.workOrders.values()].filter((w) => /Z$/.test(w.scheduled_start_raw ?? ''));
    expect(iso.length).toBeGreaterThan(10);
    for (const w of iso) expect(w.scheduled_start.toISOString(), w.work_order_id).toBe(before.workOrders.get(w.work_order_id)!.scheduled_start.toISOString());
  });

  it('phones without a country code are read in the declared country; a blank country is that country', async () => {
    let changed = 0;
    for (const c of after.clients.values()) {
      if (!c.phone) continue;
      // a US number written without +1 is not a South African number: read as ZA now
      const lib = parsePhoneNumberFromString(c.phone, 'ZA');
      expect(c.phone_e164, c.client_id).toBe(lib?.isValid() ? lib.number : null);
      if (before.clients.get(c.client_id)!.phone_e164 === null && c.phone_e164 === null) continue;
      expect(c.phone_e164, c.client_id).not.toBe(before.clients.get(c.client_id)!.phone_e164);
      changed++;
      if (c.phone_e164 === null)
        expect((await q(`select 1 from dq_servicetracker.findings where category = 'invalid_phone' and source_key = $1`, ['clients:' + c.client_id])).length).toBe(1);
    }
    expect(changed).toBeGreaterThan(10);
    const blank = [...after.clients.values()].filter((c) => !c.country_raw && c.billing_country !== null);
    expect(blank.length).toBeGreaterThan(0);
    for (const c of blank) expect(c.billing_country).toBe('South Africa');
  });

  it('a decimal comma changes nothing where the separators are unambiguous', () => {
    // every amount in the sample writes two decimals after a point ("457.50", "$3,682.00"):
    // the same number whichever separator is declared
    const amounts = [...after.workOrders.values()].filter((w) => w.amount !== null);
    expect(amounts.length).toBeGreaterThan(100);
    for (const w of amounts) expect(w.amount, w.work_order_id).toBe(before.workOrders.get(w.work_order_id)!.amount);
    for (const k of after.contracts.values()) expect(k.monthly_value, k.contract_id).toBe(before.contracts.get(k.contract_id)!.monthly_value);
  });

  it('a decimal comma reads an ambiguous amount as a decimal', async (ctx) => {
    // "1,500" is fifteen hundred with a decimal point and one and a half with a decimal comma.
    // The shared money parser takes the separator into account only from its rewrite on.
    if (Number((await q(`select lib.parse_money('1,500', ',') as n`))[0].n) !== 1.5) ctx.skip('lib.parse_money does not read the decimal separator yet');
    const file = path.join(dir, 'work_orders.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l, i) => i > 0 && l && !l.includes('"'));
    const header = lines[0]!.split(',');
    const cells = lines[at]!.split(',');
    const id = cells[0]!;
    cells[header.indexOf('Amount')] = '"1,500"';
    lines[at] = cells.join(',');
    writeFileSync(file, lines.join('\n'));
    await extractAndTransform();
    expect(Number((await q(`select amount from stg_servicetracker.work_orders where work_order_id = $1`, [id]))[0].amount)).toBe(1.5);
  });
});
