/**
 * Secrets never leave the process (Zoho). A full pipeline runs against a standalone sandbox as
 * if it were the real service (ZOHO_CLIENT_ID/SECRET/REFRESH_TOKEN and ZOHO_ACCOUNTS_URL /
 * ZOHO_API_DOMAIN pointing at it, so the tool takes its real-credential path: OAuth refresh,
 * gates that stop), with 2-second access tokens so several are issued mid-run. Then stdout,
 * stderr, --json, step logs and summaries, every file under --out and every row of every etl.*
 * and graphile_worker.* table are searched for the client secret, the refresh token and every
 * access token the sandbox issued. A run with a wrong secret must not echo it either.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { createTestDb } from '../helpers/db.ts';
import { cleanups, expectNoSecret, fullPipeline, record, type Outputs } from './secrets-run.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { startZohoSandbox, type ZohoSandboxSeed } from '../../connectors/destinations/zoho/sandbox/server.ts';
// The org the pipeline rehearses against (its users), here standing in for the real service.
import zohoSeed from '../../pipelines/leadtrekker-to-zoho/sandbox-seed.json' with { type: 'json' };

describe('secrets', () => {
  it('zoho: no client secret, refresh token or access token in any output of a full run', async () => {
    const db = await createTestDb();
    const sbDb = await createTestDb();
    cleanups.push(() => db.drop(), () => sbDb.drop());
    // A standalone sandbox in its own database: to the tool it is "the real Zoho".
    const sb = await startZohoSandbox({ databaseUrl: sbDb.url, tokenTtlSeconds: 2, seed: zohoSeed as ZohoSandboxSeed });
    cleanups.push(() => sb.close());
    const tokens = new Set<string>();
    const collectTokens = async () => {
      for (const r of (await sbDb.pool.query(`select access_token from sandbox_zoho.tokens`)).rows) tokens.add(r.access_token);
    };
    const env = {
      ZOHO_CLIENT_ID: sb.credentials.clientId,
      ZOHO_CLIENT_SECRET: sb.credentials.clientSecret,
      ZOHO_REFRESH_TOKEN: sb.credentials.refreshToken,
      ZOHO_ACCOUNTS_URL: sb.accountsUrl,
      ZOHO_API_DOMAIN: sb.apiDomain,
      ZOHO_UPLOAD_URL: sb.apiDomain,
    };
    const outputs: Outputs = { texts: new Map() };
    const poll = setInterval(() => void collectTokens().catch(() => {}), 300);
    try {
      await fullPipeline(leadtrekkerToZoho, db, env, outputs, 'admin@sandbox.example');
    } finally {
      clearInterval(poll);
    }
    await collectTokens();
    expect(tokens.size, 'the sandbox issued access tokens').toBeGreaterThan(1);
    // A wrong client secret: the error names the problem, never the value.
    const wrong = 'wrong-client-secret-5f1c9a7e';
    const bad = await runCli(['leadtrekker-to-zoho', 'users', '--json'], { ...env, ZOHO_CLIENT_SECRET: wrong, DATABASE_URL: db.url });
    record(outputs, 'users with a wrong secret', bad);
    expect(bad.exitCode).not.toBe(0);
    expectNoSecret(outputs, [sb.credentials.clientSecret, sb.credentials.refreshToken, wrong, ...tokens]);
  }, 240_000);

});
