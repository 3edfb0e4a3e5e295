/**
 * Sandbox Zoho CRM: a local emulator of the Zoho CRM v8 REST API whose org state lives in the
 * staging database (schema sandbox_zoho), so several invocations see one org.
 * Behaviour follows ../shared/reference/zoho-crm-api.md; see ./README.md for the choices made
 * where the reference is unconfirmed.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export interface ZohoSandboxUser {
  email: string;
  full_name: string;
  status?: 'active' | 'inactive';
}

export interface ZohoSandboxSeed {
  users?: ZohoSandboxUser[];
}

export interface ZohoSandboxOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  seed?: ZohoSandboxSeed;
  /** Access token lifetime in seconds (Zoho: 3600). */
  tokenTtlSeconds?: number;
}

export interface ZohoSandbox {
  apiDomain: string;
  accountsUrl: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  pool: pg.Pool;
  close(): Promise<void>;
}

export const SANDBOX_CREDENTIALS = {
  clientId: '1000.SANDBOXCLIENT',
  clientSecret: 'sandbox-client-secret',
  refreshToken: '1000.sandbox.refresh',
};

const ORG_PREFIX = '5725767';

const MANDATORY: Record<string, string[]> = {
  Leads: ['Last_Name'],
  Contacts: ['Last_Name'],
  Accounts: ['Account_Name'],
  Deals: ['Deal_Name', 'Stage'],
  Tasks: ['Subject'],
  Calls: ['Subject', 'Call_Type', 'Call_Start_Time'],
  Events: ['Event_Title', 'Start_DateTime', 'End_DateTime'],
  Products: ['Product_Name'],
};

export async function ensureSandboxSchema(pool: pg.Pool): Promise<void> {
  await pool.query(`
    create schema if not exists sandbox_zoho;
    create sequence if not exists sandbox_zoho.ids;
    create table if not exists sandbox_zoho.users (
      id text primary key, email text not null unique, full_name text not null, status text not null default 'active');
    create table if not exists sandbox_zoho.records (
      module text not null, id text not null, data jsonb not null,
      created_time timestamptz not null default now(), modified_time timestamptz not null default now(),
      primary key (module, id));
    create table if not exists sandbox_zoho.tokens (
      access_token text primary key, expires_at timestamptz not null);
    create table if not exists sandbox_zoho.request_log (
      id bigint generated always as identity primary key, method text not null, path text not null,
      status int not null, records int not null default 0, latency_ms real not null, at timestamptz not null default now());
  `);
}

async function newId(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query(`select nextval('sandbox_zoho.ids') as n`);
  return ORG_PREFIX + String(rows[0].n).padStart(12, '0');
}

export async function seedSandbox(pool: pg.Pool, seed: ZohoSandboxSeed): Promise<void> {
  const { rows } = await pool.query('select count(*)::int as n from sandbox_zoho.users');
  if (rows[0].n > 0) return;
  const users = [{ email: 'admin@sandbox.example', full_name: 'Sandbox Admin', status: 'active' as const }, ...(seed.users ?? [])];
  for (const u of users) {
    await pool.query('insert into sandbox_zoho.users (id, email, full_name, status) values ($1,$2,$3,$4) on conflict (email) do nothing', [
      await newId(pool),
      u.email.toLowerCase(),
      u.full_name,
      u.status ?? 'active',
    ]);
  }
}

