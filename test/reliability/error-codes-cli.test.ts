/**
 * What a user can cause or fix gets its own error code, not UNEXPECTED ("a bug"). The real CLI
 * in a child process, pointed at: a closed port, a database that does not exist, the wrong
 * password (DATABASE_URL); a Zoho accounts server on a closed port and one that answers
 * invalid_client; a Nutshell endpoint on a closed port and one that refuses the API key. Each
 * exits 1 with its code, names the host in the message, shows no secret, and ends within a
 * bounded time (the unreachable ones say each wait, with the host, on stderr).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../engine/db/embedded.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';

const SECRETS = { ZOHO_CLIENT_ID: '1000.CLIENTIDSECRETVALUE', ZOHO_CLIENT_SECRET: 'zoho-client-secret-value', ZOHO_REFRESH_TOKEN: '1000.refresh.secretvalue', NUTSHELL_API_KEY: 'nutshell-api-key-value' };
const DB_PASSWORD = 'db-password-secret-value';

let db: TestDb;
let home: string;
let embeddedAdmin: string;
let closedPort: number;
let server: Server;
let serverUrl: string;
const hits: string[] = [];

/** A port nothing listens on: bound, then closed. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  db = await createTestDb();
  closedPort = await freePort();
  // A server of our own with password authentication (the suite's may trust every login).
  const parent = mkdtempSync(path.join(tmpdir(), 'crm-errors-'));
  chmodSync(parent, 0o755);
  home = path.join(parent, 'home');
  embeddedAdmin = (await ensureEmbeddedServer(home, 58900 + (process.pid % 500))).adminUrl;
  // Refuses every credential the way each destination does.
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/oauth/v2/token')) return res.end(JSON.stringify({ error: 'invalid_client' }));
      if (req.url?.startsWith('/bad-request/oauth/v2/token')) {
        res.statusCode = 400;
        return res.end(JSON.stringify({ error: 'invalid_code' }));
      }
      res.statusCode = 401;
      res.end(JSON.stringify({ result: null, error: { code: 401, message: 'API key not found', data: null }, id: null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await db?.drop();
  await new Promise((r) => server?.close(r));
  if (home) {
    await stopEmbeddedServer(home);
    rmSync(path.dirname(home), { recursive: true, force: true });
  }
});

async function expectFailure(args: string[], env: Record<string, string>, code: string, host: string, withinMs: number): Promise<CliResult> {
  const t0 = Date.now();
  const r = await runCli([...args, '--json'], env);
  const ms = Date.now() - t0;
  expect(r.exitCode, r.stderr).toBe(1);
  expect(r.json?.error?.code, r.stderr).toBe(code);
  expect(r.json.error.message).toContain(host);
  expect(r.stderr).toContain(`error [${code}]`);
  expect(r.stderr).not.toContain('UNEXPECTED');
  for (const secret of [...Object.values(SECRETS), DB_PASSWORD]) expect(r.stdout + r.stderr).not.toContain(secret);
  expect(ms).toBeLessThan(withinMs);
  return r;
}

const withDb = (url: string, change: (u: URL) => void) => {
  const u = new URL(url);
  change(u);
  return u.toString();
};

describe('the database', () => {
  it('closed port: DB_UNREACHABLE naming host:port', async () => {
    const url = `postgres://postgres:${DB_PASSWORD}@127.0.0.1:${closedPort}/crm`;
    await expectFailure(['leadtrekker-to-zoho', 'extract'], { DATABASE_URL: url }, 'DB_UNREACHABLE', `127.0.0.1:${closedPort}`, 30_000);
  });

  it('a database that does not exist: DB_MISSING naming it and the server', async () => {
    const url = withDb(embeddedAdmin, (u) => (u.pathname = '/no_such_database_here'));
    const r = await expectFailure(['leadtrekker-to-zoho', 'extract'], { DATABASE_URL: url }, 'DB_MISSING', `127.0.0.1:${new URL(embeddedAdmin).port}`, 30_000);
    expect(r.json.error.message).toContain('no_such_database_here');
  });

  it('the wrong password: DB_AUTH naming the user and the server', async () => {
    const url = withDb(embeddedAdmin, (u) => (u.password = DB_PASSWORD));
    const r = await expectFailure(['leadtrekker-to-zoho', 'extract'], { DATABASE_URL: url }, 'DB_AUTH', `127.0.0.1:${new URL(embeddedAdmin).port}`, 30_000);
    expect(r.json.error.message).toContain('"postgres"');
  });
});

describe('the destinations', () => {
  const zoho = (accounts: string) => ({ DATABASE_URL: db.url, ...SECRETS, ZOHO_ACCOUNTS_URL: accounts, ZOHO_API_DOMAIN: accounts, NUTSHELL_API_KEY: '' });

  it('Zoho on a closed port: DESTINATION_UNREACHABLE after logged waits, within the give-up time', async () => {
    const host = `127.0.0.1:${closedPort}`;
    const r = await expectFailure(['leadtrekker-to-zoho', 'users'], { ...zoho(`http://${host}`), CRM_HTTP_GIVE_UP_MS: '3000', CRM_RETRY_BASE_MS: '300' }, 'DESTINATION_UNREACHABLE', host, 30_000);
    const waits = r.stderr.split('\n').filter((l) => l.includes(`http://${host} unreachable`) && /retry \d+ in/.test(l));
    expect(waits.length, r.stderr).toBeGreaterThanOrEqual(2);
  });

  it('Zoho answering invalid_client: ZOHO_AUTH at once, not retried', async () => {
    const before = hits.length;
    const r = await expectFailure(['leadtrekker-to-zoho', 'users'], zoho(serverUrl), 'ZOHO_AUTH', new URL(serverUrl).host, 30_000);
    expect(r.json.error.message).toContain('invalid_client');
    expect(r.json.error.message).toContain('ZOHO_ACCOUNTS_URL');
    expect(hits.slice(before)).toEqual(['POST /oauth/v2/token']);
  });

  it('Zoho answering HTTP 400 invalid_code (a revoked refresh token): ZOHO_AUTH at once', async () => {
    const before = hits.length;
    const r = await expectFailure(['leadtrekker-to-zoho', 'users'], zoho(`${serverUrl}/bad-request`), 'ZOHO_AUTH', new URL(serverUrl).host, 30_000);
    expect(r.json.error.message).toContain('ZOHO_REFRESH_TOKEN');
    expect(hits.slice(before)).toEqual(['POST /bad-request/oauth/v2/token']);
  });

  const nutshell = (apiUrl: string) => ({ DATABASE_URL: db.url, NUTSHELL_USERNAME: 'ops@example.com', NUTSHELL_API_KEY: SECRETS.NUTSHELL_API_KEY, NUTSHELL_API_URL: apiUrl });

  it('Nutshell refusing the API key: NUTSHELL_AUTH', async () => {
    const r = await expectFailure(['leadtrekker-to-nutshell', 'users'], nutshell(`${serverUrl}/api/v1/json`), 'NUTSHELL_AUTH', new URL(serverUrl).host, 30_000);
    expect(r.json.error.message).toContain('NUTSHELL_API_KEY');
  });

  it('Nutshell on a closed port: DESTINATION_UNREACHABLE after logged waits', async () => {
    const host = `127.0.0.1:${closedPort}`;
    const r = await expectFailure(['leadtrekker-to-nutshell', 'users'], { ...nutshell(`http://${host}/api/v1/json`), CRM_HTTP_GIVE_UP_MS: '3000', CRM_RETRY_BASE_MS: '300' }, 'DESTINATION_UNREACHABLE', host, 30_000);
    expect(r.stderr).toMatch(new RegExp(`${host.replace(/\./g, '\\.')}: no answer \\(ECONNREFUSED\\); retry 1 in`));
  });
});
