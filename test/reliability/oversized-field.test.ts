/**
 * One enormous value in an export: a lead whose Name is 200 MB (on one line). The extract, run
 * as the real CLI in a child process, rejects that row (FIELD_TOO_LARGE: file, line, column and
 * size), lands every other row, keeps its own peak memory under 300 MB (VmHWM), and echoes none
 * of the value: not to stderr, not in --json, not in etl.runs or etl.rejects.
 */
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCliMeasured } from '../helpers/cli.ts';
import { makeExport } from '../load/fixture.ts';

const MB = 1 << 20;
let db: TestDb;
let input: string;

beforeAll(async () => {
  db = await createTestDb();
  input = makeExport({ leads: 40 });
  const file = path.join(input, 'leads.csv');
  const [head, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const out = createWriteStream(file);
  out.write(`${head}\n${rows[0]}\n${rows[1]}\n`);
  const cells = rows[2]!.split(';');
  out.write(`${cells[0]};`);
  const chunk = Buffer.alloc(MB, 'Q');
  for (let i = 0; i < 200; i++) if (!out.write(chunk)) await once(out, 'drain');
  out.write(`;${cells.slice(2).join(';')}\n`);
  out.end(rows.slice(3).join('\n') + '\n');
  await once(out, 'finish');
});
afterAll(async () => {
  await db?.drop();
  if (input) rmSync(input, { recursive: true, force: true });
});

it('rejects a 200 MB field as FIELD_TOO_LARGE, lands the rest, in under 300 MB, echoing nothing of it', async () => {
  const r = await runCliMeasured(['leadtrekker-to-zoho', 'extract', '--input', input, '--json'], { DATABASE_URL: db.url });
  expect(r.exitCode, r.stderr.slice(0, 2000)).toBe(0);
  expect(r.json.extract.find((x: { file: string }) => x.file === 'leads.csv')).toMatchObject({ landed: 39, rejected: 1, method: 'careful' });
  expect(r.json.extract_totals.rejected).toBe(1);
  expect(r.peakRssMb).toBeGreaterThan(0);
  expect(r.peakRssMb).toBeLessThan(300);
  const rejects = (await db.pool.query(`select file, line, reason_code, message, raw from etl.rejects where stage = 'extract'`)).rows;
  expect(rejects).toEqual([
    {
      file: 'leads.csv', line: 4, reason_code: 'FIELD_TOO_LARGE', raw: '',
      message: `leads.csv, line 4, column "Name": the value is ${200 * MB} bytes, above the ${MB}-byte field limit (CRM_MAX_FIELD_BYTES); the row was rejected`,
    },
  ]);
  const { rows } = await db.pool.query(`select count(*)::int as n, max(length(name))::int as longest from raw_leadtrekker.leads`);
  expect(rows[0]).toEqual({ n: 39, longest: expect.any(Number) });
  expect(rows[0].longest).toBeLessThan(100);
  const runs = JSON.stringify((await db.pool.query(`select summary, error from etl.runs`)).rows);
  for (const text of [r.stdout, r.stderr, runs]) {
    expect(text).not.toContain('QQQQ');
    expect(text.length).toBeLessThan(100_000);
  }
}, 300_000);
