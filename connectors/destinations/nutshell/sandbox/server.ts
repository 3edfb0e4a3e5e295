/**
 * Sandbox Nutshell: a local emulator of Nutshell's JSON-RPC API (plus the REST custom-field
 * endpoints) whose state lives in the staging database (schema sandbox_nutshell).
 * Behaviour follows docs/destinations.md (Nutshell); ./README.md lists every choice made
 * where the reference is unconfirmed.
 *
 * @example
 * const sb = await startNutshellSandbox({ databaseUrl });
 * // POST sb.apiUrl with Basic auth sb.credentials.username : sb.credentials.apiKey
 * await sb.close();
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { authenticate } from './auth.ts';
import { authError, invalid, invalidParams, invalidRequest, methodNotFound, parseError, RpcError } from './errors.ts';
import { Faults, parseFaults, type FaultConfig } from './faults.ts';
import { METHODS, WRITE_METHOD, type MethodContext } from './methods.ts';
import { handleRest } from './rest.ts';
import { ensureNutshellSchema, seedNutshellSandbox, SANDBOX_ADMIN, SANDBOX_API_KEY, type NutshellSandboxSeed } from './schema.ts';
import { Shaper } from './shape.ts';
import { Store } from './store.ts';

export type { NutshellSandboxSeed } from './schema.ts';
export type { FaultConfig } from './faults.ts';
export { snapshotNutshellOrg, diffNutshellSnapshots, type NutshellSnapshot } from './snapshot.ts';

export interface NutshellSandboxOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  seed?: NutshellSandboxSeed;
  /** Fault injection; when absent, CRM_SANDBOX_FAULTS (same JSON) is read. */
  faults?: FaultConfig;
  env?: NodeJS.ProcessEnv;
  /** Reject e-mail-only contacts with "Invalid phone number" (nutshell-api-php#10). Default false. */
  strictPhone?: boolean;
  /** Longest lead description accepted. Default 100. */
  leadDescriptionMax?: number;
  /** Most full records per find* page. Default 100. */
  maxFullLimit?: number;
  /** Throttle: more calls than this per rolling second are answered 429. Default: none (none published). */
  maxCallsPerSecond?: number;
  /** Success envelopes carry `"error": null` (the docs' sample) instead of no error member (live probe). */
  errorNullOnSuccess?: boolean;
}

