/**
 * Messy real-world files, each a real file under test/fixtures/extract/messy/, landed by the
 * extract engine into a real PostgreSQL: what lands, what is rejected (file, line, reason),
 * and that rows in file = landed + rejected.
 */
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { extractSource } from '../../engine/extract/extract-source.ts';
import { fixtures, messySource, recordsIn } from './helpers.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const dir = (name: string) => path.join(fixtures, 'messy', name);
const rows = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
const items = () => rows(`select * from raw_messy.items order by _line`);

describe('encodings and delimiters', () => {
  it('reads UTF-8 with LF and commas', async () => {
    const [r] = await extractSource(db, messySource, dir('utf8'), { force: true });
    expect(r!.status).toBe('landed');
    expect(r!.landed).toBe(recordsIn(path.join(dir('utf8'), 'items.csv')));
    const got = await items();
    expect(got.map((x) => x.name)).toEqual(['Zoë Müller', 'Ana']);
    expect(got[0].notes).toBe('naïve café');
    const batch = (await rows(`select encoding, delimiter, method from etl.extract_batches where batch_id = $1`, [r!.batchId]))[0];
    expect(batch).toEqual({ encoding: 'utf8', delimiter: ',', method: 'pg-copy' });
  });

  it('reads UTF-8 with a BOM, CRLF and semicolons; the BOM does not reach the first header', async () => {
    const [r] = await extractSource(db, messySource, dir('bom'), { force: true });
    expect(r!.landed).toBe(3);
    const got = await items();
    expect(got.map((x) => [x._line, x.item_id, x.name, x.notes])).toEqual([
      [2, '1', 'Zoë', 'a'],
      [3, '2', 'Bo', 'b'],
      [4, '3', 'Cy', 'c'],
    ]);
  });

  it('detects Windows-1252 and tabs; --encoding and --delimiter force them', async () => {
    const [r] = await extractSource(db, messySource, dir('win1252'), { force: true });
    const batch = (await rows(`select encoding, delimiter from etl.extract_batches where batch_id = $1`, [r!.batchId]))[0];
    expect(batch).toEqual({ encoding: 'windows1252', delimiter: '\t' });
    expect((await items()).map((x) => [x.name, x.notes])).toEqual([
      ['José Peña', '€100 – “quoted”'],
      ['François', 'œuvre'],
    ]);
    // Forcing UTF-8 on a Windows-1252 file: the bytes are not UTF-8, the careful reader lands
    // them as U+FFFD and reports each row.
    const [forced] = await extractSource(db, messySource, dir('win1252'), { force: true, encoding: 'utf8', delimiter: '\t' });
    expect(forced!.method).toBe('careful');
    expect(forced!.findings).toBe(2);
    expect((await items())[0].name).toContain('\uFFFD');
    // Forcing the wrong delimiter: one column, so the required Item ID is "missing".
    await expect(extractSource(db, messySource, dir('win1252'), { force: true, delimiter: ';' })).rejects.toMatchObject({ code: 'EXTRACT_MISSING_COLUMN' });
  });

  it('keeps quoted delimiters, doubled quotes and newlines; _line is the physical line a record starts on', async () => {
    for (const method of ['auto', 'careful'] as const) {
      const [r] = await extractSource(db, messySource, dir('quoted'), { force: true, method });
      expect(r!.method).toBe(method === 'auto' ? 'pg-copy' : 'careful');
      const got = await items();
      expect(got.map((x) => [x._line, x.item_id, x.name, x.notes])).toEqual([
        [2, '1', 'Smith, John', 'He said "hi"'],
        [3, '2', 'Multi', 'line one\r\nline two\r\nline three'],
        [6, '3', 'Plain', 'a;b\tc'],
        [7, '4', 'Last', 'x'],
      ]);
    }
  });

  it('computes the same _row_hash on both paths', async () => {
    await extractSource(db, messySource, dir('quoted'), { force: true, method: 'careful' });
    const careful = (await items()).map((x) => x._row_hash);
    await extractSource(db, messySource, dir('quoted'), { force: true, method: 'auto' });
    expect((await items()).map((x) => x._row_hash)).toEqual(careful);
    // and the SQL formula over the landed fields gives it too
    const sql = await rows(`select md5(array_to_string(array[item_id, name, notes], b.delimiter, '')) as h from raw_messy.items r join etl.extract_batches b on b.batch_id = r._batch_id order by _line`);
    expect(sql.map((x) => x.h)).toEqual(careful);
  });

  it('lands Windows-1252 the same on both paths: values as UTF-8, the same _row_hash', async () => {
    const both: unknown[] = [];
    for (const method of ['careful', 'auto'] as const) {
      const [r] = await extractSource(db, messySource, dir('win1252'), { force: true, method });
      expect(r!.method).toBe(method === 'auto' ? 'pg-copy' : 'careful');
      both.push((await items()).map((x) => [x._line, x.name, x.notes, x._row_hash]));
    }
    expect(both[1]).toEqual(both[0]);
    const sql = await rows(`select md5(array_to_string(array[item_id, name, notes], b.delimiter, '')) as h from raw_messy.items r join etl.extract_batches b on b.batch_id = r._batch_id order by _line`);
    expect(sql.map((x) => x.h)).toEqual((both[0] as string[][]).map((x) => x[3]));
  });
});

