/** Fault injection of the sandbox Nutshell: seeded, replayable, through a real socket. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startNutshellSandbox, type NutshellSandbox } from '../../connectors/destinations/nutshell/sandbox/server.ts';
import { rpc } from './nutshell-helpers.ts';

let db: TestDb;
let sb: NutshellSandbox;
const FAULTS = { seed: 7, rate429: 0.2, rate5xx: 0.15, dropBeforeWrite: 0, dropAfterWrite: 0, latencyMs: 0, jitterMs: 0, recordRejectRate: 0 };

/** Status of each of n calls (0 = connection dropped). */
async function statuses(s: NutshellSandbox, n: number, method = 'add', params: unknown = { num1: 1, num2: 2 }): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await rpc(s, method, params).then((a) => a.status, () => 0));
  return out;
}

beforeAll(async () => {
  db = await createTestDb();
  sb = await startNutshellSandbox({ databaseUrl: db.url, faults: FAULTS });
});
afterAll(async () => {
  await sb?.close();
  await db?.drop();
});

describe('sandbox Nutshell fault injection', () => {
  it('answers a seeded share of calls with 429/500/503 and replays the same sequence for the same seed', async () => {
    const first = await statuses(sb, 40);
    expect(first.filter((s) => s === 429).length).toBeGreaterThan(2);
    expect(first.filter((s) => s === 500 || s === 503).length).toBeGreaterThan(1);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(20);
    sb.setFaults(FAULTS);
    expect(await statuses(sb, 40)).toEqual(first);
    // The same JSON from CRM_SANDBOX_FAULTS gives the same sequence in another sandbox process.
    const viaEnv = await startNutshellSandbox({ databaseUrl: db.url, env: { CRM_SANDBOX_FAULTS: JSON.stringify(FAULTS) } });
    try {
      expect(await statuses(viaEnv, 40)).toEqual(first);
    } finally {
      await viaEnv.close();
    }
    sb.setFaults({ ...FAULTS, seed: 8 });
    expect(await statuses(sb, 40)).not.toEqual(first);
    sb.setFaults({ seed: 1, rate429: 1 });
    const thrott = await rpc(sb, 'add', { num1: 1, num2: 1 });
    expect([thrott.status, thrott.body.error]).toEqual([429, { code: 429, message: 'Too many requests', data: null }]);
    sb.setFaults({ seed: 1, rate5xx: 1 });
    expect([500, 503]).toContain((await rpc(sb, 'add', { num1: 1, num2: 1 })).status);
    const logged = await db.pool.query(`select fault, count(*)::int as n from sandbox_nutshell.request_log where fault is not null group by fault`);
    expect(logged.rows.map((r) => r.fault)).toEqual(expect.arrayContaining(['429', '500', '503']));
  });

  it('drops the connection before a write (nothing written) and after it (written, answer lost)', async () => {
    sb.setFaults({ seed: 1, dropBeforeWrite: 1 });
    await expect(rpc(sb, 'newContact', { contact: { name: 'Before', email: ['before@drop.example'] } })).rejects.toThrow();
    sb.setFaults({ seed: 1, dropAfterWrite: 1 });
    await expect(rpc(sb, 'newContact', { contact: { name: 'After', email: ['after@drop.example'] } })).rejects.toThrow();
    // Reads are never dropped "after the write": the search still answers.
    const after = await rpc(sb, 'searchByEmail', { emailAddressString: 'after@drop.example' });
    expect(after.body.result.contacts.map((c: any) => c.name)).toEqual(['After']);
    sb.setFaults(undefined);
    expect((await rpc(sb, 'searchByEmail', { emailAddressString: 'before@drop.example' })).body.result.contacts).toEqual([]);
  });

  it('rejects a seeded share of records on create only, and slows calls by latencyMs', async () => {
    sb.setFaults({ seed: 3, recordRejectRate: 1 });
    const rej = await rpc(sb, 'newAccount', { account: { name: 'Rejected' } });
    expect(rej.status).toBe(400);
    expect(rej.body.error.message).toMatch(/fault injection/);
    expect((await rpc(sb, 'findAccounts', {})).status).toBe(200);
    sb.setFaults({ seed: 3, latencyMs: 150, jitterMs: 10 });
    const t0 = performance.now();
    await rpc(sb, 'add', { num1: 1, num2: 1 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(135);
    sb.setFaults(undefined);
  });

  it('says which part of CRM_SANDBOX_FAULTS is wrong', async () => {
    await expect(startNutshellSandbox({ databaseUrl: db.url, env: { CRM_SANDBOX_FAULTS: '{"rate429": 2}' } })).rejects.toThrow(/CRM_SANDBOX_FAULTS: rate429/);
    await expect(startNutshellSandbox({ databaseUrl: db.url, env: { CRM_SANDBOX_FAULTS: '{oops' } })).rejects.toThrow(/not valid JSON/);
  });
});
