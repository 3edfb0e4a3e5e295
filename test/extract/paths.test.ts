/**
 * The two ways into a raw table must land the same thing: random well-formed files (quoted
 * delimiters, doubled quotes, CRLF, LF and lone CR newlines inside quotes, accented and
 * Windows-1252-only characters, empty fields, ids with spaces and repeats) in both encodings,
 * three delimiters and three line endings (LF, CRLF, CR as Excel for Mac writes it; and a header
 * ending in a lone CR before LF or CRLF records), landed by PostgreSQL's CSV parser (pg-copy) and
 * by the careful reader, compared row by row: values, _line, _row_hash (also against the SQL
 * formula with the file's delimiter) and duplicate-id findings. _line is also checked against the
 * line each record starts on as the generator wrote it (CRLF, LF and lone CR each end a line).
 */
import path from 'node:path';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { extractSource } from '../../engine/extract/extract-source.ts';
import { Rng } from '../../tools/generate/common.ts';
import { messySource } from './helpers.ts';

let db: TestDb;
const tmp = mkdtempSync(path.join(tmpdir(), 'crm-paths-'));
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const PIECES = ['a', 'Zoë', 'Peña', '€5', 'œuvre', '“x”', ' ', ',', ';', '\t', '"', 'line\nnext', 'crlf\r\nnext', 'cr\rnext', 'plain text', '12', ''];

function value(rng: Rng): string {
  let s = '';
  const n = rng.int(0, 3);
  for (let i = 0; i < n; i++) s += rng.pick(PIECES);
  return s;
}

function csvField(v: string, d: string): string {
  return /["\r\n]/.test(v) || v.includes(d) || v.startsWith(' ') ? `"${v.replace(/"/g, '""')}"` : v;
}

describe('pg-copy and the careful reader land the same rows', () => {
  for (const [encoding, delimiter, eol, seed, headerEol] of [
    ['utf8', ',', '\n', 1],
    ['windows1252', ';', '\r\n', 2],
    ['windows1252', '\t', '\n', 3],
    ['utf8', ';', '\r\n', 4],
    ['utf8', ',', '\r', 5],
    ['windows1252', ';', '\r', 6],
    ['utf8', ',', '\n', 7, '\r'],
    ['windows1252', '\t', '\r\n', 8, '\r'],
  ] as const) {
    it(`${encoding}, ${JSON.stringify(delimiter)}, ${JSON.stringify(eol)}${headerEol ? `, header ending ${JSON.stringify(headerEol)}` : ''}`, async () => {
      const rng = new Rng(seed);
      let text = ['Item ID', 'Name', 'Notes'].join(delimiter) + (headerEol ?? eol);
      // The physical line each record starts on, counted independently of both readers.
      const startLines: number[] = [];
      let line = 1 + (text.match(/\r\n|\r|\n/g) ?? []).length;
      for (let i = 0; i < 400; i++) {
        const id = rng.chance(0.1) ? ` ${rng.int(1, 5)} ` : String(rng.int(1, 300));
        const record = [id, value(rng), value(rng)].map((v) => csvField(v, delimiter)).join(delimiter) + eol;
        startLines.push(line);
        line += (record.match(/\r\n|\r|\n/g) ?? []).length;
        text += record;
      }
      const dir = path.join(tmp, `${encoding}-${seed}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'items.csv'), encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'win1252'));

      const landed: unknown[][] = [];
      for (const method of ['careful', 'pg-copy'] as const) {
        const [r] = await extractSource(db, messySource, dir, { force: true, method });
        expect(r).toMatchObject({ method, landed: 400, rejected: 0 });
        const rows = (await db.pool.query(
          `select _line, item_id, name, notes, _row_hash, _file, _batch_id,
                  md5(array_to_string(array[item_id, name, notes], b.delimiter, '')) as sql_hash
             from raw_messy.items r join etl.extract_batches b on b.batch_id = r._batch_id order by _line`,
        )).rows;
        expect(rows.every((x) => x._row_hash === x.sql_hash && x._file === 'items.csv' && Number(x._batch_id) === r!.batchId)).toBe(true);
        const findings = (await db.pool.query(`select line, message from etl.extract_findings where batch_id = $1 order by id`, [r!.batchId])).rows;
        landed.push([rows.map((x) => [x._line, x.item_id, x.name, x.notes, x._row_hash]), findings]);
      }
      expect((landed[0] as [unknown[][]])[0].map((r) => Number(r[0]))).toEqual(startLines);
      expect(landed[1]).toEqual(landed[0]);
      // Windows-1252 text arrives as UTF-8, and a newline inside quotes keeps its bytes.
      const all = JSON.stringify(landed[0]);
      expect(all).toContain('Zoë');
      expect(all).toContain('crlf\\r\\nnext');
    });
  }
});