describe('rows that cannot be read', () => {
  it('rejects ragged rows and an unterminated quote with file, line and reason; lands the rest', async () => {
    const [r] = await extractSource(db, messySource, dir('ragged'), { force: true, runId: undefined });
    expect(r!.method).toBe('careful');
    expect(r!.fallback).toBeTruthy();
    const got = await items();
    expect(got.map((x) => [x._line, x.item_id])).toEqual([
      [2, '1'],
      [6, '4'],
      [8, '4'],
      [10, '6'],
      [11, '7'],
    ]);
    const rej = await rows(`select file, line, reason_code, message from etl.rejects where source = 'messy' and stage = 'extract' order by line`);
    expect(rej.map((x) => [x.file, Number(x.line), x.reason_code])).toEqual([
      ['items.csv', 4, 'RAGGED_SHORT'],
      ['items.csv', 5, 'RAGGED_LONG'],
      ['items.csv', 9, 'UNTERMINATED_QUOTE'],
    ]);
    expect(rej[0].message).toMatch(/items\.csv, line 4: 3 fields where the header has 5/);
    expect(r!.landed + r!.rejected).toBe(r!.rowsRead);
    expect(r!.rowsRead).toBe(8);
    expect(r!.blankLines).toBe(2);
    // duplicate header names both land; unknown columns are custom fields
    expect(r!.duplicateHeaders).toEqual(['Name']);
    expect(got[0].name_2).toBe('Ann2');
    expect(r!.customFields).toEqual(['Fav Colour']);
    const custom = await rows(`select column_name, header from etl.raw_columns where source = 'messy' and file = 'items' and is_custom`);
    expect(custom).toEqual([{ column_name: 'fav_colour', header: 'Fav Colour' }]);
    // duplicate ids: all rows landed, reported as a finding
    const dup = await rows(`select code, line, field, message from etl.extract_findings where batch_id = $1`, [r!.batchId]);
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({ code: 'DUPLICATE_KEY', field: 'item_id' });
    expect(dup[0].message).toMatch(/"4" appears 2 times \(lines 6, 8\)/);
  });

  it('treats an empty optional file and a header-only file as no records', async () => {
    const res = await extractSource(db, messySource, dir('empty-optional'), { force: true });
    expect(res[1]).toMatchObject({ status: 'empty', landed: 0, rejected: 0 });
    const res2 = await extractSource(db, messySource, dir('header-only'), { force: true });
    expect(res2[1]).toMatchObject({ status: 'landed', landed: 0, rejected: 0 });
    expect(await rows(`select * from raw_messy.notes`)).toEqual([]);
  });

  it('lands a header written as SQL as a column, and SQL in values as text', async () => {
    const [r] = await extractSource(db, messySource, dir('injection'), { force: true });
    expect(r!.landed).toBe(2);
    const cols = (await rows(`select column_name, header from etl.raw_columns where source = 'messy' and file = 'items' and is_custom order by ordinal`));
    expect(cols).toEqual([
      { column_name: 'name_drop_table_x', header: 'name"; drop table x; --' },
      { column_name: 'robert_drop_table_items', header: "Robert'); DROP TABLE items;--" },
    ]);
    const got = await items();
    expect(got[0].name).toBe("x'); drop table etl.rejects; --");
    expect(got[0].robert_drop_table_items).toBe('1; select pg_sleep(10)');
    expect(got[1].robert_drop_table_items).toBe('\\N');
    expect((await rows(`select to_regclass('etl.rejects') is not null as ok`))[0].ok).toBe(true);
  });
});

describe('a required column missing', () => {
  it('fails naming file and column, and changes no raw table', async () => {
    await extractSource(db, messySource, dir('utf8'), { force: true });
    const before = await items();
    const batches = (await rows(`select count(*)::int as n from etl.extract_batches`))[0].n;
    const err = await extractSource(db, messySource, dir('missing-column'), { force: true }).catch((e) => e);
    expect(err.code).toBe('EXTRACT_MISSING_COLUMN');
    expect(err.message).toMatch(/missing-column\/items\.csv, line 1: missing required column\(s\): Item ID/);
    expect(await items()).toEqual(before);
    expect((await rows(`select count(*)::int as n from etl.extract_batches`))[0].n).toBe(batches);
  });
});

describe('re-extracting', () => {
  it('changes nothing for the same file, and a changed row shows in _row_hash', async () => {
    const first = await extractSource(db, messySource, dir('bom'), { force: true });
    const before = await items();
    const again = await extractSource(db, messySource, dir('bom'));
    expect(again[0]!.status).toBe('unchanged');
    expect(await items()).toEqual(before);
    expect(again[0]!.batchId).toBe(first[0]!.batchId);

    // A new export with one row changed: landed again, and only that row's hash differs.
    const tmp = mkdtempSync(path.join(tmpdir(), 'reextract-'));
    const text = readFileSync(path.join(dir('bom'), 'items.csv'), 'utf8').replace('2;Bo;b', '2;Bo;changed');
    writeFileSync(path.join(tmp, 'items.csv'), text);
    const changed = await extractSource(db, messySource, tmp);
    expect(changed[0]!.status).toBe('landed');
    const after = await items();
    expect(after).toHaveLength(before.length);
    const differs = after.filter((r, i) => r._row_hash !== before[i]._row_hash).map((r) => r.item_id);
    expect(differs).toEqual(['2']);
    rmSync(tmp, { recursive: true, force: true });
  });
});
