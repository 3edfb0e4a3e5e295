/**
 * Source conventions drive the staging parsers: the connector's declaration, a conventions file
 * beside the export, and extract flags, in that order of precedence; recorded in
 * etl.source_conventions and read by stg_<source>.conventions. Through the real CLI, on a copy of
 * the bundled Leadtrekker sample.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';

const P = 'leadtrekker-to-zoho';
let db: TestDb;
let dir: string;
const env = () => ({ DATABASE_URL: db.url });
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;

/** A lead whose Created is nn/nn/yyyy with both parts <= 12, and one with a part over 12. */
async function probes() {
  const rows = await q(`select lead_id, created from raw_leadtrekker.leads where created ~ '^\\d{2}/\\d{2}/\\d{4}'`);
  const ambiguous = rows.find((r) => Number(r.created.slice(0, 2)) <= 12 && Number(r.created.slice(3, 5)) <= 12);
  const dayOver12 = rows.find((r) => Number(r.created.slice(0, 2)) > 12);
  expect(ambiguous, 'the sample has an ambiguous day-first date').toBeDefined();
  expect(dayOver12, 'the sample has a day over 12').toBeDefined();
  return { ambiguous, dayOver12 };
}

const staged = async (leadId: string) =>
  (await q(`select created_raw, created_at, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as utc from stg_leadtrekker.leads where lead_id = $1`, [leadId]))[0];

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-conventions-'));
  cpSync(leadtrekker.sampleDir, dir, { recursive: true });
});
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('source conventions', () => {
  it("reads the export by the connector's conventions, and records them", async () => {
    const r = await runCli([P, 'extract', '--input', dir, '--json'], env());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('read as: dates day first, times in Africa/Johannesburg, phones ZA');
    expect(await runCli([P, 'transform'], env()).then((x) => x.exitCode)).toBe(0);
    const [c] = await q(`select date_order, day_first, timezone, phone_country, decimal_separator, currency, origin from etl.source_conventions where source = 'leadtrekker'`);
    expect(c).toMatchObject({ date_order: 'dmy', day_first: true, timezone: 'Africa/Johannesburg', phone_country: 'ZA', decimal_separator: '.', currency: 'ZAR' });
    expect(Object.values(c.origin)).toEqual(['connector', 'connector', 'connector', 'connector', 'connector']);
    const { ambiguous, dayOver12 } = await probes();
    const [dd, mm, yyyy] = ambiguous.created.slice(0, 10).split('/');
    const s = await staged(ambiguous.lead_id);
    // day first, in Johannesburg (UTC+2): 08:00 local is 06:00 UTC
    expect(s.utc.slice(0, 10)).toBe(`${yyyy}-${mm}-${dd}`);
    if (/ \d{2}:\d{2}/.test(ambiguous.created)) {
      const [h, m] = ambiguous.created.slice(11, 16).split(':').map(Number);
      const utc = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd), h! - 2, m!));
      expect(s.utc).toBe(utc.toISOString().slice(0, 16).replace('T', ' '));
    }
    expect((await staged(dayOver12.lead_id)).created_at).not.toBeNull();
  });

  it('a conventions file beside the export overrides the connector: month-first dates, another zone', async () => {
    writeFileSync(path.join(dir, 'conventions.yml'), 'date_order: mdy\ntimezone: UTC\n');
    const r = await runCli([P, 'extract', '--input', dir], env());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/read as: dates month first, times in UTC.*dateOrder from file .*conventions\.yml/);
    expect(await runCli([P, 'transform'], env()).then((x) => x.exitCode)).toBe(0);
    const { ambiguous, dayOver12 } = await probes();
    const [dd, mm, yyyy] = ambiguous.created.slice(0, 10).split('/');
    const s = await staged(ambiguous.lead_id);
    expect(s.utc.slice(0, 10)).toBe(`${yyyy}-${dd}-${mm}`);
    if (/ \d{2}:\d{2}/.test(ambiguous.created)) expect(s.utc.slice(11)).toBe(ambiguous.created.slice(11, 16));
    // a day over 12 in the month place contradicts the declared order: no date, never swapped
    const bad = await staged(dayOver12.lead_id);
    expect(bad.created_at).toBeNull();
    expect(bad.created_raw).toBe(dayOver12.created);
    const finding = await q(`select * from dq_leadtrekker.findings where source_key = $1 and category = 'unparseable_date' and field = 'Created' and value = $2`, ['leads:' + dayOver12.lead_id, dayOver12.created]);
    expect(finding.length).toBe(1);
  });

  it('flags override the file, and an invalid setting stops extract before anything lands', async () => {
    const r = await runCli([P, 'extract', '--input', dir, '--date-order', 'dmy', '--timezone', 'Africa/Johannesburg'], env());
    expect(r.exitCode, r.stderr).toBe(0);
    const [c] = await q(`select date_order, timezone, origin from etl.source_conventions where source = 'leadtrekker'`);
    expect(c).toMatchObject({ date_order: 'dmy', timezone: 'Africa/Johannesburg' });
    expect(c.origin).toMatchObject({ dateOrder: 'flag', timezone: 'flag' });

    const batches = (await q(`select count(*)::int as n from etl.extract_batches`))[0].n;
    writeFileSync(path.join(dir, 'conventions.yml'), 'date_order: ymd\ntimezone: Mars/Olympus_Mons\n');
    const bad = await runCli([P, 'extract', '--input', dir, '--force', '--json'], env());
    expect(bad.exitCode).toBe(1);
    expect(bad.json.error.code).toBe('CONVENTIONS_INVALID');
    expect(bad.json.error.message).toContain('conventions.yml');
    expect(bad.json.error.message).toMatch(/date_order must be dmy/);
    expect(bad.json.error.message).toMatch(/timezone is not an IANA time zone/);
    expect((await q(`select count(*)::int as n from etl.extract_batches`))[0].n).toBe(batches);

    const flag = await runCli([P, 'extract', '--input', dir, '--timezone', 'Nowhere/Special', '--json'], env());
    expect(flag.exitCode).not.toBe(0);
  });
});
