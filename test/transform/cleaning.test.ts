/**
 * The shared cleaning functions in sql/lib, called in a real PostgreSQL on hard cases written
 * from patterns seen in CRM exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runLib } from '../../engine/transform/build.ts';
import { sqlDir } from '../../engine/paths.ts';
import parsePhoneNumberFromString, { type CountryCode } from 'libphonenumber-js';

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

// input, salutation, first, middle, last, suffix, uncertain
type NameCase = [string | null, string | null, string | null, string | null, string | null, string | null, boolean];
const names: NameCase[] = [
  ['John Smith', null, 'John', null, 'Smith', null, false],
  ['Smith', null, null, null, 'Smith', null, false],
  ['  Thandi    Nkosi  ', null, 'Thandi', null, 'Nkosi', null, false],
  ['Dr Jane Doe', 'Dr.', 'Jane', null, 'Doe', null, false],
  ['Dr. Jane Doe', 'Dr.', 'Jane', null, 'Doe', null, false],
  ['MRS. SARAH CONNOR', 'Mrs.', 'Sarah', null, 'Connor', null, false],
  ['Prof Dr Hans von Braun III', 'Prof. Dr.', 'Hans', null, 'von Braun', 'III', false],
  ['Mnr. Piet Pompies', 'Mnr.', 'Piet', null, 'Pompies', null, false],
  ['Adv Thuli Madonsela', 'Adv.', 'Thuli', null, 'Madonsela', null, false],
  ['Martin Luther King Jr.', null, 'Martin', null, 'Luther King', 'Jr.', true],
  ['John Smith Jr', null, 'John', null, 'Smith', 'Jr.', false],
  ['John Smith, PhD', null, 'John', null, 'Smith', 'PhD', false],
  ['Smith, John', null, 'John', null, 'Smith', null, false],
  ['SMITH, JOHN', null, 'John', null, 'Smith', null, false],
  ['Smith, John Paul', null, 'John', 'Paul', 'Smith', null, false],
  ['Smith Jr., John', null, 'John', null, 'Smith', 'Jr.', false],
  ['Smith, John, Jr.', null, 'John', null, 'Smith', 'Jr.', false],
  ['Du Plessis, Francois', null, 'Francois', null, 'Du Plessis', null, false],
  ['Jan van der Merwe', null, 'Jan', null, 'van der Merwe', null, false],
  ['JAN VAN DER MERWE', null, 'Jan', null, 'van der Merwe', null, false],
  ['Ludwig van Beethoven', null, 'Ludwig', null, 'van Beethoven', null, false],
  ['Juan Carlos de la Cruz', null, 'Juan', 'Carlos', 'de la Cruz', null, false],
  ['Pierre du Toit', null, 'Pierre', null, 'du Toit', null, false],
  ['Leonardo da Vinci', null, 'Leonardo', null, 'da Vinci', null, false],
  ['Mohammed bin Salman', null, 'Mohammed', null, 'bin Salman', null, false],
  ['Van Wyk', null, null, null, 'Van Wyk', null, true],
  ['john mcdonald', null, 'John', null, 'McDonald', null, false],
  ['JOHN MCDONALD JR', null, 'John', null, 'McDonald', 'Jr.', false],
  ['SEAN O\'BRIEN', null, 'Sean', null, "O'Brien", null, false],
  ['ANGUS MACDONALD', null, 'Angus', null, 'MacDonald', null, false],
  ['JAMES MACK', null, 'James', null, 'Mack', null, false],
  ['MARY SMITH-JONES', null, 'Mary', null, 'Smith-Jones', null, false],
  ['DeShawn McKenzie', null, 'DeShawn', null, 'McKenzie', null, false],
  ['John F. Kennedy', null, 'John', 'F.', 'Kennedy', null, false],
  ['George W Bush', null, 'George', 'W', 'Bush', null, false],
  ['Mary Anne Smith', null, 'Mary', null, 'Anne Smith', null, true],
  ['José García López', null, 'José', null, 'García López', null, true],
  ['J. K.', null, 'J.', null, 'K.', null, true],
  ['J.R.R. Tolkien', null, 'J.R.R.', null, 'Tolkien', null, false],
  ['John S.', null, 'John', null, 'S.', null, true],
  ['Robert "Bob" Smith', null, 'Robert', null, 'Smith', null, false],
  ['Elizabeth (Liz) Taylor', null, 'Elizabeth', null, 'Taylor', null, false],
  ['Madonna', null, null, null, 'Madonna', null, false],
  ['Mr', null, null, null, 'Mr', null, true],
  ['Acme Pty Ltd', null, 'Acme', null, 'Pty Ltd', null, true],
  ['info@acme.co.za', null, null, null, 'info@acme.co.za', null, true],
  ['Lead 12345', null, 'Lead', null, '12345', null, true],
  ['', null, null, null, null, null, true],
  [null, null, null, null, null, null, true],
  ['Sipho Ndlovu-Mthembu', null, 'Sipho', null, 'Ndlovu-Mthembu', null, false],
];

describe('lib.split_name', () => {
  it(`splits ${names.length} hard names`, async () => {
    expect(names.length).toBeGreaterThanOrEqual(40);
    const rows = await each(`select (lib.split_name(t.a->>0)).*`, names.map((n) => [n[0]]));
    const got = rows.map((r, i) => [names[i]![0], r.salutation, r.first_name, r.middle, r.last_name, r.suffix, r.uncertain]);
    expect(got).toEqual(names);
  });

  it('gives a reason whenever a split is uncertain, and otherwise only names a dropped nickname', async () => {
    const rows = await each(`select (lib.split_name(t.a->>0)).*`, names.map((n) => [n[0]]));
    for (const r of rows) expect(r.uncertain ? r.reason !== null : r.reason === null || /^nickname dropped: /.test(r.reason)).toBe(true);
    const reason = (s: string) => rows[names.findIndex((n) => n[0] === s)]!.reason as string;
    expect(reason('Mary Anne Smith')).toMatch(/3 words without a particle/);
    expect(reason('J. K.')).toMatch(/initials only/);
    expect(reason('Acme Pty Ltd')).toMatch(/company/);
    expect(reason('info@acme.co.za')).toMatch(/email/);
  });

  it('keeps the seed rule for two words and single words', async () => {
    const r = await db.pool.query(`select (lib.split_name('Anna Karenina')).first_name f, (lib.split_name('Anna Karenina')).last_name l,
      (lib.split_name('Cher')).last_name s`);
    expect(r.rows[0]).toEqual({ f: 'Anna', l: 'Karenina', s: 'Cher' });
  });
});

// variants that must share one key
const companyClusters: string[][] = [
  ['ACME (Pty) Ltd.', 'Acme Pty Ltd', 'acme', 'Acme (PTY) LTD', 'ACME PTY. LTD', 'Acme Proprietary Limited'],
  ['Smith & Sons', 'Smith and Sons Ltd', 'SMITH & SONS LIMITED', 'Smith &amp Sons'],
  ['Société Générale S.A.', 'Societe Generale SA', 'SOCIÉTÉ GÉNÉRALE'],
  ['Nestlé', 'Nestle SA', 'NESTLÉ S.A.'],
  ['Müller GmbH', 'Muller GmbH', 'MÜLLER'],
  ['Les Entreprises Tremblay Ltée', 'Les Entreprises Tremblay Ltee', 'LES ENTREPRISES TREMBLAY'],
  ['The Boeing Company', 'Boeing Co.', 'Boeing', 'BOEING CORPORATION'],
  ['Foo L.L.C.', 'Foo LLC', 'Foo, LLC', 'foo llc.'],
  ['Pick n Pay', "Pick 'n Pay", "Pick n' Pay", 'PICK N PAY (PTY) LTD'],
  ['www.acme-tools.co.za', 'Acme-Tools', 'ACME TOOLS CC'],
  ['Johnson & Johnson Inc.', 'Johnson and Johnson, Incorporated', 'JOHNSON & JOHNSON'],
  ['AB InBev NV', 'AB InBev N.V.', 'ab inbev'],
  ['Shell PLC', 'Shell p.l.c.', 'SHELL'],
  ['Procter & Gamble Co.', 'Procter and Gamble Company', 'PROCTER & GAMBLE'],
];
// pairs that must NOT share a key
const distinct: [string, string][] = [
  ['Acme Holdings', 'Acme'],
  ['Standard Bank', 'Standard Chartered'],
  ['Co-op Funeral', 'Funeral'],
  ['First National Bank', 'National Bank'],
];

describe('lib.company_key', () => {
  const variants = companyClusters.flat().length + distinct.length * 2;
  it(`joins spelling variants (${variants} company variants)`, async () => {
    expect(variants).toBeGreaterThanOrEqual(30);
    const rows = await each(`select lib.company_key(t.a->>0) k`, companyClusters.flat().map((v) => [v]));
    let i = 0;
    for (const cluster of companyClusters) {
      const keys = cluster.map(() => rows[i++]!.k);
      expect({ cluster, keys: new Set(keys).size }).toEqual({ cluster, keys: 1 });
      expect(keys[0]).toMatch(/^[a-z0-9 ]+$/);
    }
  });

  it('keeps different companies apart and never empties a key', async () => {
    const rows = await each(`select lib.company_key(t.a->>0) a, lib.company_key(t.a->>1) b`, distinct);
    for (const r of rows) expect(r.a).not.toBe(r.b);
    const r = await db.pool.query(`select lib.company_key('Ltd') a, lib.company_key('  ') b, lib.company_key('The Company') c`);
    expect(r.rows[0]).toEqual({ a: 'ltd', b: null, c: 'company' });
  });

  it('names a cluster by the stated rule', async () => {
    const cases: [string[], string][] = [
      [['Acme', 'Acme', 'ACME PTY LTD'], 'Acme'], // most frequent wins
      [['ACME PTY LTD', 'Acme', 'Acme (Pty) Ltd'], 'Acme (Pty) Ltd'], // tie: mixed case, then legal form
      [['ACME', 'acme'], 'ACME'], // tie, neither mixed case, no legal form, same length: alphabetical (C collation)
      [['Beta Corp', 'Beta Corporation'], 'Beta Corporation'], // tie: longest
      [['  Gamma   Ltd ', 'Gamma Ltd'], 'Gamma Ltd'], // spaces squished before counting
    ];
    const rows = await each(`select lib.company_display_name(array(select jsonb_array_elements_text(t.a->0))) d`, cases.map((c) => [c[0]]));
    expect(rows.map((r) => r.d)).toEqual(cases.map((c) => c[1]));
  });

  it('reports near-duplicates the key does not join, with their variants', async () => {
    const r = await db.pool.query(
      `select key_a, key_b, variants_a, variants_b, similarity from lib.company_near_duplicates(array['Acme Holdings','ACME HOLDINGS (PTY) LTD','Acmee Holdings','Globex','Initech','Umbrella Corp'])`,
    );
    expect(r.rows.map((x) => [x.key_a, x.key_b])).toEqual([['acme holdings', 'acmee holdings']]);
    expect(r.rows[0].variants_a).toEqual(['ACME HOLDINGS (PTY) LTD', 'Acme Holdings']);
    expect(r.rows[0].similarity).toBeGreaterThan(0.5);
  });

  it('computes the same trigram similarity as pg_trgm in its SQL fallback', async () => {
    const has = await db.pool.query(`select count(*)::int n from pg_extension where extname = 'pg_trgm'`);
    const pairs = [['acme holdings', 'acmee holdings'], ['globex', 'glbex'], ['standard bank', 'standard chartered'], ['a', 'b']];
    const rows = await each(`select lib.trigram_similarity(t.a->>0, t.a->>1) f, lib.name_similarity(t.a->>0, t.a->>1) s`, pairs);
    for (const r of rows) expect(r.f).toBeCloseTo(r.s, 5);
    if (has.rows[0].n) {
      const p = await each(`select similarity(t.a->>0, t.a->>1) p, lib.trigram_similarity(t.a->>0, t.a->>1) f`, pairs);
      for (const r of p) expect(r.f).toBeCloseTo(r.p, 5);
    }
  });
});

describe('lib.clean_email / is_valid_email', () => {
  it('trims, lower-cases and flags validity', async () => {
    const cases: [string, string | null, boolean | null][] = [
      ['  John.Smith@Example.COM ', 'john.smith@example.com', true],
      ['john@example', 'john@example', false],
      ['john smith@example.com', 'john smith@example.com', false],
      ['john@@example.com', 'john@@example.com', false],
      ['', null, null],
    ];
    const rows = await each(`select lib.clean_email(t.a->>0) e, lib.is_valid_email(lib.clean_email(t.a->>0)) v`, cases.map((c) => [c[0]]));
    expect(rows.map((r, i) => [cases[i]![0], r.e, r.v])).toEqual(cases);
  });
});

describe('lib.phone_e164', () => {
  it('reads national, international and messy numbers per default country', async () => {
    const cases: [string, string, string | null][] = [
      ['082 555 0101', 'ZA', '+27825550101'],
      ['(011) 555-0101', 'ZA', '+27115550101'],
      ['+27 82 555 0101', 'US', '+27825550101'],
      ['+27 (0)82 555 0101', 'ZA', '+27825550101'],
      ['0027825550101', 'ZA', '+27825550101'],
      ['27825550101', 'ZA', '+27825550101'],
      ['825550101', 'ZA', '+27825550101'], // leading 0 lost in a spreadsheet
      ['(415) 555-0101', 'US', '+14155550101'],
      ['1-415-555-0101', 'US', '+14155550101'],
      ['415.555.0101 x123', 'US', '+14155550101'],
      ['+1 415 555 0101 ext. 9', 'ZA', '+14155550101'],
      ['(416) 555-0199', 'CA', '+14165550199'],
      ['011 44 20 7946 0958', 'CA', '+442079460958'],
      ['020 7946 0958', 'GB', '+442079460958'],
      ['07700 900123', 'GB', null], // Ofcom's drama range: not a mobile number in the metadata
      ['07400 123456', 'GB', '+447400123456'],
      ['(011) 555-0101', 'US', null], // 011 is the US international prefix, not an area code
      ['555-0101', 'US', null],
      ['1-800-FLOWERS', 'US', null],
      ['n/a', 'ZA', null],
      ['082 555 010', 'ZA', '+2782555010'], // 8 digits after the 0: a possible 08x number
      ['011 555 010', 'ZA', null], // one digit short for a Johannesburg number
      ['0011 61 2 9374 4000', 'AU', '+61293744000'],
      ['+44 (0) 20 7946 0958', 'US', '+442079460958'],
      ['+1 242 555 1234', 'ZA', '+12425551234'], // the Bahamas share +1
      ['+800 1234 5678', 'US', '+80012345678'], // a non-geographic number
      ['011 15 1234 5678', 'AR', '+5491112345678'], // 15: the Argentine mobile marker, rewritten
      ['082\u00a0555\u00a00101 (cell)', 'ZA', '+27825550101'],
    ];
    // The expectations are libphonenumber-js's answers, which lib.phone_e164 follows.
    for (const [text, country, want] of cases) {
      const p = parsePhoneNumberFromString(text, country as CountryCode);
      expect([text, p && p.isValid() ? p.number : null]).toEqual([text, want]);
    }
    const rows = await each(`select lib.phone_e164(t.a->>0, t.a->>1) p`, cases.map((c) => [c[0], c[1]]));
    expect(rows.map((r, i) => [cases[i]![0], cases[i]![1], r.p])).toEqual(cases);
  });

  it('lib.phone_extension keeps the extension digits', async () => {
    const cases: [string, string | null][] = [
      ['415.555.0101 x123', '123'],
      ['+1 415 555 0101 ext. 9', '9'],
      ['082 555 0101 #45', '45'],
      ['082 555 0101, 7', '7'],
      ['082 555 0101', null],
      ['n/a', null],
    ];
    const rows = await each(`select lib.phone_extension(t.a->>0) x`, cases.map((c) => [c[0]]));
    expect(rows.map((r, i) => [cases[i]![0], r.x])).toEqual(cases);
  });
});

describe('dates, money, booleans, durations, probabilities', () => {
  it('lib.parse_date reads nn/nn/yyyy only in the declared order', async () => {
    const cases: [string, boolean, string | null][] = [
      ['2024-03-05', true, '2024-03-05'],
      ['2024-03-05T10:00:00Z', false, '2024-03-05'],
      ['05/03/2024', true, '2024-03-05'],
      ['05/03/2024', false, '2024-05-03'],
      ['13/03/2024', false, null], // month 13 in a month-first date: not swapped
      ['03/13/2024', true, null],
      ['05.03.2024 14:30', true, '2024-03-05'],
      ['3/5/2024 9:15 AM', false, '2024-03-05'],
      ['5 Mar 2024', false, '2024-03-05'],
      ['March 5, 2024', true, '2024-03-05'],
      ['05/03/24', true, '2024-03-05'],
      ['31/02/2024', true, null],
      ['garbage', true, null],
      ['', true, null],
    ];
    const rows = await each(`select lib.parse_date(t.a->>0, (t.a->>1)::boolean)::text d`, cases.map((c) => [c[0], c[1]]));
    expect(rows.map((r, i) => [cases[i]![0], cases[i]![1], r.d])).toEqual(cases);
  });

  it('lib.parse_money and lib.money_currency', async () => {
    const cases: [string, string | null, string | null][] = [
      ['12 500,00 $', '12500.00', null],
      ['R 12 500', '12500', 'ZAR'],
      ['R12,500.00', '12500.00', 'ZAR'],
      ['TBD', null, null],
      ['$1,234.56', '1234.56', null],
      ['1.234,56 €', '1234.56', 'EUR'],
      ['USD 1,000', '1000', 'USD'],
      ['CAD 2 000.50', '2000.50', 'CAD'],
      ['C$ 99.99', '99.99', 'CAD'],
      ['£45', '45', 'GBP'],
      ['(500)', '-500', null],
      ['-R 50', '-50', 'ZAR'],
      ['12,5', '12.5', null],
      ['1,500', '1500', null],
      ['1 000 000', '1000000', null],
      ['12abc', null, null],
    ];
    const rows = await each(`select lib.parse_money(t.a->>0)::text m, lib.money_currency(t.a->>0) c`, cases.map((c) => [c[0]]));
    expect(rows.map((r, i) => [cases[i]![0], r.m, r.c])).toEqual(cases);
  });

  it('lib.parse_bool', async () => {
    const cases: [string, boolean | null][] = [
      ['Yes', true], [' y ', true], ['TRUE', true], ['1', true], ['No', false], ['n', false],
      ['false', false], ['0', false], ['maybe', null], ['', null], ['2', null],
    ];
    const rows = await each(`select lib.parse_bool(t.a->>0) b`, cases.map((c) => [c[0]]));
    expect(rows.map((r, i) => [cases[i]![0], r.b])).toEqual(cases);
  });

  it('lib.parse_duration_seconds with the bare unit of each source', async () => {
    const cases: [string, string, number | null][] = [
      ['90', 'seconds', 90], ['90', 'minutes', 5400], ['1:30', 'minutes', 90], ['1:02:03', 'seconds', 3723],
      ['12 min', 'seconds', 720], ['1h 30m', 'seconds', 5400], ['45 sec', 'minutes', 45],
      ['2.5 minutes', 'seconds', 150], ['00:00', 'seconds', 0], ['1:75', 'seconds', null], ['abc', 'seconds', null], ['', 'minutes', null],
    ];
    const rows = await each(`select lib.parse_duration_seconds(t.a->>0, t.a->>1) s`, cases.map((c) => [c[0], c[1]]));
    expect(rows.map((r, i) => [cases[i]![0], cases[i]![1], r.s])).toEqual(cases);
  });

  it('lib.parse_probability: 80, 80%, 0.8 are all 80', async () => {
    const cases: [string, number | null][] = [
      ['80', 80], ['80%', 80], ['0.8', 80], ['1.0', 100], ['1', 1], ['0', 0], ['100', 100],
      ['0,25', 25], ['150', null], ['-5', null], ['high', null],
    ];
    const rows = await each(`select lib.parse_probability(t.a->>0)::float8 p`, cases.map((c) => [c[0]]));
    expect(rows.map((r, i) => [cases[i]![0], r.p])).toEqual(cases);
  });
});
