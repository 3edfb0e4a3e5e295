/**
 * The embedded PostgreSQL (what the tool and the test setup start when DATABASE_URL is unset)
 * listens on 127.0.0.1 only: `show listen_addresses`, and a connection to one of this machine's
 * other addresses is refused.
 */
import os from 'node:os';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';

describe('embedded database', () => {
  it.skipIf(!!process.env.DATABASE_URL)('listens on loopback only (skipped: DATABASE_URL names a server this project did not start)', async () => {
    const c = new pg.Client({ connectionString: inject('adminUrl') });
    await c.connect();
    try {
      const { rows } = await c.query('show listen_addresses');
      expect(rows[0].listen_addresses).toBe('127.0.0.1');
    } finally {
      await c.end();
    }
    // And a connection to this machine's other addresses is refused.
    const port = Number(new URL(inject('adminUrl')).port);
    const other = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (other) {
      const c2 = new pg.Client({ host: other.address, port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 3000 });
      await expect(c2.connect()).rejects.toThrow();
      await c2.end().catch(() => {});
    }
  });
});
