/**
 * The value parsers of sql/lib (dates, date-times, numbers, money, percentages, booleans,
 * durations, emails, custom-field values) in a real PostgreSQL, on hard cases written per source
 * convention: each source declares its day order, time zone and decimal separator, and the
 * parsers read its values only that way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runLib } from '../../engine/transform/build.ts';
import { sqlDir } from '../../engine/paths.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await runLib(db, sqlDir);
});
afterAll(async () => db?.drop());

/** One round trip for a whole table of cases. */
async function each<T = any>(sql: string, inputs: unknown[][]): Promise<T[]> {
  const r = await db.pool.query(
    `select t.ord, x.* from jsonb_array_elements($1::jsonb) with ordinality t(a, ord), lateral (${sql}) x order by t.ord`,
    [JSON.stringify(inputs)],
  );
  return r.rows;
}

interface Convention {
  dayFirst: boolean;
  tz: string;
  decimal: '.' | ',';
}
// Leadtrekker writes amounts both ways (R 82 000,00 and R21,000.00), and a bare 1,500 there is
// fifteen hundred: its decimal-comma amounts always have two decimals or space groups, which
// decide themselves, so the separator it declares for the one ambiguous shape is '.'.
const LEADTREKKER: Convention = { dayFirst: true, tz: 'Africa/Johannesburg', decimal: '.' };
/** A source that does write 1,500 for one and a half (a decimal-comma source). */
const DECIMAL_COMMA: Convention = { ...LEADTREKKER, decimal: ',' };
const SERVICETRACKER: Convention = { dayFirst: false, tz: 'UTC', decimal: '.' };
const LEADTRAC: Convention = { dayFirst: false, tz: 'America/New_York', decimal: '.' };
const ASPEC: Convention = { dayFirst: true, tz: 'America/Toronto', decimal: '.' };

/** An instant as the SQL below prints it (UTC, milliseconds). */
const utc = (iso: string | null) => (iso === null ? null : new Date(iso).toISOString());
const TS_SQL = `select to_char(lib.parse_timestamp(t.a->>0, (t.a->>1)::boolean, t.a->>2) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ts`;

