/**
 * A high-mess export of each source through the real `extract` step (the CLI, a real database):
 * it lands, and every record of every file is either landed or rejected with a reason. The
 * record count to compare with is read from the files independently (csv-parse).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { readExportFile } from './read-export.ts';
import { CASES } from './sources.ts';

let db: TestDb;
const dirs: string[] = [];
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe.each(CASES.map((c) => [c.source, c] as const))('%s high mess through extract', (source, c) => {
  it('lands, and rows read = landed + rejected = the records in the file, each reject with a reason', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), `gen-x-${source}-`)), 'export');
    dirs.push(path.dirname(dir));
    await c.generate({ outDir: dir, seed: `extract-${source}`, size: 150 });
    const r = await runCli([c.pipeline, 'extract', '--input', dir, '--json', '--force'], { DATABASE_URL: db.url });
    expect(r.exitCode, r.stderr).toBe(0);
    const results = r.json.extract as { file: string; status: string; rowsRead: number; landed: number; rejected: number; table: string }[];
    let rejectedTotal = 0;
    for (const def of Object.values(c.layout)) {
      const res = results.find((x) => x.file.toLowerCase() === def.file);
      expect(res, def.file).toBeDefined();
      const read = readExportFile(dir, def.file, def.columns);
      if (!read) {
        expect(res!.status, def.file).toBe('missing');
        continue;
      }
      expect(res!.rowsRead, def.file).toBe(res!.landed + res!.rejected);
      expect(res!.rowsRead, `${def.file}: records read back with csv-parse`).toBe(read.records.length);
      const n = (await db.pool.query(`select count(*)::int as n from ${res!.table}`)).rows[0].n;
      expect(n, `${def.file} in ${res!.table}`).toBe(res!.landed);
      const rej = await db.pool.query(`select reason_code, count(*)::int as n from etl.rejects where source = $1 and file = $2 and stage = 'extract' group by 1`, [source, def.file]);
      expect(rej.rows.reduce((s, x) => s + x.n, 0), `${def.file} rejects`).toBe(res!.rejected);
      for (const x of rej.rows) expect(x.reason_code, def.file).toMatch(/^[A-Z_]+$/);
      rejectedTotal += res!.rejected;
    }
    // High mess always has ragged rows, so something is rejected.
    expect(rejectedTotal).toBeGreaterThan(0);
  });
});

describe('CR-only line ends (Excel for Mac)', () => {
  it('every record of a CR-only file is landed or rejected', async () => {
    const c = CASES.find((x) => x.source === 'aspec')!;
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'gen-x-cr-')), 'export');
    dirs.push(path.dirname(dir));
    await c.generate({ outDir: dir, seed: 'cr-only', size: 60, rates: { crOnly: 1, blankLine: 0, raggedShort: 0, raggedLong: 0, rejectedParent: 0, fileMissing: 0, fileHeaderOnly: 0 } });
    const r = await runCli([c.pipeline, 'extract', '--input', dir, '--json', '--force'], { DATABASE_URL: db.url });
    expect(r.exitCode, r.stderr).toBe(0);
    const res = (r.json.extract as { file: string; rowsRead: number }[]).find((x) => x.file === 'contacts.csv')!;
    expect(readExportFile(dir, 'contacts.csv', c.layout.contacts!.columns)!.eol).toBe('cr');
    expect(res.rowsRead).toBe(readExportFile(dir, 'contacts.csv', c.layout.contacts!.columns)!.records.length);
  });
});
