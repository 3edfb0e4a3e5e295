/**
 * lib.phone_e164 against libphonenumber-js itself: a seeded corpus of phone strings as exports
 * write them (tools/phone-metadata/corpus.ts) goes through the SQL function in one query and
 * through parsePhoneNumberFromString; they must agree on at least 99.5% of it. Also: the
 * committed 051_phone_metadata.sql is what the generator writes for the installed
 * libphonenumber-js, and lib.phone_extension reads the extension the library reads.
 */
import { readFileSync } from 'node:fs';
import parsePhoneNumberFromString, { type CountryCode } from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runLib } from '../../engine/transform/build.ts';
import { sqlDir } from '../../engine/paths.ts';
import { phoneCorpus } from '../../tools/phone-metadata/corpus.ts';
import { OUTPUT, render } from '../../tools/phone-metadata/generate.ts';

const SIZE = 12_000;
const SEED = 20_240_601;

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await runLib(db, sqlDir);
});
afterAll(async () => db?.drop());

/** What the library says: the E.164 number when it parses and is valid, else null. */
function expected(text: string, country: string): string | null {
  const p = parsePhoneNumberFromString(text, country as CountryCode);
  return p && p.isValid() ? p.number : null;
}

describe('lib.phone_e164 agrees with libphonenumber-js', () => {
  it(`on a generated corpus of ${SIZE.toLocaleString('en-US')} phone strings`, async () => {
    const corpus = phoneCorpus(SEED, SIZE);
    const { rows } = await db.pool.query<{ e164: string | null; ext: string | null }>(
      `select lib.phone_e164(t.v, t.c) as e164, lib.phone_extension(t.v) as ext
       from unnest($1::text[], $2::text[]) with ordinality t(v, c, i) order by t.i`,
      [corpus.map((s) => s.text), corpus.map((s) => s.country)],
    );
    expect(rows).toHaveLength(SIZE);

    const differ: string[] = [];
    let valid = 0;
    let extChecked = 0;
    const extDiffer: string[] = [];
    corpus.forEach((s, i) => {
      const want = expected(s.text, s.country);
      if (want) valid++;
      if (want !== rows[i]!.e164) differ.push(`${JSON.stringify(s.text)} (${s.country}): SQL ${rows[i]!.e164}, libphonenumber-js ${want}`);
      const p = parsePhoneNumberFromString(s.text, s.country as CountryCode);
      if (p) {
        extChecked++;
        if ((p.ext ?? null) !== rows[i]!.ext) extDiffer.push(`${JSON.stringify(s.text)}: SQL ${rows[i]!.ext}, libphonenumber-js ${p.ext}`);
      }
    });
    const agreement = (100 * (SIZE - differ.length)) / SIZE;
    console.log(
      `phone agreement: ${agreement.toFixed(2)}% of ${SIZE.toLocaleString('en-US')} (${differ.length} differ; ` +
        `${((100 * valid) / SIZE).toFixed(1)}% valid per libphonenumber-js)` +
        (differ.length ? `\n  ${differ.slice(0, 10).join('\n  ')}` : ''),
    );
    // A corpus that is nearly all valid or nearly all invalid would prove little.
    expect(valid / SIZE).toBeGreaterThan(0.3);
    expect(valid / SIZE).toBeLessThan(0.75);
    expect(agreement).toBeGreaterThanOrEqual(99.5);
    expect(extChecked).toBeGreaterThan(SIZE / 2);
    expect(extDiffer).toEqual([]);
  });

  it('reads extensions and letters as the library does', async () => {
    const cases = [
      ['415.555.0101 x123', 'US'],
      ['+1 415 555 0101 ext. 9', 'ZA'],
      ['082 555 0101, 123', 'ZA'],
      ['082 555 0101 #45', 'ZA'],
      ['+1 (415) 555-0101 - 503#', 'US'],
      ['(415) 555-0101;ext=77', 'US'],
      ['020 7946 0958 extension 12', 'GB'],
      ['1-800-FLOWERS', 'US'], // letters are not read as digits
      ['082 CALL NOW', 'ZA'],
      ['+27\u00a082\u00a0555\u00a00101', 'US'],
      ['\uff10\uff18\uff12 555 0101', 'ZA'], // full-width digits
      ['tel:+1-415-555-0101;phone-context=example.com', 'US'],
      ['415-555-0101;isub=12', 'US'],
    ] as const;
    const { rows } = await db.pool.query<{ e164: string | null; ext: string | null }>(
      `select lib.phone_e164(t.v, t.c) e164, lib.phone_extension(t.v) ext
       from unnest($1::text[], $2::text[]) with ordinality t(v, c, i) order by t.i`,
      [cases.map((c) => c[0]), cases.map((c) => c[1])],
    );
    const got = rows.map((r, i) => [cases[i]![0], r.e164, r.ext]);
    const want = cases.map(([text, country]) => {
      const p = parsePhoneNumberFromString(text, country);
      return [text, p && p.isValid() ? p.number : null, p?.ext ?? null];
    });
    expect(got).toEqual(want);
  });

  it('is parallel safe: a parallel plan gives the same answers', async () => {
    const corpus = phoneCorpus(SEED + 1, 4_000);
    const c = await db.pool.connect();
    try {
      await c.query('create temp table phone_sample as select * from unnest($1::text[], $2::text[]) t(v, c)', [
        corpus.map((s) => s.text),
        corpus.map((s) => s.country),
      ]);
      const sql = `select md5(string_agg(coalesce(lib.phone_e164(v, c), '-'), ',' order by v, c)) h from phone_sample`;
      const serial = (await c.query(sql)).rows[0].h;
      const proc = (await c.query(`select proparallel, provolatile from pg_proc where oid = 'lib.phone_e164(text,text)'::regprocedure`)).rows[0];
      expect(proc).toEqual({ proparallel: 's', provolatile: 'i' });
      // temp tables are not read by workers; a real one is
      await c.query('create table phone_sample_p as select * from phone_sample');
      await c.query('set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set min_parallel_table_scan_size = 0; set max_parallel_workers_per_gather = 2');
      const plan = (await c.query(`explain ${sql.replace('phone_sample', 'phone_sample_p')}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Gather/);
      expect((await c.query(sql.replace('phone_sample', 'phone_sample_p'))).rows[0].h).toBe(serial);
      await c.query('drop table phone_sample_p');
    } finally {
      c.release();
    }
  });
});

describe('051_phone_metadata.sql', () => {
  it('is what tools/phone-metadata/generate.ts writes for the installed libphonenumber-js', () => {
    expect(readFileSync(OUTPUT, 'utf8') === render(), 'sql/lib/051_phone_metadata.sql is stale: run npm run phone-metadata').toBe(true);
  });
});
