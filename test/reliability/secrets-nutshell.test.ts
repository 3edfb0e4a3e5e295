/**
 * Secrets never leave the process (Nutshell): the same full real-credential run as the Zoho
 * test, against a standalone Nutshell sandbox (NUTSHELL_USERNAME / NUTSHELL_API_KEY with
 * NUTSHELL_API_URL pointing at it); the API key (plain and in its Basic-auth form) appears in
 * no output.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { createTestDb } from '../helpers/db.ts';
import { cleanups, expectNoSecret, fullPipeline, record, type Outputs } from './secrets-run.ts';
import { leadtrekkerToNutshell } from '../../pipelines/leadtrekker-to-nutshell/pipeline.ts';
import { startNutshellSandbox, type NutshellSandboxSeed } from '../../connectors/destinations/nutshell/sandbox/server.ts';
import nutshellSeed from '../../pipelines/leadtrekker-to-nutshell/sandbox-seed.json' with { type: 'json' };

describe('secrets', () => {
  it('nutshell: no API key in any output of a full run', async () => {
    const db = await createTestDb();
    const sbDb = await createTestDb();
    cleanups.push(() => db.drop(), () => sbDb.drop());
    const sb = await startNutshellSandbox({ databaseUrl: sbDb.url, seed: nutshellSeed as NutshellSandboxSeed });
    cleanups.push(() => sb.close());
    const env = { NUTSHELL_USERNAME: sb.credentials.username, NUTSHELL_API_KEY: sb.credentials.apiKey, NUTSHELL_API_URL: sb.apiUrl };
    const outputs: Outputs = { texts: new Map() };
    await fullPipeline(leadtrekkerToNutshell, db, env, outputs, sb.credentials.username);
    const wrong = 'wrong-api-key-0b7d33e1c2';
    const bad = await runCli(['leadtrekker-to-nutshell', 'users', '--json'], { ...env, NUTSHELL_API_KEY: wrong, DATABASE_URL: db.url });
    record(outputs, 'users with a wrong key', bad);
    expect(bad.exitCode).not.toBe(0);
    // Basic auth carries user:key base64-encoded: that form must not appear either.
    const basic = Buffer.from(`${sb.credentials.username}:${sb.credentials.apiKey}`).toString('base64');
    expectNoSecret(outputs, [sb.credentials.apiKey, wrong, basic]);
  }, 240_000);
});

