/**
 * Each of the four sources extracts from a minimal export folder covering every file of its
 * spec (test/fixtures/extract/<source>/), through the real CLI where a pipeline exists and
 * through the engine otherwise; rows in file = landed + rejected for every file.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { extractSource, findExportFile } from '../../engine/extract/extract-source.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { servicetracker } from '../../connectors/sources/servicetracker/index.ts';
import { leadtrac } from '../../connectors/sources/leadtrac/index.ts';
import { aspec } from '../../connectors/sources/aspec/index.ts';
import { fixtures, recordsIn } from './helpers.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

describe.each([leadtrekker, servicetracker, leadtrac, aspec])('$name minimal export', (source) => {
  it('lands every file of the spec; rows in file = landed + rejected', async () => {
    const dir = path.join(fixtures, source.name);
    const results = await extractSource(db, source, dir, { force: true });
    expect(results.map((r) => r.table)).toEqual(source.files.map((f) => `raw_${source.name}.${f.name}`));
    for (const [i, r] of results.entries()) {
      const spec = source.files[i]!;
      const file = findExportFile(dir, spec.file);
      expect(file, `${spec.file} in the fixture`).toBeTruthy();
      const batch = (await db.pool.query(`select encoding from etl.extract_batches where batch_id = $1`, [r.batchId])).rows[0];
      expect(r.status).toBe('landed');
      expect(r.landed + r.rejected, spec.file).toBe(recordsIn(file!, batch.encoding));
      expect(r.landed).toBe(3);
      const n = (await db.pool.query(`select count(*)::int as n from raw_${source.name}.${spec.name}`)).rows[0].n;
      expect(n).toBe(r.landed);
      if (spec.required) expect(r.customFields).toEqual(['Loyalty Tier']);
    }
    // the name with a delimiter, doubled quotes and non-ASCII letters survived (Windows-1252 where the fixture is)
    const main = source.files.find((f) => f.required)!;
    const nameCol = main.columns.find((c) => /name/.test(c.name) && !/user|file/.test(c.name));
    if (nameCol) {
      const { rows } = await db.pool.query(`select ${nameCol.name} as v from raw_${source.name}.${main.name} where _line = 3`);
      expect(rows[0].v).toMatch(/^Müller[,;] Zoë "Z"$/);
    }
  });
});

describe('through the CLI', () => {
  it('extracts the Leadtrekker fixture with --input and --json, then finds it unchanged', async () => {
    const env = { DATABASE_URL: db.url };
    const input = path.join(fixtures, 'leadtrekker');
    const r = await runCli(['leadtrekker-to-zoho', 'extract', '--input', input, '--json', '--force'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    const leads = r.json.extract.find((x: { file: string }) => x.file === 'leads.csv');
    expect(leads).toMatchObject({ status: 'landed', landed: 3, rejected: 0 });
    const again = await runCli(['leadtrekker-to-zoho', 'extract', '--input', input, '--json'], env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.json.extract.every((x: { status: string }) => x.status === 'unchanged')).toBe(true);
  });

  it('exits 1 naming file and column when a required column is missing, landing nothing', async () => {
    const env = { DATABASE_URL: db.url };
    const before = (await db.pool.query(`select count(*)::int as n from etl.extract_batches`)).rows[0].n;
    const bad = await runCli(['leadtrekker-to-zoho', 'extract', '--input', path.join(fixtures, 'leadtrekker-missing-column')], env);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/EXTRACT_MISSING_COLUMN/);
    expect(bad.stderr).toMatch(/leads\.csv, line 1: missing required column\(s\): Lead ID/);
    expect((await db.pool.query(`select count(*)::int as n from etl.extract_batches`)).rows[0].n).toBe(before);
  });
});
