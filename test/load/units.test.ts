/** The pieces of the load layer with rules of their own: backoff, credit budget, value typing, safe paths, zip. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { ZohoClient } from '../../connectors/destinations/zoho/client.ts';
import { CreditBudget, CreditBudgetError } from '../../connectors/destinations/zoho/credits.ts';
import { safeAttachmentPath } from '../../engine/load/attachments.ts';
import { readZip as unzip, writeZip as zipFiles } from '../../engine/util/zip.ts';

let db: TestDb;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-units-'));
});
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const client = (random: number) =>
  new ZohoClient({ accountsUrl: 'http://x', apiDomain: 'http://x', credentials: { clientId: 'a', clientSecret: 'b', refreshToken: 'c' }, baseDelayMs: 100, maxDelayMs: 1000, random: () => random });

describe('backoff', () => {
  it('grows exponentially with equal jitter, is capped, and never undercuts Retry-After', () => {
    expect(client(0).backoffMs(0)).toBe(50);
    expect(client(1).backoffMs(0)).toBe(100);
    expect(client(0).backoffMs(3)).toBe(400);
    expect(client(1).backoffMs(10)).toBe(1000);
    expect(client(0).backoffMs(1, 5000)).toBe(5000);
  });
});

describe('credit budget', () => {
  it('stops before the call that would pass the budget, with a resumable message, counting every process', async () => {
    const a = new CreditBudget(db.pool, { destination: 'zoho:test', limit: 100, reserve: 10 });
    await a.spend('POST /Leads/upsert', 40);
    await a.spend('POST /Leads/upsert', 40);
    const err = await a.spend('POST /Leads/upsert', 20).catch((e) => e);
    expect(err).toBeInstanceOf(CreditBudgetError);
    expect(err.code).toBe('CREDIT_BUDGET');
    expect(err.message).toMatch(/80 of 100 credits used.*run the same command again after/);
    // A second process sees the same ledger.
    const b = new CreditBudget(db.pool, { destination: 'zoho:test', limit: 100, reserve: 10 });
    await expect(b.spend('GET /users', 11)).rejects.toBeInstanceOf(CreditBudgetError);
    await b.spend('GET /users', 10);
    // The server's remaining-credits header is honoured too.
    const c = new CreditBudget(db.pool, { destination: 'zoho:other', reserve: 50 });
    c.remaining(55);
    await expect(c.spend('POST /Leads/upsert', 10)).rejects.toBeInstanceOf(CreditBudgetError);
  });
});

describe('attachment paths', () => {
  it('refuses paths that leave the export files/ folder, including by symlink', () => {
    mkdirSync(path.join(dir, 'files', 'L1'), { recursive: true });
    writeFileSync(path.join(dir, 'files', 'L1', 'a.pdf'), 'x');
    writeFileSync(path.join(dir, 'secret.txt'), 'x');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'files', 'L1', 'link.pdf'));
    expect(safeAttachmentPath(dir, 'L1/a.pdf')).toMatchObject({ ok: true });
    expect(safeAttachmentPath(dir, '../secret.txt')).toMatchObject({ ok: false, reason: 'ATTACHMENT_PATH_UNSAFE' });
    expect(safeAttachmentPath(dir, path.join(dir, 'secret.txt'))).toMatchObject({ ok: false, reason: 'ATTACHMENT_PATH_UNSAFE' });
    expect(safeAttachmentPath(dir, 'L1/link.pdf')).toMatchObject({ ok: false, reason: 'ATTACHMENT_PATH_UNSAFE' });
    expect(safeAttachmentPath(dir, 'L1/none.pdf')).toMatchObject({ ok: false, reason: 'ATTACHMENT_MISSING' });
  });
});

describe('zip', () => {
  it('round-trips the bulk write CSV', () => {
    const data = Buffer.from('CRM_Migrate_Key,Last_Name\nleads:1,Ng\n');
    expect(unzip(zipFiles([{ name: 'Leads.csv', data }]))).toEqual([{ name: 'Leads.csv', data }]);
  });
});
