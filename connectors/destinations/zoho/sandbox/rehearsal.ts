/**
 * The faults `npm run chaos` injects through the Zoho sandbox (its fault matrix), and how many
 * it injected, read from the sandbox's request log.
 */
import pg from 'pg';
import type { SandboxFault } from '../../../../engine/destination.ts';

async function withPool<T>(url: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** Record calls only: setup's metadata calls are left alone. */
const WRITES = ['/crm/v8/'];

export const ZOHO_REHEARSAL_FAULTS: SandboxFault[] = [
  { name: '429 storm', faults: { rate429: 0.5, paths: WRITES } },
  { name: '5xx bursts', faults: { rate5xx: 0.35, paths: WRITES } },
  // Calls of 0-1.4 s against a client that gives up after 1 s (CRM_HTTP_TIMEOUT_MS): the
  // server still finishes the ones the client abandoned, the ambiguous case again.
  { name: 'slow responses past the client timeout', faults: { latencyMs: 700, jitterMs: 700, paths: WRITES }, env: { CRM_HTTP_TIMEOUT_MS: '1000' }, slowerThanMs: 1000 },
  { name: 'dropped before write', faults: { dropBeforeWrite: 0.25, paths: WRITES } },
  { name: 'dropped after write', faults: { dropAfterWrite: 0.3, paths: WRITES } },
  { name: 'token expiry', faults: { tokenTtlSeconds: 1, latencyMs: 150, revokeTokensEvery: 6, paths: WRITES } },
  {
    name: 'credit budget',
    // A day of as many credits as the reference load's record calls: with the metadata calls
    // on top the load cannot finish in one day, stops cleanly, the day rolls over (the
    // sandbox's credit ledger and ours are emptied) and the same command resumes.
    env: { CRM_CREDIT_RESERVE: '0' },
    async envFromReference(url) {
      // Only the load's own calls (the ledger also holds setup's metadata calls).
      const spent = await withPool(url, async (pool) => (await pool.query(`select coalesce(sum(credits), 0)::int as n from sandbox_zoho.credit_ledger where path like '/crm/v8/%' and path not like '/crm/v8/settings%'`)).rows[0].n as number);
      return { CRM_SANDBOX_ORG: JSON.stringify({ dailyCredits: Math.max(4, spent) }) };
    },
    expectStop: 'CREDIT_BUDGET',
    async between(url) {
      await withPool(url, async (pool) => {
        await pool.query(`delete from sandbox_zoho.credit_ledger`).catch(() => {});
        await pool.query(`delete from etl.api_usage`).catch(() => {});
      });
    },
  },
  { name: 'partial batch failures', faults: { recordRejectRate: 0.05, paths: WRITES } },
  { name: 'all at once', faults: { rate429: 0.1, rate5xx: 0.05, dropBeforeWrite: 0.02, dropAfterWrite: 0.05, latencyMs: 50, jitterMs: 20, tokenTtlSeconds: 2, recordRejectRate: 0.01, paths: WRITES } },
];

export async function zohoInjectedFaults(url: string, slowerThanMs?: number): Promise<number> {
  return withPool(url, async (pool) => {
    if (slowerThanMs) return (await pool.query(`select count(*)::int as n from sandbox_zoho.request_log where latency_ms > $1`, [slowerThanMs])).rows[0].n as number;
    return (await pool.query(`select count(*)::int as n from sandbox_zoho.request_log where fault is not null`)).rows[0].n as number;
  }).catch(() => 0);
}
