/** The Nutshell JSON-RPC client against the sandbox over HTTP: discovery, ids, error codes, throttling. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startNutshellSandbox, type NutshellSandbox } from '../../connectors/destinations/nutshell/sandbox/server.ts';
import { NutshellClient, NutshellError, entitySchema } from '../../connectors/destinations/nutshell/client.ts';

let db: TestDb;
let sb: NutshellSandbox;

beforeAll(async () => {
  db = await createTestDb();
  sb = await startNutshellSandbox({ databaseUrl: db.url });
});
afterAll(async () => {
  await sb?.close();
  await db?.drop();
});

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e instanceof NutshellError ? e.code : `other: ${(e as Error).message}`));

describe('NutshellClient', () => {
  it('discovers the endpoint once, sends a fresh id per call, validates results', async () => {
    const c = new NutshellClient({ ...sb.credentials, discoveryUrl: sb.discoveryUrl });
    expect(await c.apiUrl()).toBe(sb.apiUrl);
    const e = await c.create('Accounts', { name: 'Client Co' });
    expect(e).toMatchObject({ entityType: 'Accounts', rev: '1' });
    await c.call('findAccounts', {}, z.array(entitySchema));
    const discovery = await db.pool.query(`select count(*)::int as n from sandbox_nutshell.request_log where rpc_method = 'getApiForUsername'`);
    expect(discovery.rows[0].n).toBe(1);
    await expect(c.call('add', { num1: 1, num2: 1 }, z.string())).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('maps errors to stable codes', async () => {
    const c = new NutshellClient({ ...sb.credentials, apiUrl: sb.apiUrl, baseDelayMs: 1 });
    expect(await code(new NutshellClient({ username: 'admin@sandbox.example', apiKey: 'wrong-wrong-wrong', apiUrl: sb.apiUrl }).users())).toBe('AUTH');
    expect(await code(c.call('findLeadOutcomes', {}, z.unknown()))).toBe('METHOD_NOT_FOUND');
    expect(await code(c.create('Contacts', {}))).toBe('INVALID_DATA');
    expect(await code(c.call('findAccounts', { page: 0 }, z.unknown()))).toBe('INVALID_REQUEST');
    expect(await c.get('Contacts', 424242)).toBeNull();
    const a = await c.create('Accounts', { name: 'Rev Co' });
    expect(await code(c.call('editAccount', { accountId: a.id, rev: '7', account: { name: 'x' } }, entitySchema))).toBe('STALE_REV');
    // A wrong URL answers a non-JSON-RPC 404: a misconfiguration, never "record not found".
    const wrong = new NutshellClient({ ...sb.credentials, apiUrl: `${sb.url}/api/v2/json` });
    expect(await code(wrong.get('Contacts', 1))).toBe('BAD_RESPONSE');
    const nowhere = new NutshellClient({ ...sb.credentials, discoveryUrl: 'http://127.0.0.1:9/v1/json' });
    const err = await nowhere.users().catch((e) => e);
    expect(err).toMatchObject({ code: 'DISCOVERY' });
    expect(err.message).toMatch(/NUTSHELL_API_URL/);
    expect(err.message).not.toContain(sb.credentials.apiKey);
  });

  it('backs off and retries throttled calls; marks lost writes ambiguous instead of repeating them', async () => {
    const c = new NutshellClient({ ...sb.credentials, apiUrl: sb.apiUrl, baseDelayMs: 1, maxAttempts: 6 });
    sb.setFaults({ seed: 2, rate429: 0.5 });
    for (let i = 0; i < 8; i++) expect(await c.call('add', { num1: i, num2: 1 }, z.number())).toBe(i + 1);
    expect(c.counters.retries).toBeGreaterThan(0);
    sb.setFaults({ seed: 1, dropAfterWrite: 1 });
    const err = await c.create('Accounts', { name: 'Lost Co' }).catch((e) => e);
    sb.setFaults(undefined);
    expect(err).toMatchObject({ code: 'CONNECTION_LOST', ambiguous: true });
    const made = await db.pool.query(`select count(*)::int as n from sandbox_nutshell.entities where entity_type = 'Accounts' and data->>'name' = 'Lost Co'`);
    expect(made.rows[0].n).toBe(1);
  });

  it('is throttled with 429 beyond maxCallsPerSecond', async () => {
    const throttled = await startNutshellSandbox({ databaseUrl: db.url, maxCallsPerSecond: 3 });
    try {
      const c = new NutshellClient({ ...throttled.credentials, apiUrl: throttled.apiUrl, maxAttempts: 1 });
      // Sent together so that all five land inside one second even on a loaded machine.
      const codes = await Promise.all(Array.from({ length: 5 }, () => code(c.call('add', { num1: 1, num2: 1 }, z.number()))));
      expect(codes.sort()).toEqual(['THROTTLED', 'THROTTLED', 'resolved', 'resolved', 'resolved']);
    } finally {
      await throttled.close();
    }
  });
});