// value -> the instant it names in the source's zone (null: not a real date-time)
const timestamps: [string, Convention, string | null][] = [
  // Leadtrekker: day-first, Johannesburg (UTC+2, no daylight saving)
  ['05/03/2024 14:30', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['5/3/2024 14:30', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['05/03/2024', LEADTREKKER, '2024-03-04T22:00:00Z'],
  ['2024-03-05 14:30:00', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['2024-03-05T14:30:00', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['05.03.2024 14:30', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['05-03-2024', LEADTREKKER, '2024-03-04T22:00:00Z'],
  ['05/03/24 09:00', LEADTREKKER, '2024-03-05T07:00:00Z'],
  ['05/03/99', LEADTREKKER, '1999-03-04T22:00:00Z'],
  ['05/03/2024 2:30 PM', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['05/03/2024 12:15 AM', LEADTREKKER, '2024-03-04T22:15:00Z'],
  ['05/03/2024 12:15 pm', LEADTREKKER, '2024-03-05T10:15:00Z'],
  ['05/03/2024 2:30 p.m.', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['2024-03-05 14:30:15.5', LEADTREKKER, '2024-03-05T12:30:15.500Z'],
  ['2024-03-05 14:30:15,25', LEADTREKKER, '2024-03-05T12:30:15.250Z'],
  ['29/02/2024 23:59', LEADTREKKER, '2024-02-29T21:59:00Z'],
  ['13/01/1980', LEADTREKKER, '1980-01-12T22:00:00Z'],
  ['5 Mar 2024 14:30', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['5 Maart 2024', LEADTREKKER, '2024-03-04T22:00:00Z'],
  ['  05/03/2024 14:30 ', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['2024-03-05T14:30:00+02:00', LEADTREKKER, '2024-03-05T12:30:00Z'],
  ['2024-03-05T14:30:00Z', LEADTREKKER, '2024-03-05T14:30:00Z'],
  ['01/13/1980', LEADTREKKER, null], // month 13 in a day-first source
  ['29/02/2023 10:00', LEADTREKKER, null],
  ['31/04/2024', LEADTREKKER, null],
  ['05/03/2024 24:00', LEADTREKKER, null],
  ['05/03/2024 14:61', LEADTREKKER, null],
  ['05/03/2024 13:00 PM', LEADTREKKER, null],
  ['05/03/2024 0:30 PM', LEADTREKKER, null],
  ['05/03/2024 14:30:60', LEADTREKKER, null],
  ['05/03/2024 garbage', LEADTREKKER, null],
  ['05/03/202414:30', LEADTREKKER, null],
  ['n/a', LEADTREKKER, null],
  ['', LEADTREKKER, null],
  // ServiceTracker: ISO with Z, some month-first dates, UTC
  ['2024-03-05T14:30:00Z', SERVICETRACKER, '2024-03-05T14:30:00Z'],
  ['2024-03-05T14:30:00.123Z', SERVICETRACKER, '2024-03-05T14:30:00.123Z'],
  ['2024-03-05', SERVICETRACKER, '2024-03-05T00:00:00Z'],
  ['03/05/2024', SERVICETRACKER, '2024-03-05T00:00:00Z'],
  ['02/29/2024', SERVICETRACKER, '2024-02-29T00:00:00Z'],
  ['02/29/2000', SERVICETRACKER, '2000-02-29T00:00:00Z'], // divisible by 400: a leap year
  ['2024-03-05T14:30:00+0530', SERVICETRACKER, '2024-03-05T09:00:00Z'],
  ['2024-03-05T14:30:00-05', SERVICETRACKER, '2024-03-05T19:30:00Z'],
  ['2024-03-05 14:30 UTC', SERVICETRACKER, '2024-03-05T14:30:00Z'],
  ['2024/03/05 14:30', SERVICETRACKER, '2024-03-05T14:30:00Z'],
  ['13/05/2024', SERVICETRACKER, null], // month 13 in a month-first source: not swapped
  ['02/29/2100', SERVICETRACKER, null], // a century not divisible by 400: no leap day
  ['2024-02-30', SERVICETRACKER, null],
  ['2024-03-05T25:00:00Z', SERVICETRACKER, null],
  ['2024-03-05T14:30:00+15:00', SERVICETRACKER, null],
  ['2024-03-05T14:30:00+02:75', SERVICETRACKER, null],
  ['1024-03-05', SERVICETRACKER, null],
  // LeadTrac: month-first with AM/PM, New York (daylight saving)
  ['03/05/2024 02:30 PM', LEADTRAC, '2024-03-05T19:30:00Z'],
  ['07/04/2024 09:05 AM', LEADTRAC, '2024-07-04T13:05:00Z'],
  ['7/4/2024 9:05 AM', LEADTRAC, '2024-07-04T13:05:00Z'],
  ['07/04/2024', LEADTRAC, '2024-07-04T04:00:00Z'],
  ['01/13/1980', LEADTRAC, '1980-01-13T05:00:00Z'],
  ['12/31/1999 11:59 PM', LEADTRAC, '2000-01-01T04:59:00Z'],
  ['03/10/2024 01:59 AM', LEADTRAC, '2024-03-10T06:59:00Z'], // last minute of EST
  ['03/10/2024 02:30 AM', LEADTRAC, '2024-03-10T07:30:00Z'], // skipped by the change: read as EST
  ['03/10/2024 03:30 AM', LEADTRAC, '2024-03-10T07:30:00Z'], // first hour of EDT: the same instant
  ['11/03/2024 12:59 AM', LEADTRAC, '2024-11-03T04:59:00Z'], // EDT
  ['11/03/2024 01:30 AM', LEADTRAC, '2024-11-03T06:30:00Z'], // happens twice: the second (EST)
  ['11/03/2024 02:00 AM', LEADTRAC, '2024-11-03T07:00:00Z'],
  ['13/01/1980', LEADTRAC, null], // the defect: was read as 13 January
  ['sometime', LEADTRAC, null],
  // ASPEC: ISO or day-first, Toronto (daylight saving), French month names
  ['2024-03-10 02:30', ASPEC, '2024-03-10T07:30:00Z'],
  ['2024-11-03 01:30', ASPEC, '2024-11-03T06:30:00Z'],
  ['05/03/2024', ASPEC, '2024-03-05T05:00:00Z'],
  ['5 mars 2024', ASPEC, '2024-03-05T05:00:00Z'],
  ['5 janv. 2024 14:30', ASPEC, '2024-01-05T19:30:00Z'],
  ['1er août 2024', ASPEC, '2024-08-01T04:00:00Z'],
  ['14 févr. 2024', ASPEC, '2024-02-14T05:00:00Z'],
  ['March 5, 2024 2:30 PM', ASPEC, '2024-03-05T19:30:00Z'],
  ['05-Mar-2024', ASPEC, '2024-03-05T05:00:00Z'],
  ['Tue, 5 Mar 2024 14:30:00 +0200', ASPEC, '2024-03-05T12:30:00Z'],
  ['31/02/2025', ASPEC, null],
  ['5 marx 2024', ASPEC, null],
];

describe('lib.parse_timestamp per source convention', () => {
  it(`reads ${timestamps.length} hard cases in each source's order and zone`, async () => {
    const rows = await each(TS_SQL, timestamps.map(([v, c]) => [v, c.dayFirst, c.tz]));
    expect(rows.map((r, i) => [timestamps[i]![0], r.ts])).toEqual(timestamps.map(([v, , e]) => [v, utc(e)]));
  });

  it('reads nn/nn/yyyy in neither order when the source has not declared one, but reads ISO', async () => {
    const r = await db.pool.query(`select lib.parse_timestamp('05/03/2024', null, 'UTC') a, lib.parse_timestamp('2024-03-05', null, 'UTC') b`);
    expect(r.rows[0].a).toBeNull();
    expect(r.rows[0].b).not.toBeNull();
  });

  it('reads zero-padded values (fast path) and unpadded ones (general path) as the same instants', async () => {
    const r = await db.pool.query(`
      with t as (select timestamp '1990-01-01' + (random() * 15000) * interval '1 day' as t from generate_series(1, 3000)),
      f as (select t, df, tz,
              to_char(t, case when df then 'DD/MM/YYYY HH24:MI' else 'MM/DD/YYYY HH12:MI AM' end) as padded,
              to_char(t, case when df then 'FMDD/FMMM/YYYY FMHH24:MI' else 'FMMM/FMDD/YYYY FMHH12:MI AM' end) as unpadded,
              to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS') as iso, to_char(t, 'YYYY-FMMM-FMDD HH24:MI:SS') as iso_unpadded
            from t, (values (true, 'Africa/Johannesburg'), (false, 'America/New_York')) c(df, tz))
      select count(*) filter (where lib.parse_timestamp(padded, df, tz) is distinct from lib.parse_timestamp(unpadded, df, tz)) as differ,
             count(*) filter (where lib.parse_date(left(padded, 10), df) is distinct from lib.parse_date(split_part(unpadded, ' ', 1), df)
                                 or lib.parse_date(left(iso, 10), df) is distinct from t::date) as dates_differ,
             count(*) filter (where lib.parse_timestamp(iso, df, tz) is distinct from lib.parse_timestamp(iso_unpadded, df, tz)) as iso_differ,
             count(*) filter (where lib.parse_timestamp(iso, df, tz) is distinct from date_trunc('second', t) at time zone tz) as wrong,
             count(*) filter (where lib.parse_timestamp(padded, df, tz) is null) as unread
      from f`);
    expect(r.rows[0]).toEqual({ differ: 0, dates_differ: 0, iso_differ: 0, wrong: 0, unread: 0 });
  });
});

describe('lib.parse_date', () => {
  it('gives the date as written, in the declared order only', async () => {
    const rows = await each(
      `select lib.parse_date(t.a->>0, (t.a->>1)::boolean)::text d`,
      timestamps.map(([v, c]) => [v, c.dayFirst]),
    );
    // the written date: the local date of each instant in its source's zone, or for values with
    // an offset the date they were written with
    const written = await each(
      `select (lib.parse_timestamp(t.a->>0, (t.a->>1)::boolean, t.a->>2) at time zone (t.a->>2))::date::text d`,
      timestamps.map(([v, c]) => [v.replace(/(?<=\d:\d\d(:\d\d([.,]\d+)?)?)\s*(Z|UTC|[+-]\d\d(:?\d\d)?)$/, ''), c.dayFirst, c.tz]),
    );
    const cases: [string, boolean, string | null][] = [
      ['2024-03-05', true, '2024-03-05'],
      ['2024-03-05T23:30:00-05:00', true, '2024-03-05'],
      ['2024-03-05 25:00', true, '2024-03-05'], // the time is not read
      ['13/03/2024', false, null],
      ['03/13/2024', true, null],
      ['13/03/2024', true, '2024-03-13'],
      ['03/13/2024', false, '2024-03-13'],
      ['5/3/2024', true, '2024-03-05'],
      ['05/03/70', true, '1970-03-05'],
      ['05/03/69', true, '2069-03-05'],
      ['2024/3/5', false, '2024-03-05'],
      ['March 5th, 2024', true, '2024-03-05'],
      ['Mar. 5 2024', false, '2024-03-05'],
      ['5 Mei 2024', true, '2024-05-05'],
      ['5 Desember 2024', true, '2024-12-05'],
      ['5 décembre 2024', true, '2024-12-05'],
      ['2024-Mar-05', true, '2024-03-05'],
      ['5/3/2024/', true, null],
      ['05/03-2024', true, null],
      ['0005-03-05', true, null],
      ['5 Mar', true, null],
    ];
    const own = await each(`select lib.parse_date(t.a->>0, (t.a->>1)::boolean)::text d`, cases);
    expect(own.map((r, i) => [cases[i]![0], cases[i]![1], r.d])).toEqual(cases);
    // parse_date reads the date part of every value parse_timestamp reads, as written
    for (let i = 0; i < timestamps.length; i++) if (timestamps[i]![2] !== null) expect([timestamps[i]![0], rows[i].d]).toEqual([timestamps[i]![0], written[i].d]);
  });
});

describe('lib.date_issue / lib.timestamp_issue', () => {
  it('explains each value that does not parse, in words a person acts on', async () => {
    const cases: [string, boolean | null, RegExp][] = [
      ['13/01/1980', false, /^month 13 in a month-first date \(mm\/dd\/yyyy\)$/],
      ['01/13/1980', true, /^month 13 in a day-first date \(dd\/mm\/yyyy\)$/],
      ['31.04.2024', true, /^day 31 does not exist in April$/],
      ['29/02/2023', true, /^day 29 does not exist in February 2023 \(not a leap year\)$/],
      ['2024-13-01', true, /^month 13 in a year-first date \(yyyy-mm-dd\)$/],
      ['1024-01-01', true, /^year 1024 is outside 1800-2200$/],
      ['5 Marx 2024', true, /^"marx" is not a month name$/],
      ['00/01/2024', true, /^day 0 does not exist$/],
      ['05/03/2024', null, /not declared whether its dates are day-first or month-first/],
      ['garbage', true, /^not a date in any format this source writes$/],
      ['14:30', true, /^a time with no date before it$/],
    ];
    const rows = await each(`select lib.date_issue(t.a->>0, (t.a->>1)::boolean) m`, cases.map(([v, d]) => [v, d]));
    rows.forEach((r, i) => expect([cases[i]![0], r.m]).toEqual([cases[i]![0], expect.stringMatching(cases[i]![2])]));
  });

  it('explains times', async () => {
    const cases: [string, RegExp][] = [
      ['05/03/2024 25:00', /^hour 25 does not exist \(0-23\)$/],
      ['05/03/2024 13:00 PM', /^hour 13 with PM \(a 12-hour clock runs 1-12\)$/],
      ['05/03/2024 10:61', /^minute 61 does not exist \(0-59\)$/],
      ['05/03/2024 10:00:61', /^second 61 does not exist \(0-59\)$/],
      ['2024-03-05T10:00:00+15:00', /^offset \+15:00 is not a UTC offset$/],
      ['05/03/2024 10h30', /not a date/],
      ['31/04/2024 10:00', /^day 31 does not exist in April$/],
    ];
    const rows = await each(`select lib.timestamp_issue(t.a->>0, true) m`, cases.map(([v]) => [v]));
    rows.forEach((r, i) => expect([cases[i]![0], r.m]).toEqual([cases[i]![0], expect.stringMatching(cases[i]![1])]));
  });

  it('is null exactly when the value is empty or parses', async () => {
    const r = await each(
      `select (lib.date_issue(t.a->>0, (t.a->>1)::boolean) is null) = (coalesce(btrim(t.a->>0), '') = '' or lib.parse_date(t.a->>0, (t.a->>1)::boolean) is not null) d,
              (lib.timestamp_issue(t.a->>0, (t.a->>1)::boolean) is null) = (coalesce(btrim(t.a->>0), '') = '' or lib.parse_timestamp(t.a->>0, (t.a->>1)::boolean, 'UTC') is not null) t`,
      timestamps.map(([v, c]) => [v, c.dayFirst]),
    );
    expect(r.every((x) => x.d && x.t)).toBe(true);
  });
});

// value, declared decimal separator, parse_number, parse_money, money_currency
const amounts: [string, '.' | ',' | null, string | null, string | null, string | null][] = [
  // the shape decides wherever it can
  ['82 000,00', '.', '82000.00', '82000.00', null],
  ['1.234,56', '.', '1234.56', '1234.56', null],
  ['1,234.56', ',', '1234.56', '1234.56', null],
  ['12,5', '.', '12.5', '12.5', null],
  ['1,234,567', ',', '1234567', '1234567', null],
  ['1.234.567,89', '.', '1234567.89', '1234567.89', null],
  ['0,500', '.', '0.500', '0.500', null],
  ['1234,567', '.', '1234.567', '1234.567', null],
  ['1 000 000', ',', '1000000', '1000000', null],
  ['1\u00a0234,50', '.', '1234.50', '1234.50', null],
  ['1\u202f234,50', '.', '1234.50', '1234.50', null],
  ["1'234'567.50", ',', '1234567.50', '1234567.50', null],
  ['.5', ',', '0.5', '0.5', null],
  // a single separator before exactly three digits: the declared separator decides
  ['1,500', '.', '1500', '1500', null],
  ['1,500', ',', '1.500', '1.500', null],
  ['1.500', '.', '1.500', '1.500', null],
  ['1.500', ',', '1500', '1500', null],
  ['1,500', null, null, null, null],
  // signs
  ['-5', '.', '-5', '-5', null],
  ['5-', '.', '-5', '-5', null],
  ['(5)', '.', '-5', '-5', null],
  ['+5', '.', '5', '5', null],
  ['\u22125', '.', '-5', '-5', null],
  // not numbers
  ['TBD', '.', null, null, null],
  ['12-15', '.', null, null, null],
  ['1.2.3', '.', null, null, null],
  ['1..2', '.', null, null, null],
  ['1,23,456', '.', null, null, null],
  ['12 34', '.', null, null, null],
  ['12.', '.', null, null, null],
  ['--5', '.', null, null, null],
  ['(5', '.', null, null, null],
  ['', '.', null, null, null],
  // Leadtrekker (declares '.'): its budgets, written both ways
  ['R 82 000,00', '.', null, '82000.00', 'ZAR'],
  ['R125,000.00', '.', null, '125000.00', 'ZAR'],
  ['R1,500', '.', null, '1500', 'ZAR'],
  ['R 12 500', '.', null, '12500', 'ZAR'],
  ['ZAR 12500', '.', null, '12500', 'ZAR'],
  ['R 0,50', '.', null, '0.50', 'ZAR'],
  ['-R 50', '.', null, '-50', 'ZAR'],
  ['R -50', '.', null, '-50', 'ZAR'],
  ['(R 1 500,00)', '.', null, '-1500.00', 'ZAR'],
  ['r 500', '.', null, '500', 'ZAR'],
  // a decimal-comma source
  ['R 82 000,00', ',', null, '82000.00', 'ZAR'],
  ['R125,000.00', ',', null, '125000.00', 'ZAR'],
  ['R1.500', ',', null, '1500', 'ZAR'],
  ['R1,500', ',', null, '1.500', 'ZAR'],
  // ServiceTracker and LeadTrac (declare '.')
  ['$1,234.00', '.', null, '1234.00', null],
  ['$ 1,234,567.89', '.', null, '1234567.89', null],
  ['(1,200.00)', '.', '-1200.00', '-1200.00', null],
  ['1200-', '.', '-1200', '-1200', null],
  ['USD 1,000', '.', null, '1000', 'USD'],
  ['US$ 1,000', '.', null, '1000', 'USD'],
  // ASPEC (declares '.'): French Canadian amounts
  ['12 500,00 $', '.', null, '12500.00', null],
  ['1 234,5 $', '.', null, '1234.5', null],
  ['CAD 12500', '.', null, '12500', 'CAD'],
  ['C$ 99.99', '.', null, '99.99', 'CAD'],
  ['CA$ 2 000', '.', null, '2000', 'CAD'],
  ['12 500,00 $ CAD', '.', null, null, 'CAD'], // a mark on both sides is not a way amounts are written
  ['1.234,56 €', '.', null, '1234.56', 'EUR'],
  ['£45', '.', null, '45', 'GBP'],
  ['R', ',', null, null, null],
  ['12abc', '.', null, null, null],
  ['Rs 500', '.', null, null, null],
];

describe('lib.parse_number / lib.parse_money / lib.money_currency', () => {
  it(`reads ${amounts.length} amounts by shape, the declared separator deciding only 1,500-like ones`, async () => {
    const rows = await each(
      `select lib.parse_number(t.a->>0, t.a->>1)::text n, lib.parse_money(t.a->>0, t.a->>1)::text m, lib.money_currency(t.a->>0) c`,
      amounts.map(([v, d]) => [v, d]),
    );
    expect(rows.map((r, i) => [amounts[i]![0], amounts[i]![1], r.n, r.m, r.c])).toEqual(
      // parse_money reads every plain number parse_number reads
      amounts.map(([v, d, n, m, c]) => [v, d, n, m ?? n, c]),
    );
  });

  it('keeps the one-argument parse_money reading like a "." source', async () => {
    const rows = await each(`select lib.parse_money(t.a->>0)::text a, lib.parse_money(t.a->>0, '.')::text b`, amounts.map(([v]) => [v]));
    for (const r of rows) expect(r.a).toBe(r.b);
  });
});

describe('lib.parse_percent', () => {
  it('reads 80, 80%, 0.8 and 80,5 % as percentages 0..100', async () => {
    const cases: [string, '.' | ',', number | null][] = [
      ['80', '.', 80], ['80%', '.', 80], ['0.8', '.', 80], ['1.0', '.', 100], ['1', '.', 1], ['0', '.', 0], ['100', '.', 100],
      ['0,25', '.', 25], ['80,5 %', ',', 80.5], ['0.5%', '.', 0.5], ['.5', '.', 50], ['45 %', '.', 45],
      ['150', '.', null], ['-5', '.', null], ['high', '.', null], ['', '.', null], ['100.5%', '.', null],
    ];
    const rows = await each(`select lib.parse_percent(t.a->>0, t.a->>1)::float8 p, lib.parse_probability(t.a->>0)::float8 q`, cases);
    expect(rows.map((r, i) => [cases[i]![0], cases[i]![1], r.p])).toEqual(cases);
    rows.forEach((r, i) => cases[i]![1] === '.' && expect(r.q).toBe(r.p));
  });
});

describe('lib.parse_bool', () => {
  it('reads yes/no words in English, Afrikaans and French, and a tick mark', async () => {
    const cases: [string, boolean | null][] = [
      ['Yes', true], [' y ', true], ['TRUE', true], ['t', true], ['1', true], ['on', true], ['X', true], ['✓', true],
      ['ja', true], ['Oui', true], ['No', false], ['n', false], ['FALSE', false], ['f', false], ['0', false],
      ['Off', false], ['Nee', false], ['non', false], ['maybe', null], ['', null], ['2', null], ['-', null], ['yes please', null],
    ];
    const rows = await each(`select lib.parse_bool(t.a->>0) b`, cases.map(([v]) => [v]));
    expect(rows.map((r, i) => [cases[i]![0], r.b])).toEqual(cases);
  });
});

describe('lib.parse_duration_seconds', () => {
  it('reads each source\'s durations, bare numbers in its unit', async () => {
    const cases: [string, string, number | null][] = [
      ['245', 'seconds', 245], ['12', 'minutes', 720], ['04:05', 'seconds', 245], ['4:05', 'minutes', 245],
      ['0:04:05', 'seconds', 245], ['1:02:03', 'minutes', 3723], ['90:00', 'seconds', 5400], ['12 min', 'seconds', 720],
      ['12 mins', 'minutes', 720], ['1h 30m', 'seconds', 5400], ['1 hr 5 min', 'minutes', 3900], ['45 sec', 'minutes', 45],
      ['2.5 minutes', 'seconds', 150], ['2,5', 'minutes', 150], ['1 hour, 5 minutes and 3 seconds', 'seconds', 3903],
      ['00:00', 'seconds', 0], ['1:75', 'seconds', null], ['1:60:00', 'seconds', null], ['abc', 'seconds', null],
      ['', 'minutes', null], ['12 parsecs', 'seconds', null], ['99999999999', 'seconds', null], ['99999999', 'minutes', null],
    ];
    const rows = await each(`select lib.parse_duration_seconds(t.a->>0, t.a->>1) s`, cases.map(([v, u]) => [v, u]));
    expect(rows.map((r, i) => [cases[i]![0], cases[i]![1], r.s])).toEqual(cases);
  });
});

const LONG_254 = `a@${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.${'e'.repeat(62)}.com`;

describe('lib.clean_email / lib.is_valid_email', () => {
  it('unwraps mailto: and Name <addr>, and validates dot-atom, LDH domains and 2+ letter TLDs', async () => {
    const cases: [string, string | null, boolean | null][] = [
      ['  John.Smith@Example.COM ', 'john.smith@example.com', true],
      ['mailto:A@B.co?subject=Hi', 'a@b.co', true],
      ['John Smith <John@X.com>', 'john@x.com', true],
      ['<a@b.com>', 'a@b.com', true],
      ["o'brien+crm@x.co.za", "o'brien+crm@x.co.za", true],
      ['a@b.xn--p1ai', 'a@b.xn--p1ai', true],
      ['a@b.c', 'a@b.c', false], // one-letter top-level domain
      ['a@b.123', 'a@b.123', false],
      ['.a@b.com', '.a@b.com', false],
      ['a.@b.com', 'a.@b.com', false],
      ['a..b@b.com', 'a..b@b.com', false],
      ['a@-b.com', 'a@-b.com', false],
      ['a@b-.com', 'a@b-.com', false],
      ['a@b_c.com', 'a@b_c.com', false],
      ['john@example', 'john@example', false],
      ['john smith@example.com', 'john smith@example.com', false],
      ['john@@example.com', 'john@@example.com', false],
      ['a@b.com; c@d.com', 'a@b.com; c@d.com', false],
      [`${'a'.repeat(64)}@x.com`, `${'a'.repeat(64)}@x.com`, true],
      [`${'a'.repeat(65)}@x.com`, `${'a'.repeat(65)}@x.com`, false],
      [`a@${'b'.repeat(63)}.com`, `a@${'b'.repeat(63)}.com`, true],
      [`a@${'b'.repeat(64)}.com`, `a@${'b'.repeat(64)}.com`, false],
      [LONG_254, LONG_254, true],
      [`${LONG_254}m`, `${LONG_254}m`, false], // 255 characters
      ['', null, null],
    ];
    expect([LONG_254.length, LONG_254.split('.').every((l) => l.length <= 63)]).toEqual([254, true]);
    const rows = await each(`select lib.clean_email(t.a->>0) e, lib.is_valid_email(lib.clean_email(t.a->>0)) v`, cases.map(([v]) => [v]));
    expect(rows.map((r, i) => [cases[i]![0], r.e, r.v])).toEqual(cases);
  });
});

describe('lib.typed_value / lib.value_issue', () => {
  it('types custom-field values for each destination kind', async () => {
    const cases: [string, string, Convention, unknown][] = [
      ['  hello  world ', 'text', ASPEC, 'hello  world'],
      ['x', 'LongText', ASPEC, 'x'],
      [' a ; b| c ;', 'multiselectpicklist', ASPEC, ['a', 'b', 'c']],
      ['12', 'integer', ASPEC, 12],
      ['12.00', 'bigint', ASPEC, 12],
      ['12.5', 'integer', ASPEC, null],
      ['1,500', 'number', LEADTREKKER, 1500],
      ['1,500', 'number', DECIMAL_COMMA, 1.5],
      ['1,500', 'number', SERVICETRACKER, 1500],
      ['R 82 000,00', 'currency', LEADTREKKER, 82000],
      ['12 500,00 $', 'Currency', ASPEC, 12500],
      ['45%', 'percent', ASPEC, 45],
      ['0.3', 'percent', ASPEC, 30],
      ['05/03/2024', 'date', LEADTREKKER, '2024-03-05'],
      ['05/03/2024', 'Date', LEADTRAC, '2024-05-03'],
      ['13/01/1980', 'date', LEADTRAC, null],
      ['05/03/2024 14:30', 'datetime', LEADTREKKER, '2024-03-05T12:30:00+00:00'],
      ['03/10/2024 02:30 AM', 'datetime', LEADTRAC, '2024-03-10T07:30:00+00:00'],
      ['Ja', 'checkbox', LEADTREKKER, true],
      ['non', 'boolean', ASPEC, false],
      ['maybe', 'boolean', ASPEC, null],
      ['   ', 'text', ASPEC, null],
      ['', 'date', ASPEC, null],
    ];
    const rows = await each(
      `select lib.typed_value(t.a->>0, t.a->>1, (t.a->>2)::boolean, t.a->>3, t.a->>4) v`,
      cases.map(([v, k, c]) => [v, k, c.dayFirst, c.tz, c.decimal]),
    );
    expect(rows.map((r, i) => [cases[i]![0], cases[i]![1], r.v])).toEqual(cases.map(([v, k, , e]) => [v, k, e]));
  });

  it('gives exactly what the standard-column parsers give for the same text', async () => {
    const texts = [...new Set([...timestamps.map(([v]) => v), ...amounts.map(([v]) => v), '80%', '0.8', '150', 'Yes', 'nee', 'x', '12', '12.5'])];
    const conventions = [LEADTREKKER, SERVICETRACKER, LEADTRAC, ASPEC, DECIMAL_COMMA];
    const inputs = texts.flatMap((v) => conventions.map((c) => [v, c.dayFirst, c.tz, c.decimal]));
    const rows = await each(
      `select x.*
       from (select t.a->>0 v, (t.a->>1)::boolean df, t.a->>2 tz, t.a->>3 ds) i,
       lateral (select
         lib.typed_value(i.v, 'date', i.df, i.tz, i.ds) is not distinct from to_jsonb(to_char(lib.parse_date(i.v, i.df), 'YYYY-MM-DD')) as date,
         lib.typed_value(i.v, 'datetime', i.df, i.tz, i.ds) is not distinct from to_jsonb(lib.zoho_datetime(lib.parse_timestamp(i.v, i.df, i.tz))) as datetime,
         lib.typed_value(i.v, 'double', i.df, i.tz, i.ds) is not distinct from to_jsonb(lib.parse_number(i.v, i.ds)) as number,
         lib.typed_value(i.v, 'currency', i.df, i.tz, i.ds) is not distinct from to_jsonb(lib.parse_money(i.v, i.ds)) as currency,
         lib.typed_value(i.v, 'percent', i.df, i.tz, i.ds) is not distinct from to_jsonb(lib.parse_percent(i.v, i.ds)) as percent,
         lib.typed_value(i.v, 'boolean', i.df, i.tz, i.ds) is not distinct from to_jsonb(lib.parse_bool(i.v)) as bool,
         lib.typed_value(i.v, 'integer', i.df, i.tz, i.ds) is not distinct from
           (select case when n = trunc(n) then to_jsonb(trunc(n)) end from (select lib.parse_number(i.v, i.ds) n) z) as integer,
         (lib.value_issue(i.v, 'date', i.df, i.ds) is null) = (lib.typed_value(i.v, 'date', i.df, i.tz, i.ds) is not null or btrim(i.v) = '') as date_issue,
         (lib.value_issue(i.v, 'datetime', i.df, i.ds) is null) = (lib.typed_value(i.v, 'datetime', i.df, i.tz, i.ds) is not null or btrim(i.v) = '') as datetime_issue,
         (lib.value_issue(i.v, 'currency', i.df, i.ds) is null) = (lib.typed_value(i.v, 'currency', i.df, i.tz, i.ds) is not null or btrim(i.v) = '') as currency_issue,
         (lib.value_issue(i.v, 'percent', i.df, i.ds) is null) = (lib.typed_value(i.v, 'percent', i.df, i.tz, i.ds) is not null or btrim(i.v) = '') as percent_issue,
         (lib.value_issue(i.v, 'integer', i.df, i.ds) is null) = (lib.typed_value(i.v, 'integer', i.df, i.tz, i.ds) is not null or btrim(i.v) = '') as integer_issue,
         (lib.value_issue(i.v, 'checkbox', i.df, i.ds) is null) = (lib.typed_value(i.v, 'checkbox', i.df, i.tz, i.ds) is not null or btrim(i.v) = '') as bool_issue
       ) x`,
      inputs,
    );
    expect(rows.length).toBe(inputs.length);
    const bad = rows.flatMap((r, i) => Object.entries(r).filter(([k, ok]) => k !== 'ord' && ok !== true).map(([k]) => `${k}: ${JSON.stringify(inputs[i])}`));
    expect(bad).toEqual([]);
  });

  it('says why a value does not type', async () => {
    const cases: [string, string, RegExp][] = [
      ['TBD', 'currency', /^not an amount$/],
      ['n/a', 'double', /^not a number$/],
      ['12.5', 'integer', /^12\.5 is not a whole number$/],
      ['150', 'percent', /^percentage 150 is outside 0-100$/],
      ['high', 'percent', /^not a percentage$/],
      ['13/01/1980', 'date', /^month 13 in a month-first date/],
      ['01/13/1980 25:00', 'datetime', /^hour 25 does not exist/],
      ['maybe', 'checkbox', /^not a yes\/no value$/],
      [';', 'multiselectpicklist', /^no value/],
    ];
    const rows = await each(`select lib.value_issue(t.a->>0, t.a->>1, false, '.') m`, cases.map(([v, k]) => [v, k]));
    rows.forEach((r, i) => expect([cases[i]![0], r.m]).toEqual([cases[i]![0], expect.stringMatching(cases[i]![2])]));
    const amb = await db.pool.query(`select lib.value_issue('1,500', 'number', true, null) m, lib.value_issue('12', 'number', true, null) n`);
    expect(amb.rows[0]).toEqual({ m: expect.stringMatching(/has not declared its decimal separator/), n: null });
  });
});

describe('any text', () => {
  it('never raises an error in any parser, and every issue function agrees with its parser', async () => {
    // random strings of the characters dates, times, amounts and addresses are made of
    const r = await db.pool.query(`
      with s as (
        select string_agg(substr('0123456789/-.:, TZAPMampzr+R$€()x@''%hs', 1 + (random() * 39)::int, 1), '') as v
        from generate_series(1, 20000) i, generate_series(1, 1 + i % 24) j group by i)
      select count(*) as n,
        count(*) filter (where (lib.date_issue(v, true) is null) <> (btrim(v) = '' or lib.parse_date(v, true) is not null)) as date_disagree,
        count(*) filter (where (lib.timestamp_issue(v, false) is null) <> (btrim(v) = '' or lib.parse_timestamp(v, false, 'UTC') is not null)) as ts_disagree,
        count(lib.parse_timestamp(v, true, 'America/Toronto')) + count(lib.parse_date(v, null)) + count(lib.parse_money(v, ','))
          + count(lib.parse_number(v, null)) + count(lib.parse_percent(v, '.')) + count(lib.parse_bool(v))
          + count(lib.parse_duration_seconds(v, 'minutes')) + count(lib.is_valid_email(lib.clean_email(v)))
          + count(lib.money_currency(v)) + count(lib.value_issue(v, 'currency', true, null))
          + count(lib.typed_value(v, 'multiselectpicklist', true, 'UTC', '.')) as parsed
      from s`);
    expect(r.rows[0]).toMatchObject({ n: 20000, date_disagree: 0, ts_disagree: 0 });
  });
});

describe('parallel plans', () => {
  it('declares every value function immutable and parallel safe, with no exception block', async () => {
    const files = ['010_text.sql', '020_dates.sql', '060_values.sql', '065_typed_values.sql'];
    const names = [...new Set(files.flatMap((f) => [...readFileSync(path.join(sqlDir, 'lib', f), 'utf8').matchAll(/create or replace function lib\.(\w+)\(/g)].map((m) => m[1]!)))];
    expect(names).toEqual(expect.arrayContaining(['parse_timestamp', 'parse_date', 'parse_money', 'typed_value']));
    const r = await db.pool.query(
      `select p.oid::regprocedure::text as f, p.provolatile as v, p.proparallel as par, p.prosrc ~* '\\mexception\\M' as exc
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'lib' and p.proname = any($1)`,
      [names],
    );
    expect(r.rows.length).toBeGreaterThanOrEqual(names.length);
    expect(r.rows.filter((x) => x.v !== 'i' || x.par !== 's' || x.exc)).toEqual([]);
  });

  it('every function runs in parallel workers (forced) and gives exactly the serial results', async () => {
    const texts = [...new Set([...timestamps.map(([v]) => v), ...amounts.map(([v]) => v), '80%', '0.8', 'Ja', '1:02:03', '12 min',
      'John <J@X.com>', 'a@b.c', ' a ; b| c ;'])];
    const inputs = texts.flatMap((v) => [LEADTREKKER, SERVICETRACKER, LEADTRAC, ASPEC, DECIMAL_COMMA].map((c) => ({ v, df: c.dayFirst, tz: c.tz, ds: c.decimal })));
    const cols = `id, lib.parse_timestamp(v, df, tz) ts, lib.parse_date(v, df) d, lib.date_issue(v, df) di,
      lib.timestamp_issue(v, df) ti, lib.parse_number(v, ds) n, lib.parse_money(v, ds) m, lib.money_currency(v) c,
      lib.parse_percent(v, ds) p, lib.parse_bool(v) b, lib.parse_duration_seconds(v, 'seconds') du, lib.clean_email(v) e,
      lib.is_valid_email(lib.clean_email(v)) ev, lib.typed_value(v, 'datetime', df, tz, ds) tv, lib.value_issue(v, 'date', df, ds) vi,
      lib.typed_value(v, 'multiselectpicklist', df, tz, ds) ms, lib.typed_value(v, 'currency', df, tz, ds) tc, lib.value_issue(v, 'percent', df, ds) vp`;
    const c = await db.pool.connect();
    try {
      // every case many times over, so the parallel scan has pages to hand to each worker
      await c.query(
        `create table par_in as select (row_number() over ())::int as id, x.* from jsonb_to_recordset($1::jsonb) x(v text, df boolean, tz text, ds text), generate_series(1, 60)`,
        [JSON.stringify(inputs)],
      );
      await c.query('analyze par_in');
      await c.query('set max_parallel_workers_per_gather = 0');
      await c.query(`create table par_serial as select ${cols} from par_in`);
      const version = Number((await c.query('show server_version_num')).rows[0].server_version_num);
      await c.query(`set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set min_parallel_table_scan_size = 0;
        set max_parallel_workers_per_gather = 2; set ${version >= 160000 ? 'debug_parallel_query' : 'force_parallel_mode'} = on`);
      // workers are shared with every other session on the server: try again if none was free
      let launched = 0;
      let plan = '';
      for (let attempt = 0; attempt < 5 && launched === 0; attempt++) {
        await c.query('drop table if exists par_parallel');
        const r = await c.query(`explain (analyze, costs off, timing off, summary off) create table par_parallel as select ${cols} from par_in`);
        plan = r.rows.map((x) => x['QUERY PLAN']).join('\n');
        launched = Number(/Workers Launched: (\d+)/.exec(plan)?.[1] ?? 0);
      }
      expect(plan).toMatch(/Gather/);
      expect(launched).toBeGreaterThan(0);
      const diff = await c.query(`select (select count(*) from par_parallel) as n, (select count(*) from par_serial) as serial,
        (select count(*) from (select * from par_serial except all select * from par_parallel) a) as missing,
        (select count(*) from (select * from par_parallel except all select * from par_serial) b) as extra,
        (select count(ts) from par_parallel) as timestamps`);
      expect(diff.rows[0]).toEqual({ n: inputs.length * 60, serial: inputs.length * 60, missing: 0, extra: 0, timestamps: expect.any(Number) });
      expect(diff.rows[0].timestamps).toBeGreaterThan(inputs.length * 10);
    } finally {
      await c.query('reset all');
      c.release();
    }
  });
});
