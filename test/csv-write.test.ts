/**
 * The one CSV writer (engine/util/csv-write.ts): what the project writes and reads back comes
 * back as written. Headers and values carrying double quotes, commas, newlines, '#', edge
 * spaces, a leading '=' (and the other formula characters) and a leading apostrophe go through
 * the custom-field proposal (the reader `setup` and `status` use, and the table `transform`
 * loads into PostgreSQL) and through verify's diff.csv; every written cell is formula-safe.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustomFieldMappings, writeCustomFieldMappings, type CustomFieldMapping } from '../engine/custom-fields.ts';
import { loadCsvTable } from '../engine/transform/value-maps.ts';
import { CSV_EOL, csvText, readWrittenCsv, writeCsvFile } from '../engine/util/csv-write.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';

const HOSTILE = [
  'Budget "net", ZAR',
  '=HYPERLINK("http://x.example","Custom")',
  'two\nlines',
  'cr\r\nlf',
  'Item #',
  '# first',
  ' padded ',
  "'quoted",
  "'=already",
  '+27 82 555 0101',
  '-5',
  '@SUM(1,2)',
  '\t=1+1',
  'plain',
  '',
];

let dir: string;
let db: TestDb;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'crm-csv-write-'));
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const mapping = (h: string, i: number): CustomFieldMapping => ({
  object: 'leads',
  source_column: `c${i}`,
  source_header: h,
  inferred_type: 'text',
  module: 'Leads',
  field: h,
  field_type: 'text',
  confirmed: i % 2 === 0,
  reason: `reason for ${h}`,
});

describe('one CSV writer', () => {
  it('a custom-field proposal with hostile headers reads back as written', () => {
    const file = path.join(dir, 'custom-fields.csv');
    const rows = HOSTILE.map(mapping);
    writeCustomFieldMappings(file, rows);
    expect(readCustomFieldMappings(file)).toEqual(rows);
  });

  it('the proposal loads into PostgreSQL (transform) with the headers as written', async () => {
    const file = path.join(dir, 'custom-fields.csv');
    writeCustomFieldMappings(file, HOSTILE.map(mapping));
    await loadCsvTable(db, 'csv_rt', 'map_custom_fields', file, { written: true });
    const got = (await db.pool.query(`select source_header, field from csv_rt.map_custom_fields order by _line`)).rows;
    expect(got.map((r) => r.source_header ?? '')).toEqual(HOSTILE);
    expect(got.map((r) => r.field ?? '')).toEqual(HOSTILE);
  });

  it("diff.csv's header and values read back as written, and no cell a spreadsheet would run", () => {
    const file = path.join(dir, 'diff.csv');
    const header = ['object', ...HOSTILE.filter((h) => h.trim() && h !== "'quoted")];
    // every value in every column, the first included (where a '#' would start a comment line)
    const rows = HOSTILE.map((v) => header.map(() => v));
    writeCsvFile(file, header, rows);
    const back = readWrittenCsv(file);
    expect(Object.keys(back[0]!)).toEqual(header);
    expect(back.map((r) => header.map((h) => r[h]))).toEqual(rows);

    const text = readFileSync(file, 'utf8');
    // one line ending: every record ends in LF and no CR stands outside a quoted value
    expect(text.endsWith(CSV_EOL)).toBe(true);
    const raw = parse(text, { relax_column_count: true }) as string[][];
    expect(raw).toHaveLength(rows.length + 1);
    for (const r of raw) for (const cell of r) expect(cell, JSON.stringify(cell)).not.toMatch(/^[=+\-@\t\r]/);
    expect(raw[0]).toContain(`'=HYPERLINK("http://x.example","Custom")`);
  });

  it('a bulk-import file keeps values verbatim, with the same quoting', () => {
    const text = csvText(['a', 'b'], [['=1', 'x,"y"']], { formulas: 'verbatim' });
    expect(text).toBe('a,b\n=1,"x,""y"""\n');
    expect(parse(text, { columns: true })).toEqual([{ a: '=1', b: 'x,"y"' }]);
  });
});