function send(res: ServerResponse, status: number, body?: unknown) {
  if (status === 204 || body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(text);
}

const topError = (code: string, message: string, details: Record<string, unknown> = {}) => ({ code, details, message, status: 'error' });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startZohoSandbox(opts: ZohoSandboxOptions): Promise<ZohoSandbox> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 5 });
  pool.on('error', () => {});
  await ensureSandboxSchema(pool);
  await seedSandbox(pool, opts.seed ?? {});
  const ttl = opts.tokenTtlSeconds ?? 3600;

  const server: Server = createServer((req, res) => {
    const t0 = performance.now();
    handle(req, res)
      .catch((err) => send(res, 500, topError('INTERNAL_ERROR', `Internal Server Error: ${(err as Error).message}`)))
      .finally(() => {
        pool
          .query('insert into sandbox_zoho.request_log (method, path, status, latency_ms) values ($1,$2,$3,$4)', [
            req.method,
            (req.url ?? '').split('?')[0],
            res.statusCode,
            performance.now() - t0,
          ])
          .catch(() => {});
      });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    if (url.pathname === '/oauth/v2/token' && method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      for (const [k, v] of url.searchParams) form.set(k, v);
      if (form.get('client_id') !== SANDBOX_CREDENTIALS.clientId) return send(res, 200, { error: 'invalid_client' });
      if (form.get('client_secret') !== SANDBOX_CREDENTIALS.clientSecret) return send(res, 200, { error: 'invalid_client_secret' });
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== SANDBOX_CREDENTIALS.refreshToken)
        return send(res, 200, { error: 'invalid_code' });
      const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(8).toString('hex')}`;
      await pool.query(`insert into sandbox_zoho.tokens values ($1, now() + make_interval(secs => $2))`, [token, ttl]);
      return send(res, 200, { access_token: token, scope: 'ZohoCRM.modules.ALL ZohoCRM.settings.ALL ZohoCRM.users.READ', api_domain: apiDomain, token_type: 'Bearer', expires_in: ttl });
    }
    const m = /^\/crm\/v8\/(.+)$/.exec(url.pathname);
    if (!m) return send(res, 404, topError('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'));
    const auth = req.headers.authorization ?? '';
    const am = /^Zoho-oauthtoken (\S+)$/.exec(auth);
    if (!am) return send(res, 401, topError('AUTHENTICATION_FAILURE', 'Authentication failed'));
    const tok = await pool.query('select 1 from sandbox_zoho.tokens where access_token = $1 and expires_at > now()', [am[1]]);
    if (!tok.rowCount) return send(res, 401, topError('INVALID_TOKEN', 'invalid oauth token'));

    const parts = m[1]!.split('/');
    if (parts[0] === 'users' && method === 'GET') {
      const { rows } = await pool.query('select id, email, full_name, status from sandbox_zoho.users order by id');
      return send(res, 200, { users: rows, info: { per_page: 200, count: rows.length, page: 1, more_records: false } });
    }
    const module = parts[0]!;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(module)) return send(res, 400, topError('INVALID_MODULE', 'the module name given seems to be invalid'));

    if (parts.length === 1 && method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { data?: Record<string, unknown>[] };
      const data = body.data ?? [];
      if (data.length > 100) return send(res, 400, topError('LIMIT_EXCEEDED', 'count of records in your request exceeds the limit', { maximum_length: 100, api_name: 'data' }));
      const results = [];
      for (const [i, rec] of data.entries()) {
        const missing = (MANDATORY[module] ?? []).find((f) => rec[f] === undefined || rec[f] === null || rec[f] === '');
        if (missing) {
          results.push({ code: 'MANDATORY_NOT_FOUND', details: { api_name: missing, json_path: `$.data[${i}].${missing}` }, message: 'required field not found', status: 'error' });
          continue;
        }
        const id = await newId(pool);
        await pool.query('insert into sandbox_zoho.records (module, id, data) values ($1,$2,$3)', [module, id, JSON.stringify(rec)]);
        results.push({ code: 'SUCCESS', details: { id, Created_Time: new Date().toISOString() }, message: 'record added', status: 'success' });
      }
      const okCount = results.filter((r) => r.status === 'success').length;
      return send(res, okCount === results.length ? 201 : okCount === 0 ? 400 : 207, { data: results });
    }
    if (parts.length === 1 && method === 'PUT') {
      const body = JSON.parse((await readBody(req)) || '{}') as { data?: Record<string, unknown>[] };
      const results = [];
      for (const rec of body.data ?? []) {
        const { id, ...fields } = rec as { id?: string };
        const upd = await pool.query('update sandbox_zoho.records set data = data || $3::jsonb, modified_time = now() where module = $1 and id = $2', [
          module,
          String(id),
          JSON.stringify(fields),
        ]);
        results.push(
          upd.rowCount
            ? { code: 'SUCCESS', details: { id }, message: 'record updated', status: 'success' }
            : { code: 'INVALID_DATA', details: { id }, message: 'the id given seems to be invalid', status: 'error' },
        );
      }
      return send(res, 200, { data: results });
    }
    if (parts.length === 1 && method === 'DELETE') {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
      if (!ids.length) return send(res, 400, topError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'ids' }));
      const results = [];
      for (const id of ids) {
        const del = await pool.query('delete from sandbox_zoho.records where module = $1 and id = $2', [module, id]);
        results.push(del.rowCount ? { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' } : { code: 'INVALID_DATA', details: { id }, message: 'record not deleted', status: 'error' });
      }
      return send(res, 200, { data: results });
    }
    if (parts.length === 2 && method === 'GET') {
      const { rows } = await pool.query('select id, data from sandbox_zoho.records where module = $1 and id = $2', [module, parts[1]]);
      if (!rows.length) return send(res, 204);
      return send(res, 200, { data: [{ ...rows[0].data, id: rows[0].id }] });
    }
    return send(res, 404, topError('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'));
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const apiDomain = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  return {
    apiDomain,
    accountsUrl: apiDomain,
    credentials: SANDBOX_CREDENTIALS,
    pool,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await pool.end();
    },
  };
}
