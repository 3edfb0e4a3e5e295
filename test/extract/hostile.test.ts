/**
 * The hostile corpus: files generated at test time in a temp folder (too big to commit).
 * Each ends in a clear error code, or lands with what was repaired reported.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { extractSource } from '../../engine/extract/extract-source.ts';
import { messySource } from './helpers.ts';

let db: TestDb;
let tmp: string;
beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(path.join(tmpdir(), 'extract-hostile-'));
});
afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function folder(name: string, items: Buffer | string): string {
  const d = path.join(tmp, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'items.csv'), items);
  return d;
}
const items = async () => (await db.pool.query(`select * from raw_messy.items order by _line`)).rows;

describe('hostile files', () => {
  async function bigField(name: string, mb: number, quoted: boolean): Promise<string> {
    const d = path.join(tmp, name);
    mkdirSync(d, { recursive: true });
    const out = createWriteStream(path.join(d, 'items.csv'));
    out.write(`Item ID,Name,Notes\r\n0,before,ok\r\n1,${quoted ? '"big ""' : 'big '}`);
    const chunk = 'x'.repeat(1 << 20);
    for (let i = 0; i < mb; i++) if (!out.write(chunk)) await once(out, 'drain');
    out.end(`${quoted ? ' end"' : ' end'},n\r\n2,small,ok\r\n`);
    await once(out, 'finish');
    return d;
  }

  it('lands a 50 MB single field whole when the field limit allows it', async () => {
    const d = await bigField('big', 50, true);
    const [r] = await extractSource(db, messySource, d, { force: true, maxFieldBytes: 64 << 20 });
    expect(r).toMatchObject({ landed: 3, rejected: 0 });
    const { rows } = await db.pool.query(`select item_id, length(name) as n, right(name, 4) as tail, _line from raw_messy.items order by _line`);
    expect(rows).toEqual([
      { item_id: '0', n: 6, tail: 'fore', _line: 2 },
      { item_id: '1', n: 50 * (1 << 20) + 9, tail: ' end', _line: 3 },
      { item_id: '2', n: 5, tail: 'mall', _line: 4 },
    ]);
  }, 60_000);

  for (const quoted of [false, true]) {
    it(`rejects a row with a field above the limit (${quoted ? 'quoted' : 'unquoted'}) as FIELD_TOO_LARGE, naming line, column and size, never the value; the rest lands`, async () => {
      const d = await bigField(`too-big-${quoted}`, 3, quoted);
      const limit = 1 << 20;
      for (const method of ['auto', 'careful'] as const) {
        const [r] = await extractSource(db, messySource, d, { force: true, method, maxFieldBytes: limit });
        expect(r).toMatchObject({ landed: 2, rejected: 1, method: 'careful' });
        const { rows } = await db.pool.query(`select item_id, _line from raw_messy.items order by _line`);
        expect(rows).toEqual([{ item_id: '0', _line: 2 }, { item_id: '2', _line: 4 }]);
        const rej = (await db.pool.query(`select line, reason_code, message, raw from etl.rejects where file = 'items.csv' and reason_code = 'FIELD_TOO_LARGE' order by id desc limit 1`)).rows[0];
        const bytes = 3 * (1 << 20) + (quoted ? 9 : 8);
        expect(rej).toMatchObject({ line: 3, reason_code: 'FIELD_TOO_LARGE', raw: '' });
        expect(rej.message).toContain('items.csv, line 3, column "Name"');
        expect(rej.message).toContain(`${bytes} bytes`);
        expect(rej.message).not.toMatch(/xxxx/);
      }
    }, 60_000);
  }

  it('lands a CR-only file (Excel for Mac) through COPY with every record on its line', async () => {
    const d = folder('cr-only', 'Item ID,Name,Notes\r1,a,b\r2,c,d\r3,e,f\r');
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ landed: 3, rejected: 0, method: 'pg-copy', lineEnding: 'CR' });
    expect((await items()).map((x) => [x.item_id, Number(x._line)])).toEqual([['1', 2], ['2', 3], ['3', 4]]);
  });

  it('keeps the first record of a file whose header ends in a lone CR and whose records end in LF', async () => {
    const d = folder('cr-header', 'Item ID,Name,Notes\r1,a,b\n2,c,d\n');
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ landed: 2, rejected: 0, method: 'pg-copy', lineEnding: 'mixed' });
    expect((await items()).map((x) => [x.item_id, Number(x._line)])).toEqual([['1', 2], ['2', 3]]);
  });

  it('removes NUL bytes, lands the row and reports NUL_REMOVED', async () => {
    const d = folder('nul', Buffer.from('Item ID,Name,Notes\n1,a\0b,ok\n2,c,d\n'));
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ landed: 2, rejected: 0, method: 'careful' });
    expect((await items())[0].name).toBe('ab');
    const f = (await db.pool.query(`select code, line from etl.extract_findings where batch_id = $1`, [r!.batchId])).rows;
    expect(f).toEqual([{ code: 'NUL_REMOVED', line: 2 }]);
  });

  it('keeps a UTF-8 file with one bad byte as UTF-8, lands the row with U+FFFD and reports INVALID_UTF8', async () => {
    const d = folder('bad-utf8', Buffer.concat([Buffer.from('Item ID,Name,Notes\n1,Zoë,café\n2,Ren'), Buffer.from([0xff]), Buffer.from('é,ok\n3,Ana,naïve\n')]));
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ landed: 3, rejected: 0, method: 'careful' });
    const got = await items();
    expect(got.map((x) => x.name)).toEqual(['Zoë', 'Ren\uFFFDé', 'Ana']);
    const f = (await db.pool.query(`select code, line, field from etl.extract_findings where batch_id = $1`, [r!.batchId])).rows;
    expect(f).toEqual([{ code: 'INVALID_UTF8', line: 3, field: 'name' }]);
  });

  it('fails a 0-byte main file with EXTRACT_EMPTY_FILE', async () => {
    const d = folder('zero', '');
    await expect(extractSource(db, messySource, d, { force: true })).rejects.toMatchObject({ code: 'EXTRACT_EMPTY_FILE' });
  });

  it('fails a binary file named .csv with EXTRACT_BINARY_FILE', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), randomBytes(20_000)]);
    const d = folder('binary', png);
    const err = await extractSource(db, messySource, d, { force: true }).catch((e) => e);
    expect(err.code).toBe('EXTRACT_BINARY_FILE');
    expect(err.message).toMatch(/items\.csv: is not a text file/);
  });

  it('fails a header of a million columns fast and clearly with EXTRACT_TOO_MANY_COLUMNS', async () => {
    const header = ['Item ID', ...Array.from({ length: 1_000_000 }, (_, i) => `c${i}`)].join(',');
    const d = folder('wide', header + '\n1' + ','.repeat(1_000_000) + '\n');
    const t = Date.now();
    const err = await extractSource(db, messySource, d, { force: true }).catch((e) => e);
    expect(err.code).toBe('EXTRACT_TOO_MANY_COLUMNS');
    expect(err.message).toMatch(/items\.csv, line 1: the header has more than 1595 columns/);
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it('takes a delimiter from the flag only if it is one character', async () => {
    const d = folder('flag', 'Item ID,Name,Notes\n1,a,b\n');
    await expect(extractSource(db, messySource, d, { force: true, delimiter: ';;' })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('reports duplicate ids the same way on both paths: trimmed, blanks ignored, in order of the second row, 20 lines at most', async () => {
    const lines = ['Item ID,Name,Notes'];
    for (let i = 0; i < 25; i++) lines.push(`7,seven ${i},n`); // lines 2-26
    lines.push(' 3 ,a,n', ',blank,n', '3,b,n', ',blank,n', '9,once,n', '  ,spaces,n', '  ,spaces,n'); // lines 27-33
    const d = folder('dup-ids', lines.join('\n') + '\n');
    const seen: unknown[] = [];
    // Found while streaming on both paths, and by the SQL fallback when there are more ids than
    // the in-memory table holds (a table of 4 slots here).
    for (const [method, duplicateSlots] of [['pg-copy', undefined], ['careful', undefined], ['pg-copy', 4], ['careful', 4]] as const) {
      const [r] = await extractSource(db, messySource, d, { force: true, method, duplicateSlots });
      expect(r).toMatchObject({ method, landed: 32, rejected: 0, findings: 2 });
      const f = (await db.pool.query(`select line, code, field, message from etl.extract_findings where batch_id = $1 order by id`, [r!.batchId])).rows;
      expect(f.map((x) => [Number(x.line), x.code, x.field])).toEqual([
        [3, 'DUPLICATE_KEY', 'item_id'],
        [29, 'DUPLICATE_KEY', 'item_id'],
      ]);
      const first20 = Array.from({ length: 20 }, (_, i) => i + 2).join(', ');
      expect(f[0].message).toBe(`items.csv: item_id "7" appears 25 times (lines ${first20}, ...); all rows landed.`);
      expect(f[1].message).toBe('items.csv: item_id "3" appears 2 times (lines 27, 29); all rows landed.');
      seen.push(f.map((x) => x.message));
    }
    for (const other of seen.slice(1)) expect(other).toEqual(seen[0]);
  });

  it('writes every reject of a file with thousands of them, with its line, and counts them', async () => {
    // More rejects than are held in memory at once: they are written in batches between COPYs.
    const lines = ['Item ID,Name,Notes'];
    for (let i = 0; i < 5000; i++) lines.push(i % 2 ? `${i},ok,n` : `${i},short`);
    const d = folder('many-rejects', lines.join('\n') + '\n');
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ method: 'careful', rowsRead: 5000, landed: 2500, rejected: 2500 });
    const rej = (await db.pool.query(`select min(line)::int as lo, max(line)::int as hi, count(*)::int as n, count(distinct line)::int as lines
      from etl.rejects where stage = 'extract' and file = 'items.csv' and reason_code = 'RAGGED_SHORT' and message like 'items.csv, line %: 2 fields where the header has 3'`)).rows[0];
    expect(rej).toEqual({ lo: 2, hi: 5000, n: 2500, lines: 2500 });
    const got = await items();
    expect(got).toHaveLength(2500);
    expect(got.every((x) => Number(x.item_id) % 2 === 1 && Number(x._line) === Number(x.item_id) + 2)).toBe(true);
  });

  it('sends a file with a quote inside an unquoted field to the careful reader, which keeps it as written', async () => {
    // PostgreSQL would open a quoted section at 5" and swallow the delimiter; the careful reader keeps the inch mark.
    const d = folder('inch', 'Item ID,Name,Notes\n1,TV 5" wide,a\n2,TV 7" wide,b\n');
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ method: 'careful', landed: 2, rejected: 0 });
    expect((await items()).map((x) => x.name)).toEqual(['TV 5" wide', 'TV 7" wide']);
  });
});
