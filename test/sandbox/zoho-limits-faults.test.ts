/**
 * Limits (reference §9: credits per rolling day, concurrency and the sub-concurrency pool, 429
 * TOO_MANY_REQUESTS, X-API-CREDITS-REMAINING) and seeded fault injection of the Zoho sandbox,
 * plus the request log and the stats endpoint, all over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox, type ZohoSandboxFaults } from '../../connectors/destinations/zoho/sandbox/server.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { client, token } from './zoho-helpers.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

async function withSandbox<T>(opts: { faults?: ZohoSandboxFaults; org?: Record<string, unknown>; env?: NodeJS.ProcessEnv }, fn: (sb: ZohoSandbox, c: ReturnType<typeof client>) => Promise<T>): Promise<T> {
  const sb = await startZohoSandbox({ databaseUrl: db.url, env: opts.env ?? {}, faults: opts.faults, org: opts.org as never });
  try {
    return await fn(sb, client(sb, (await token(sb)).access_token));
  } finally {
    await sb.close();
  }
}

describe('credits (§9.1, §9.2, §9.4)', () => {
  it('charges 1 per 10 records written, adds X-API-CREDITS-REMAINING at half, answers 429 when spent, and keeps the ledger across restarts', async () => {
    await db.pool.query('create schema if not exists sandbox_zoho');
    await withSandbox({ org: { dailyCredits: 30 } }, async (sb, c) => {
      const first = await c.post('/Leads', { data: Array.from({ length: 100 }, (_, i) => ({ Last_Name: `C${i}`, Company: 'X' })) });
      expect(first.status).toBe(201);
      expect(first.headers.get('x-api-credits-remaining')).toBeNull();
      const s1 = (await (await fetch(`${sb.apiDomain}/__sandbox/stats`)).json()) as any;
      expect(s1.credits).toMatchObject({ limit: 30, used: 10, remaining: 20 });
      await c.post('/Leads', { data: Array.from({ length: 50 }, (_, i) => ({ Last_Name: `D${i}`, Company: 'X' })) });
      const atHalf = await c.get('/Leads?fields=Last_Name&per_page=1');
      expect(atHalf.headers.get('x-api-credits-remaining')).toBe('15');
    });
    // A new process on the same org sees the same rolling ledger.
    await withSandbox({ org: { dailyCredits: 30 } }, async (sb, c) => {
      let last;
      for (let i = 0; i < 20; i++) {
        last = await c.get('/Leads?fields=Last_Name&per_page=1');
        if (last.status === 429) break;
      }
      expect(last!.status).toBe(429);
      expect(last!.json).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 'error' });
      const stats = (await sb.stats()) as any;
      expect(stats.credits.remaining).toBe(0);
      expect(stats.credits.rejected).toBeGreaterThan(0);
    });
    await db.pool.query('delete from sandbox_zoho.credit_ledger');
  });

  it('logs every call with method, path, status, records, credits and latency', async () => {
    await withSandbox({}, async (_sb, c) => {
      await c.post('/Contacts', { data: [{ Last_Name: 'Log' }, { Last_Name: 'Log2' }] });
      await c.get('/Contacts/search?email=none@x.test');
    });
    const { rows } = await db.pool.query(`select method, path, status, records, credits, latency_ms from sandbox_zoho.request_log where path like '/crm/v8/Contacts%' order by id`);
    expect(rows[0]).toMatchObject({ method: 'POST', path: '/crm/v8/Contacts', status: 201, records: 2, credits: 1 });
    expect(rows[1]).toMatchObject({ method: 'GET', path: '/crm/v8/Contacts/search', status: 204, credits: 1 });
    expect(rows[0].latency_ms).toBeGreaterThan(0);
  });
});

describe('concurrency (§9.3)', () => {
  it('calls beyond the concurrency limit get 429; heavy calls beyond the sub-concurrency pool too', async () => {
    await withSandbox({ org: { concurrency: 2, subConcurrency: 1 }, faults: { latencyMs: 250 } }, async (sb, c) => {
      const light = await Promise.all(Array.from({ length: 4 }, () => c.get('/users?type=AllUsers')));
      const codes = light.map((r) => r.status).sort();
      expect(codes.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
      expect(codes.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      expect(light.find((r) => r.status === 429)!.json.code).toBe('TOO_MANY_REQUESTS');
      const heavy = await Promise.all(Array.from({ length: 2 }, () => c.get('/Leads/search?word=zz')));
      expect(heavy.map((r) => r.status).sort()).toEqual([204, 429]);
      expect(((await sb.stats()) as any).concurrency.rejected).toBeGreaterThanOrEqual(2);
    });
  });
});

describe('fault injection (deterministic under a seed)', () => {
  const run = (faults: ZohoSandboxFaults) =>
    withSandbox({ faults }, async (_sb, c) => {
      const seq: number[] = [];
      for (let i = 0; i < 25; i++) seq.push((await c.get('/users?type=AllUsers')).status);
      return seq;
    });

  it('the same seed gives the same sequence of 429/5xx; another seed another sequence', async () => {
    const cfg = { seed: 42, rate429: 0.25, rate5xx: 0.2 };
    const a = await run(cfg);
    const b = await run(cfg);
    expect(a).toEqual(b);
    expect(a).toContain(429);
    expect(a.some((s) => s === 500 || s === 503)).toBe(true);
    expect(a).toContain(200);
    expect(await run({ ...cfg, seed: 43 })).not.toEqual(a);
  });

  it('dropped connections: before the write nothing is stored; after the write the record exists (ambiguous case)', async () => {
    await withSandbox({ faults: { dropBeforeWrite: 1, paths: ['/crm/v8/Accounts'] } }, async (_sb, c) => {
      await expect(c.post('/Accounts', { data: [{ Account_Name: 'Dropped Before' }] })).rejects.toThrow();
    });
    await withSandbox({ faults: { dropAfterWrite: 1, paths: ['/crm/v8/Accounts'] } }, async (_sb, c) => {
      await expect(c.post('/Accounts', { data: [{ Account_Name: 'Dropped After' }] })).rejects.toThrow();
    });
    const { rows } = await db.pool.query(`select data->>'Account_Name' as n from sandbox_zoho.records where module = 'Accounts' and data->>'Account_Name' like 'Dropped%'`);
    expect(rows.map((r) => r.n)).toEqual(['Dropped After']);
    const log = await db.pool.query(`select fault, status from sandbox_zoho.request_log where path = '/crm/v8/Accounts' order by id`);
    expect(log.rows).toEqual([
      { fault: 'dropBeforeWrite', status: 0 },
      { fault: 'dropAfterWrite', status: 0 },
    ]);
  });

  it('per-record rejections are a seeded share of records, with the normal INVALID_DATA shape', async () => {
    const once = () =>
      withSandbox({ faults: { seed: 7, recordRejectRate: 0.3 } }, async (_sb, c) => {
        const r = await c.post('/Contacts', { data: Array.from({ length: 20 }, (_, i) => ({ Last_Name: `R${i}` })) });
        return r.json.data.map((d: any) => d.code);
      });
    const a = await once();
    expect(a).toEqual(await once());
    const rejected = a.filter((x: string) => x === 'INVALID_DATA').length;
    expect(rejected).toBeGreaterThan(0);
    expect(rejected).toBeLessThan(20);
  });

  it('token expiry mid-run: revokeTokensEvery makes the Nth call INVALID_TOKEN; a refresh recovers', async () => {
    await withSandbox({ faults: { revokeTokensEvery: 3 } }, async (sb, c) => {
      expect((await c.get('/org')).status).toBe(200);
      expect((await c.get('/org')).status).toBe(200);
      expect((await c.get('/org')).json.code).toBe('INVALID_TOKEN');
      const fresh = client(sb, (await token(sb)).access_token);
      expect((await fresh.get('/org')).status).toBe(200);
    });
  });

  it('reads faults and the edition from CRM_SANDBOX_FAULTS / CRM_SANDBOX_ORG', async () => {
    const env = { CRM_SANDBOX_FAULTS: JSON.stringify({ seed: 1, rate429: 1, tokenTtlSeconds: 5 }), CRM_SANDBOX_ORG: JSON.stringify({ edition: 'free' }) };
    await withSandbox({ env }, async (sb, c) => {
      expect((await token(sb)).expires_in).toBe(5);
      expect((await c.get('/org')).status).toBe(429);
      const stats = (await sb.stats()) as any;
      expect(stats.edition).toBe('free');
      expect(stats.credits.limit).toBe(5000);
      expect(stats.concurrency.limit).toBe(5);
      expect(stats.faults.injected.rate429).toBe(1);
    });
    await expect(startZohoSandbox({ databaseUrl: db.url, env: { CRM_SANDBOX_FAULTS: '{oops' } })).rejects.toThrow(/CRM_SANDBOX_FAULTS is not valid JSON/);
  });
});
