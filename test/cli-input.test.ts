/**
 * `--input` defaults: extract reads the bundled sample unless told otherwise; a later `load`
 * without --input reads attachment bodies from the folder the latest extract landed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';
import { generateLeadtrekker } from '../tools/generate/leadtrekker.ts';

let db: TestDb;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-input-'));
  await generateLeadtrekker({ outDir: dir, leads: 12, seed: 'cli-input' });
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('load without --input reads attachments from the folder extract --input landed', async () => {
  const env = { DATABASE_URL: db.url };
  for (const step of [['extract', '--input', dir], ['transform'], ['setup'], ['load', '--fallback-owner', 'admin@sandbox.example']]) {
    const r = await runCli(['leadtrekker-to-zoho', ...step], env);
    expect(r.exitCode, r.stderr).toBe(0);
  }
  const [batch] = (await db.pool.query(`select path from etl.extract_batches where file = 'leads' order by batch_id desc limit 1`)).rows;
  expect(path.dirname(batch.path)).toBe(dir);
  const missing = (await db.pool.query(`select count(*)::int as n from etl.rejects where reason_code = 'ATTACHMENT_MISSING'`)).rows[0].n;
  expect(missing).toBe(0);
  const uploaded = (await db.pool.query(`select count(*)::int as n from etl.load_log where object = 'attachments' and action = 'insert'`)).rows[0].n;
  expect(uploaded).toBeGreaterThan(0);
});
