/**
 * The faults `npm run chaos` injects through the Nutshell sandbox (its fault matrix), and how
 * many it injected, read from the sandbox's request log.
 */
import pg from 'pg';
import type { SandboxFault } from '../../../../engine/destination.ts';

export const NUTSHELL_REHEARSAL_FAULTS: SandboxFault[] = [
  { name: 'dropped after write', faults: { dropAfterWrite: 0.2 } },
  { name: 'all at once', faults: { rate429: 0.1, rate5xx: 0.05, dropBeforeWrite: 0.03, dropAfterWrite: 0.05, latencyMs: 20, jitterMs: 10 } },
];

export async function nutshellInjectedFaults(url: string, slowerThanMs?: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  try {
    if (slowerThanMs) return (await pool.query(`select count(*)::int as n from sandbox_nutshell.request_log where latency_ms > $1`, [slowerThanMs])).rows[0].n as number;
    return (await pool.query(`select count(*)::int as n from sandbox_nutshell.request_log where fault is not null`)).rows[0].n as number;
  } catch {
    return 0;
  } finally {
    await pool.end();
  }
}
