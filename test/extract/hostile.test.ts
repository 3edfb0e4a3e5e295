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
  it('lands a 50 MB single field whole', async () => {
    const d = path.join(tmp, 'big');
    mkdirSync(d, { recursive: true });
    const out = createWriteStream(path.join(d, 'items.csv'));
    out.write('Item ID,Name,Notes\n1,"big ');
    const chunk = 'x'.repeat(1 << 20);
    for (let i = 0; i < 50; i++) if (!out.write(chunk)) await once(out, 'drain');
    out.end(' end",n\n2,small,ok\n');
    await once(out, 'finish');
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ landed: 2, rejected: 0 });
    const { rows } = await db.pool.query(`select item_id, length(name) as n, right(name, 4) as tail, _line from raw_messy.items order by _line`);
    expect(rows).toEqual([
      { item_id: '1', n: 50 * (1 << 20) + 8, tail: ' end', _line: 2 },
      { item_id: '2', n: 5, tail: 'mall', _line: 3 },
    ]);
  }, 30_000);

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

  it('sends a file with a quote inside an unquoted field to the careful reader, which keeps it as written', async () => {
    // PostgreSQL would open a quoted section at 5" and swallow the delimiter; the careful reader keeps the inch mark.
    const d = folder('inch', 'Item ID,Name,Notes\n1,TV 5" wide,a\n2,TV 7" wide,b\n');
    const [r] = await extractSource(db, messySource, d, { force: true });
    expect(r).toMatchObject({ method: 'careful', landed: 2, rejected: 0 });
    expect((await items()).map((x) => x.name)).toEqual(['TV 5" wide', 'TV 7" wide']);
  });
});
