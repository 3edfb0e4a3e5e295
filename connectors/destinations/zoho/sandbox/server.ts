/**
 * Sandbox Zoho CRM: a local emulator of the Zoho CRM v8 REST API whose org state lives in the
 * staging database (schema sandbox_zoho), so several invocations see one org.
 * Behaviour follows docs/destinations.md (Zoho); see ./README.md for the choices made
 * where the reference is unconfirmed. This file wires HTTP, faults, auth and limits to the
 * handlers in records.ts, metadata.ts and bulk.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { checkToken, revokeAllTokens, revokeEndpoint, SANDBOX_CREDENTIALS, tokenEndpoint } from './auth.ts';
import { createJob, download, jobStatus, resumeJobs, upload, type BulkRunner } from './bulk.ts';
import { faultsFromEnv, orgFromEnv, prng, resolveOrg, type ZohoSandboxFaults, type ZohoSandboxOrgConfig } from './config.ts';
import { fail, HttpError, readBody, send, topError, type ApiUser, type Ctx } from './http.ts';
import { Limits } from './limits.ts';
import { routeMetadata } from './metadata.ts';
import { routeRecords } from './records.ts';
import { ensureSandboxSchema, seedSandbox, type ZohoSandboxSeed } from './store.ts';

export { SANDBOX_CREDENTIALS } from './auth.ts';
export { ensureSandboxSchema, seedSandbox, type ZohoSandboxSeed, type ZohoSandboxUser, type ZohoSandboxCustomField } from './store.ts';
export { snapshotZohoOrg, diffZohoSnapshots, type ZohoOrgSnapshot } from './snapshot.ts';
export type { ZohoSandboxFaults, ZohoSandboxOrgConfig } from './config.ts';
export { writeZip, readZip } from '../../../../engine/util/zip.ts';

export interface ZohoSandboxOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  seed?: ZohoSandboxSeed;
  /** Access token lifetime in seconds (Zoho: 3600). faults.tokenTtlSeconds wins when set. */
  tokenTtlSeconds?: number;
  /** Fault injection; defaults to CRM_SANDBOX_FAULTS (JSON). */
  faults?: ZohoSandboxFaults;
  /** Edition, limits and strictness; merged over CRM_SANDBOX_ORG (JSON). */
  org?: ZohoSandboxOrgConfig;
  /** Environment to read CRM_SANDBOX_FAULTS / CRM_SANDBOX_ORG from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface ZohoSandbox {
  apiDomain: string;
  accountsUrl: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  pool: pg.Pool;
  /** Credits, concurrency and fault counters (also served at GET /__sandbox/stats). */
  stats(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startZohoSandbox(opts: ZohoSandboxOptions): Promise<ZohoSandbox> {
  const env = opts.env ?? process.env;
  const faults: ZohoSandboxFaults = opts.faults ?? faultsFromEnv(env) ?? {};
  const orgCfg: ZohoSandboxOrgConfig = { ...(orgFromEnv(env) ?? {}), ...(opts.org ?? {}) };
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 8 });
  pool.on('error', () => {});
  await ensureSandboxSchema(pool);
  await seedSandbox(pool, opts.seed ?? {});
  const edition = (await pool.query(`select value from sandbox_zoho.meta where key = 'edition'`)).rows[0]?.value;
  const active = (await pool.query(`select count(*)::int as n from sandbox_zoho.users where status = 'active'`)).rows[0].n;
  const org = resolveOrg(edition, active, orgCfg);
  const admin = (await pool.query(`select id, email, full_name from sandbox_zoho.users order by (profile = 'Administrator') desc, id limit 1`)).rows[0] as ApiUser;
  const limits = new Limits(pool, org);
  await limits.load();
  const ttl = faults.tokenTtlSeconds ?? opts.tokenTtlSeconds ?? 3600;

  const callRng = prng(faults.seed ?? 1);
  const recordRng = prng((faults.seed ?? 1) + 7919);
  let crmCalls = 0;
  const faultCounts: Record<string, number> = {};
  const timers = new Set<NodeJS.Timeout>();
  const pendingLogs = new Set<Promise<unknown>>();
  let apiDomain = '';
  const runner: BulkRunner = { org, apiUser: admin, get apiDomain() { return apiDomain; }, pool, timers } as BulkRunner;

  const faulted = (path: string) => (faults.paths ? faults.paths.some((p) => path.startsWith(p)) : true);

  const server: Server = createServer((req, res) => {
    const t0 = performance.now();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const ctx: Ctx = {
      req,
      res,
      url,
      method: req.method ?? 'GET',
      pool,
      org,
      apiDomain,
      apiUser: admin,
      credits: 0,
      records: 0,
      dropAfter: false,
      rejectRecord: () => (faults.recordRejectRate ? recordRng() < faults.recordRejectRate : false),
    };
    let charged = false;
    const done: Promise<unknown> = handle(ctx)
      .then(() => {
        charged = true;
      })
      .catch((err) => {
        if (err instanceof HttpError) send(ctx, err.status, err.body);
        else send(ctx, 500, topError('INTERNAL_ERROR', `Internal Server Error: ${(err as Error).message}`));
      })
      .then(async () => {
        const status = res.statusCode;
        const bill = charged && ctx.credits > 0 && status !== 401 && status !== 429 && status < 500;
        if (bill) await limits.charge(ctx.credits, url.pathname).catch(() => {});
        if (ctx.fault) faultCounts[ctx.fault] = (faultCounts[ctx.fault] ?? 0) + 1;
        if (url.pathname.startsWith('/__sandbox')) return;
        await pool
          .query('insert into sandbox_zoho.request_log (method, path, status, records, latency_ms, credits, code, fault) values ($1,$2,$3,$4,$5,$6,$7,$8)', [
            ctx.method,
            url.pathname,
            ctx.fault?.startsWith('drop') ? 0 : status,
            ctx.records,
            performance.now() - t0,
            bill ? ctx.credits : 0,
            ctx.code ?? null,
            ctx.fault ?? null,
          ])
          .catch(() => {});
      })
      .finally(() => pendingLogs.delete(done));
    pendingLogs.add(done);
  });

  async function handle(ctx: Ctx): Promise<void> {
    const path = ctx.url.pathname;
    if (path === '/__sandbox/stats' && ctx.method === 'GET') return send(ctx, 200, await stats());
    if (path === '/oauth/v2/token' && ctx.method === 'POST') return tokenEndpoint(ctx, ttl);
    if (path === '/oauth/v2/token/revoke' && ctx.method === 'POST') return revokeEndpoint(ctx);

    const crm = /^\/crm\/(?:v8|bulk\/v8)\//.test(path) || /^\/v8\/crm\/org\d+\/bulk-write\//.test(path);
    if (!crm) throw fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');

    crmCalls++;
    let delay = 0;
    if (faulted(path)) {
      // Fixed draws per call so the fault sequence depends only on the seed and call order.
      const [dropBefore, r429, r5xx, jitter, dropAfter, which5xx] = [callRng(), callRng(), callRng(), callRng(), callRng(), callRng()];
      delay = (faults.latencyMs ?? 0) + (faults.jitterMs ? Math.round(jitter * faults.jitterMs) : 0);
      if (faults.revokeTokensEvery && crmCalls % faults.revokeTokensEvery === 0) {
        await revokeAllTokens(ctx);
        ctx.fault = 'revokeTokens';
      }
      if (faults.dropBeforeWrite && dropBefore < faults.dropBeforeWrite) {
        ctx.fault = 'dropBeforeWrite';
        ctx.req.socket.destroy();
        return;
      }
      if (faults.rate429 && r429 < faults.rate429) {
        ctx.fault = 'rate429';
        throw fail(429, 'TOO_MANY_REQUESTS', 'too many requests. please try again after some time', {});
      }
      if (faults.rate5xx && r5xx < faults.rate5xx) {
        ctx.fault = 'rate5xx';
        throw which5xx < 0.5 ? fail(500, 'INTERNAL_ERROR', 'Internal Server Error') : fail(503, 'INTERNAL_ERROR', 'Service temporarily unavailable');
      }
      ctx.dropAfter = !!faults.dropAfterWrite && dropAfter < faults.dropAfterWrite;
    }
    await checkToken(ctx);
    limits.checkCredits();
    for (const [k, v] of Object.entries(limits.headers())) ctx.res.setHeader(k, v);

    const parts = path.split('/').filter(Boolean);
    let heavy = false;
    if (/^\/crm\/v8\//.test(path)) {
      const rest = parts.slice(2);
      if (rest[1] === 'search' || rest[0] === 'coql' || (rest[2] === 'actions' && rest[3] === 'convert')) heavy = true;
      if (ctx.method === 'GET' && (ctx.url.searchParams.has('sort_by') || ctx.url.searchParams.has('cvid'))) heavy = true;
      if ((ctx.method === 'POST' || ctx.method === 'PUT') && rest.length <= 2 && !/multipart/i.test(ctx.req.headers['content-type'] ?? '')) {
        const buf = await readBody(ctx);
        try {
          const data = JSON.parse(buf.toString('utf8') || '{}').data;
          if (Array.isArray(data) && data.length > 10) heavy = true;
        } catch {
          /* answered by the handler */
        }
      }
    }
    const release = limits.acquire(heavy);
    try {
      // A slow response holds its concurrency slot, as a slow Zoho call would.
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (parts[0] === 'crm' && parts[1] === 'bulk') {
        if (parts[3] === 'write' && parts.length === 4 && ctx.method === 'POST') return await createJob(ctx, runner);
        if (parts[3] === 'write' && parts.length === 5 && ctx.method === 'GET') {
          ctx.credits = 1;
          return await jobStatus(ctx, parts[4]!);
        }
        throw fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
      }
      if (parts[0] === 'v8') return await download(ctx, parts[4]!);
      const rest = parts.slice(2);
      if (rest[0] === 'upload' && ctx.method === 'POST') return await upload(ctx);
      if (!rest.length) throw fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
      if (await routeMetadata(ctx, rest)) return;
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(rest[0]!)) throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });
      return await routeRecords(ctx, rest);
    } finally {
      release();
    }
  }

  async function stats(): Promise<Record<string, unknown>> {
    const { rows } = await pool.query(
      `select count(*)::int as calls, coalesce(sum(records),0)::int as records, coalesce(sum(credits),0)::int as credits,
              count(*) filter (where status = 429)::int as status_429, count(*) filter (where status >= 500)::int as status_5xx,
              count(*) filter (where status = 0)::int as dropped
         from sandbox_zoho.request_log`,
    );
    return { ...limits.stats(), requests: rows[0], faults: { config: faults, injected: faultCounts }, tokenTtlSeconds: ttl };
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  apiDomain = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  await resumeJobs(runner);
  return {
    apiDomain,
    accountsUrl: apiDomain,
    credentials: SANDBOX_CREDENTIALS,
    pool,
    stats,
    async close() {
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      await Promise.all([...pendingLogs]);
      await pool.end();
    },
  };
}