export interface NutshellSandbox {
  /** http://host:port */
  url: string;
  /** The JSON-RPC endpoint, http://host:port/api/v1/json */
  apiUrl: string;
  /** The discovery endpoint, http://host:port/v1/json */
  discoveryUrl: string;
  credentials: { username: string; apiKey: string };
  pool: pg.Pool;
  /** Change fault injection while running (restarts the seeded sequence). */
  setFaults(f: FaultConfig | undefined): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startNutshellSandbox(opts: NutshellSandboxOptions): Promise<NutshellSandbox> {
  const faults = new Faults(opts.faults ?? parseFaults((opts.env ?? process.env).CRM_SANDBOX_FAULTS));
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 5 });
  pool.on('error', () => {});
  const store = new Store(pool);
  const shaper = new Shaper(store, pool, { strictPhone: opts.strictPhone ?? false, leadDescriptionMax: opts.leadDescriptionMax ?? 100 });
  const maxFullLimit = opts.maxFullLimit ?? 100;
  const recentCalls: number[] = [];
  // Credentials checked in the last 10 s: spares two queries per call on long loads.
  const authCache = new Map<string, { userId: number; until: number }>();
  let apiHost = '';

  // One starter at a time per database: two processes starting sandboxes must not seed twice.
  const lock = await pool.connect();
  try {
    await lock.query(`select pg_advisory_lock(hashtext('sandbox_nutshell'))`);
    await ensureNutshellSchema(pool);
    await seedNutshellSandbox(pool, opts.seed ?? {}, async (entityType, data) => {
      const admin = (await pool.query(`select id from sandbox_nutshell.entities where entity_type = 'Users' and data->'emails' ? $1`, [SANDBOX_ADMIN.email])).rows[0].id;
      const ctx: MethodContext = { pool, store, shaper, actingUserId: admin, apiHost, maxFullLimit };
      const noun = { Contacts: 'Contact', Accounts: 'Account', Leads: 'Lead', Activities: 'Activity', Tasks: 'Task' }[entityType]!;
      return METHODS[`new${noun}`]!(ctx, { [noun.toLowerCase()]: data });
    });
  } finally {
    await lock.query(`select pg_advisory_unlock(hashtext('sandbox_nutshell'))`).catch(() => {});
    lock.release();
  }

  const log = (req: IncomingMessage, path: string, rpcMethod: string | null, status: number, errorCode: number | null, fault: string | null, t0: number) =>
    pool
      .query('insert into sandbox_nutshell.request_log (http_method, path, rpc_method, status, error_code, fault, latency_ms) values ($1,$2,$3,$4,$5,$6,$7)', [
        req.method,
        path,
        rpcMethod,
        status,
        errorCode,
        fault,
        performance.now() - t0,
      ])
      .catch(() => {});

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 500, message: `Internal error: ${(err as Error).message}`, data: null }, id: null, jsonrpc: '2.0' }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const body = await readBody(req);
    if (path.startsWith('/rest/')) {
      await handleRest(pool, req, res, path, body);
      return void (await log(req, path, null, res.statusCode, null, null, t0));
    }
    const isApi = path === '/api/v1/json';
    const isDiscovery = path === '/v1/json';
    if (!isApi && !isDiscovery) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return void (await log(req, path, null, 404, null, null, t0));
    }
    if (req.method === 'GET') {
      // The service description is served without auth (reference 2.2).
      const smd = { SMDVersion: '2.0', transport: 'POST', envelope: 'JSON-RPC-2.0', contentType: 'application/json', target: path, services: Object.fromEntries(Object.keys(isApi ? METHODS : { getApiForUsername: 1 }).sort().map((m) => [m, { envelope: 'JSON-RPC-2.0', transport: 'POST' }])) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(smd));
      return void (await log(req, path, null, 200, null, null, t0));
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' }).end();
      return void (await log(req, path, null, 405, null, null, t0));
    }

    let id: unknown = null;
    let v1 = false;
    let rpcMethod: string | null = null;
    let fault: string | null = null;
    const reply = async (status: number, payload: Record<string, unknown>, errorCode: number | null, headers: Record<string, string> = {}) => {
      const envelope = { ...payload, id, jsonrpc: '2.0' };
      if (!('error' in payload) && (opts.errorNullOnSuccess || v1)) (envelope as Record<string, unknown>).error = null;
      const text = JSON.stringify(envelope);
      await log(req, path, rpcMethod, status, errorCode, fault, t0);
      res.writeHead(status, { 'content-type': 'application/json', 'x-nutshell-request-id': createHash('sha1').update(`${t0}${Math.random()}`).digest('hex').slice(0, 16), ...headers }).end(text);
    };
    const fail = (e: RpcError) => reply(e.httpStatus, { error: { code: e.code, message: e.message, data: null } }, e.code);

    // Parse the body as JSON whatever the content type says (pynutshell sends form-encoded).
    let msg: any;
    try {
      msg = JSON.parse(body);
    } catch {
      return fail(parseError());
    }
    if (Array.isArray(msg)) return fail(invalidRequest('batch requests are not supported; send one call per request'));
    if (!msg || typeof msg !== 'object') return fail(invalidRequest('expected a JSON object'));
    id = msg.id ?? null;
    v1 = msg.jsonrpc === undefined;
    if (typeof msg.method !== 'string') return fail(invalidRequest('method is required'));
    rpcMethod = msg.method;
    const params = msg.params ?? {};
    if (typeof params !== 'object' || Array.isArray(params)) return fail(invalidParams('params must be an object of named parameters'));

    if (isDiscovery) {
      // Discovery needs no auth (the PHP client sends none); both are accepted.
      if (rpcMethod !== 'getApiForUsername') return fail(methodNotFound());
      if (typeof params.username !== 'string' || !params.username) return fail(invalidParams('missing parameter username'));
      return reply(200, { result: { iphone: apiHost, api: apiHost, login: apiHost } }, null);
    }

    // Injected faults come before auth, as a gateway's would.
    const f = faults.next(rpcMethod!.startsWith('new'));
    if (f.delayMs) await sleep(f.delayMs);
    if (opts.maxCallsPerSecond) {
      const now = Date.now();
      while (recentCalls.length && recentCalls[0]! < now - 1000) recentCalls.shift();
      recentCalls.push(now);
      if (recentCalls.length > opts.maxCallsPerSecond) {
        fault = 'throttle';
        return fail(new RpcError(429, 429, 'Too many requests'));
      }
    }
    if (f.status) {
      fault = String(f.status);
      return fail(new RpcError(f.status, f.status, f.status === 429 ? 'Too many requests' : f.status === 503 ? 'Service unavailable' : 'Internal server error'));
    }
    if (f.dropBefore) {
      fault = 'drop-before';
      await log(req, path, rpcMethod, 0, null, fault, t0);
      req.socket.destroy();
      return;
    }

    const header = req.headers.authorization ?? '';
    const cached = authCache.get(header);
    const auth = cached && cached.until > Date.now() ? cached : await authenticate(pool, header);
    if (auth && !cached) authCache.set(header, { ...auth, until: Date.now() + 10_000 });
    if (!auth) return fail(authError());
    const method = Object.hasOwn(METHODS, rpcMethod!) ? METHODS[rpcMethod!] : undefined;
    if (!method || rpcMethod === 'getApiForUsername') return fail(methodNotFound());
    if (f.rejectRecord) {
      fault = 'reject';
      return fail(invalid('Record rejected by the sandbox (fault injection)'));
    }
    let result: unknown;
    try {
      result = await method({ pool, store, shaper, actingUserId: auth.userId, apiHost, maxFullLimit }, params);
    } catch (err) {
      if (err instanceof RpcError) return fail(err);
      throw err;
    }
    if (f.dropAfter && WRITE_METHOD.test(rpcMethod!)) {
      // The write happened; the client never hears so (a lost response).
      fault = 'drop-after';
      await log(req, path, rpcMethod, 0, null, fault, t0);
      req.socket.destroy();
      return;
    }
    // ETags on reads (reference 2.2): an unchanged result answers 304 with an empty body.
    if (/^(get|find)/.test(rpcMethod!)) {
      const etag = `"${createHash('sha1').update(JSON.stringify(result)).digest('hex')}"`;
      if (req.headers['if-none-match'] === etag) {
        await log(req, path, rpcMethod, 304, null, fault, t0);
        res.writeHead(304, { etag }).end();
        return;
      }
      return reply(200, { result }, null, { etag });
    }
    return reply(200, { result }, null);
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  apiHost = `${opts.host ?? '127.0.0.1'}:${port}`;
  const url = `http://${apiHost}`;
  return {
    url,
    apiUrl: `${url}/api/v1/json`,
    discoveryUrl: `${url}/v1/json`,
    credentials: { username: SANDBOX_ADMIN.email, apiKey: SANDBOX_API_KEY },
    pool,
    setFaults: (f) => faults.set(f),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      await pool.end();
    },
  };
}
