/**
 * Links inside an export folder that point out of it. A CSV that is a link to a file outside is
 * refused (INPUT_PATH_UNSAFE) before a byte of it is read, so none of its content reaches the
 * error, stdout, stderr or etl.runs; a link to a file inside the export is read as usual. A files/
 * folder that is a link to a folder outside uploads nothing (ATTACHMENT_PATH_UNSAFE per row),
 * while an export folder that is itself a link (to a real export) works.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { safeAttachmentPath } from '../../engine/load/attachments.ts';
import { mustRun } from '../../tools/chaos/lib.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { makeExport } from '../load/fixture.ts';

const SECRET = 'SECRET-FIRST-LINE-root:x:0:0';
let db: TestDb;
let outside: string;
const made: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  outside = mkdtempSync(path.join(tmpdir(), 'crm-outside-'));
  writeFileSync(path.join(outside, 'passwd.csv'), `${SECRET};x\nline two;y\n`);
  writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
});
afterAll(async () => {
  await db?.drop();
  for (const d of [outside, ...made]) if (d) rmSync(d, { recursive: true, force: true });
});

function exportWith(leads: number, attachments?: Parameters<typeof makeExport>[0]['attachments']): string {
  const dir = makeExport({ leads, attachments });
  made.push(dir);
  return dir;
}

describe('links out of the export folder', () => {
  for (const file of ['leads.csv', 'activities.csv']) {
    it(`refuses ${file} as a link to a file outside, echoing nothing of it`, async () => {
      const input = exportWith(3);
      unlinkSync(path.join(input, file));
      symlinkSync(path.join(outside, 'passwd.csv'), path.join(input, file));
      const r = await runCli(['leadtrekker-to-zoho', 'extract', '--input', input, '--json'], { DATABASE_URL: db.url });
      expect(r.exitCode).toBe(1);
      expect(r.json.error.code).toBe('INPUT_PATH_UNSAFE');
      expect(r.json.error.message).toContain(path.join(input, file));
      expect(r.stderr).toContain('error [INPUT_PATH_UNSAFE]');
      const runs = JSON.stringify((await db.pool.query(`select summary, error from etl.runs`)).rows);
      for (const text of [r.stdout, r.stderr, runs]) expect(text).not.toContain('SECRET');
      const landed = await db.pool.query(`select 1 from etl.extract_batches where path like $1`, [`${input}%`]);
      expect(landed.rowCount).toBe(0);
    });
  }

  it('reads a CSV that is a link to a file inside the export', async () => {
    const input = exportWith(4);
    mkdirSync(path.join(input, 'originals'));
    renameSync(path.join(input, 'leads.csv'), path.join(input, 'originals', 'leads-2024.csv'));
    symlinkSync(path.join('originals', 'leads-2024.csv'), path.join(input, 'leads.csv'));
    const r = await mustRun(db.url, leadtrekkerToZoho, 'extract', input);
    expect(r.ok).toBe(true);
    expect((await db.pool.query(`select count(*)::int as n from raw_leadtrekker.leads`)).rows[0].n).toBe(4);
  });

  it('refuses every attachment when files/ is a link to a folder outside', () => {
    const input = exportWith(1);
    rmSync(path.join(input, 'files'), { recursive: true });
    symlinkSync(outside, path.join(input, 'files'));
    expect(safeAttachmentPath(input, 'passwd')).toMatchObject({ ok: false, reason: 'ATTACHMENT_PATH_UNSAFE' });
    // The same export reached through a link to the export folder itself is fine.
    const good = exportWith(1);
    writeFileSync(path.join(good, 'files', 'note.txt'), 'hello');
    const alias = path.join(mkdtempSync(path.join(tmpdir(), 'crm-alias-')), 'export');
    made.push(path.dirname(alias));
    symlinkSync(good, alias);
    expect(safeAttachmentPath(alias, 'note.txt')).toMatchObject({ ok: true });
  });

  it('uploads nothing from outside when files/ is a link out, end to end', async () => {
    const input = exportWith(2, [
      { id: 'ATT-1', lead: 'LT-500001', name: 'passwd.txt', path: 'passwd', size: 32 },
      { id: 'ATT-2', lead: 'LT-500002', name: 'data.csv', path: 'passwd.csv', size: 40 },
    ]);
    rmSync(path.join(input, 'files'), { recursive: true });
    symlinkSync(outside, path.join(input, 'files'));
    for (const s of ['extract', 'transform', 'setup', 'users', 'load']) await mustRun(db.url, leadtrekkerToZoho, s, input, { apply: true, rejectThreshold: 1 });
    const rej = (await db.pool.query(`select source_key, reason_code, message from etl.rejects where object = 'attachments' order by source_key`)).rows;
    expect(rej.map((x) => [x.source_key, x.reason_code])).toEqual([['attachments:ATT-1', 'ATTACHMENT_PATH_UNSAFE'], ['attachments:ATT-2', 'ATTACHMENT_PATH_UNSAFE']]);
    expect(JSON.stringify(rej)).not.toContain('SECRET');
    expect((await db.pool.query(`select count(*)::int as n from sandbox_zoho.attachments`)).rows[0].n).toBe(0);
  }, 180_000);
});
