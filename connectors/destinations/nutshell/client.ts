/**
 * Nutshell JSON-RPC client: HTTP Basic (username + API key), endpoint discovery
 * (getApiForUsername, cached; NUTSHELL_API_URL skips it), a fresh id per call, every response
 * validated with zod, JSON-RPC errors mapped to stable codes, rev handling on edits and deletes.
 * See docs/destinations.md, Nutshell sections 2, 4 and 5.
 *
 * Retries (reference 5.2: no published limits, back off on 429/5xx/timeouts):
 *   delay(n) = min(maxDelay, base * 2^n) * (0.5 + random() / 2)     n = 0, 1, 2, ...
 * with base = CRM_RETRY_BASE_MS (500), maxDelay 30 s, at most CRM_RETRY_ATTEMPTS (5) attempts.
 * A 429 never reached the method, so every call is retried on it. Reads are retried on 5xx and
 * lost connections too; writes are not, because the write may have happened (the caller decides:
 * see `NutshellError.ambiguous`). Each wait for a host that does not answer is logged with the
 * host (`notice`), and a call gives up once the next wait would take it past `giveUpMs`
 * (CRM_HTTP_GIVE_UP_MS, default 30 s) from its first failure: DESTINATION_UNREACHABLE.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CliError } from '../../../engine/errors.ts';
import { netReason } from '../../../engine/error-map.ts';

export interface NutshellClientOptions {
  username: string;
  apiKey: string;
  /** JSON-RPC endpoint; when absent it is discovered through `discoveryUrl`. */
  apiUrl?: string;
  /** Discovery service (default https://api.nutshell.com/v1/json). */
  discoveryUrl?: string;
  /** REST base (default: the JSON-RPC host + /rest). */
  restUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Retry details (every 429 and 5xx wait); verbose, for CRM_MIGRATE_DEBUG. */
  log?: (msg: string) => void;
  /** What a person waiting should see: each wait for a host that does not answer, with the host. */
  notice?: (msg: string) => void;
  /** A call facing a host that does not answer gives up this long after its first failure (default 30 s). */
  giveUpMs?: number;
}

/** Failures to connect at all: the request never left this machine, so a write was surely not applied. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export const NUTSHELL_DISCOVERY_URL = 'https://api.nutshell.com/v1/json';

const rpcError = z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() });
const envelope = z.object({
  result: z.unknown().optional(),
  error: rpcError.nullable().optional(),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
  jsonrpc: z.string().optional(),
});

/** What every entity render carries (reference 2.5); the rest passes through. */
export const entitySchema = z.looseObject({
  id: z.number().int(),
  entityType: z.string(),
  rev: z.union([z.string(), z.number()]).transform(String),
  deletedTime: z.string().nullable().optional(),
});
export type NutshellEntity = z.infer<typeof entitySchema>;
export const userStubSchema = z.looseObject({
  id: z.number().int(),
  entityType: z.literal('Users'),
  name: z.string().optional(),
  emails: z.array(z.string()).default([]),
  isEnabled: z.boolean().default(true),
});
const searchByEmailSchema = z.looseObject({ contacts: z.array(entitySchema).default([]), accounts: z.array(entitySchema).default([]) });
const discoverySchema = z.looseObject({ api: z.string().min(1) });

/** Stable codes for what went wrong with one call (listed in docs/errors.md as NUTSHELL_*). */
export type NutshellErrorCode =
  | 'AUTH'
  | 'METHOD_NOT_FOUND'
  | 'STALE_REV'
  | 'NOT_FOUND'
  | 'THROTTLED'
  | 'SERVER_ERROR'
  | 'INVALID_REQUEST'
  | 'INVALID_DATA'
  | 'CONNECTION_LOST'
  | 'BAD_RESPONSE'
  | 'DISCOVERY';

export class NutshellError extends Error {
  constructor(
    readonly code: NutshellErrorCode,
    message: string,
    readonly httpStatus?: number,
    readonly rpcCode?: number,
    /** A write whose outcome is unknown: the server may have applied it. */
    readonly ambiguous = false,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
  }
  get retryable(): boolean {
    return this.code === 'THROTTLED' || this.code === 'SERVER_ERROR' || this.code === 'CONNECTION_LOST';
  }
  /** What the CLI says when this ends a run. */
  toCliError(): CliError {
    const cause = { cause: this };
    if (this.ambiguous) return new CliError('AMBIGUOUS_WRITE', `${this.message}; the write may or may not have happened: run the same command again, records are found before they are written again.`, cause);
    const unreachable = this.code === 'CONNECTION_LOST' || (this.code === 'DISCOVERY' && this.cause instanceof NutshellError && this.cause.code === 'CONNECTION_LOST');
    if (unreachable) return new CliError('DESTINATION_UNREACHABLE', `${this.message}. Check NUTSHELL_API_URL (or the discovery service), the network and any proxy; a longer wait: CRM_HTTP_GIVE_UP_MS.`, cause);
    switch (this.code) {
      case 'AUTH':
        return new CliError('NUTSHELL_AUTH', `${this.message}: Nutshell refused the credentials; check NUTSHELL_USERNAME (a user's e-mail or the company domain) and NUTSHELL_API_KEY.`, cause);
      case 'DISCOVERY':
        return new CliError('NUTSHELL_DISCOVERY', this.message, cause);
      case 'METHOD_NOT_FOUND':
        return new CliError('NUTSHELL_METHOD_NOT_FOUND', this.message, cause);
      case 'BAD_RESPONSE':
        return new CliError('NUTSHELL_BAD_RESPONSE', this.message, cause);
      case 'THROTTLED':
        return new CliError('NUTSHELL_THROTTLED', `${this.message}: Nutshell kept refusing for too many requests; run the same command later, it resumes.`, cause);
      case 'SERVER_ERROR':
        return new CliError('NUTSHELL_SERVER_ERROR', `${this.message}: Nutshell kept failing; run the same command later, it resumes.`, cause);
      default:
        return new CliError('NUTSHELL_REQUEST_FAILED', `${this.message}: Nutshell refused a call that is not about one record.`, cause);
    }
  }
}

/** JSON-RPC error object (and HTTP status) -> our code. Body first, status as fallback (reference 5.1). */
export function mapError(httpStatus: number, err?: { code: number; message: string }): NutshellErrorCode {
  const c = err?.code;
  if (c === 401 || c === 403 || (!err && (httpStatus === 401 || httpStatus === 403))) return 'AUTH';
  if (c === -32601) return 'METHOD_NOT_FOUND';
  if (c === 409 || /rev key is out-of-date/i.test(err?.message ?? '')) return 'STALE_REV';
  if (c === 404 || (!err && httpStatus === 404)) return 'NOT_FOUND';
  if (c === 429 || httpStatus === 429) return 'THROTTLED';
  if ((c !== undefined && c >= 500 && c < 600) || httpStatus >= 500) return 'SERVER_ERROR';
  if (c === -32700 || c === -32600 || c === -32602) return 'INVALID_REQUEST';
  return 'INVALID_DATA';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hostOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};
const READ = /^(get|find|search|instanceData|getUpdateTimes)/;

export class NutshellClient {
  private readonly f: typeof fetch;
  private endpoint?: { url: string; until: number };
  private readonly idPrefix = randomBytes(3).toString('hex');
  private seq = 0;
  readonly counters = { calls: 0, writeCalls: 0, retries: 0 };

  constructor(private readonly opts: NutshellClientOptions) {
    this.f = opts.fetch ?? fetch;
  }

  private get authHeader() {
    return 'Basic ' + Buffer.from(`${this.opts.username}:${this.opts.apiKey}`).toString('base64');
  }

  backoffMs(attempt: number): number {
    const base = this.opts.baseDelayMs ?? 500;
    return Math.min(30_000, base * 2 ** attempt) * (0.5 + Math.random() / 2);
  }

  /** The JSON-RPC endpoint: configured, or discovered and cached for 30 minutes (docs: 10-90). */
  async apiUrl(): Promise<string> {
    if (this.opts.apiUrl) return this.opts.apiUrl;
    if (this.endpoint && this.endpoint.until > Date.now()) return this.endpoint.url;
    const discovery = this.opts.discoveryUrl ?? NUTSHELL_DISCOVERY_URL;
    const res = await this.post(discovery, 'getApiForUsername', { username: this.opts.username }, false).catch((err) => {
      throw new NutshellError('DISCOVERY', `Nutshell endpoint discovery at ${discovery} failed: ${(err as Error).message}. Set NUTSHELL_API_URL to skip discovery.`, undefined, undefined, false, { cause: err });
    });
    const host = discoverySchema.safeParse(res);
    if (!host.success) throw new NutshellError('DISCOVERY', `Nutshell endpoint discovery at ${discovery} answered without an api host`);
    // Same scheme as the discovery service: https in production, http for a local sandbox.
    const url = `${new URL(discovery).protocol}//${host.data.api}/api/v1/json`;
    this.endpoint = { url, until: Date.now() + 30 * 60_000 };
    return url;
  }

  /** One HTTP round trip; throws NutshellError; returns the validated `result`. */
  private async post(url: string, method: string, params: Record<string, unknown>, auth = true): Promise<unknown> {
    const id = `${this.idPrefix}-${++this.seq}`;
    this.counters.calls++;
    let res: Response;
    try {
      res = await this.f(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: this.authHeader } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
      });
    } catch (err) {
      // A connection never made carried no request: only a write that may have gone out is ambiguous.
      const reason = netReason(err);
      throw new NutshellError('CONNECTION_LOST', `Nutshell ${method} at ${hostOf(url)}: no answer (${reason})`, undefined, undefined, !READ.test(method) && !NOT_SENT.has(reason), { cause: err });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new NutshellError('CONNECTION_LOST', `Nutshell ${method} at ${hostOf(url)}: connection lost while reading the answer`, res.status, undefined, !READ.test(method), { cause: err });
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const env = envelope.safeParse(json);
    if (!env.success || (env.data.error == null && res.status !== 200) || (env.data.error == null && !('result' in (json as object)))) {
      // Not a JSON-RPC answer (a proxy page, a wrong URL): only statuses that mean the same
      // everywhere keep their meaning; anything else is a misconfiguration, never "not found".
      const code: NutshellErrorCode =
        res.status === 401 || res.status === 403 ? 'AUTH' : res.status === 429 ? 'THROTTLED' : res.status >= 500 ? 'SERVER_ERROR' : 'BAD_RESPONSE';
      throw new NutshellError(code, `Nutshell ${method} at ${hostOf(url)}: HTTP ${res.status}${env.success ? '' : ' with a body that is not a JSON-RPC response'}`, res.status, undefined, code === 'SERVER_ERROR' && !READ.test(method));
    }
    if (env.data.id !== undefined && env.data.id !== null && String(env.data.id) !== id)
      throw new NutshellError('BAD_RESPONSE', `Nutshell ${method} at ${hostOf(url)}: response id ${String(env.data.id)} does not match request id ${id}`, res.status);
    if (env.data.error) {
      const code = mapError(res.status, env.data.error);
      throw new NutshellError(code, `Nutshell ${method} at ${hostOf(url)}: ${env.data.error.message} (code ${env.data.error.code}, HTTP ${res.status})`, res.status, env.data.error.code, code === 'SERVER_ERROR' && !READ.test(method));
    }
    return env.data.result;
  }

  /** One JSON-RPC call with the retry policy in the header; `schema` validates the result. */
  async call<T>(method: string, params: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    const attempts = this.opts.maxAttempts ?? 5;
    const giveUp = this.opts.giveUpMs ?? 30_000;
    const write = !READ.test(method);
    if (write) this.counters.writeCalls++;
    let firstFailure: number | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.post(await this.apiUrl(), method, params);
        const parsed = schema.safeParse(result);
        if (!parsed.success)
          throw new NutshellError('BAD_RESPONSE', `Nutshell ${method}: unexpected result shape (${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
        return parsed.data;
      } catch (err) {
        if (!(err instanceof NutshellError)) throw err;
        const again = err.code === 'THROTTLED' || (err.retryable && !err.ambiguous);
        if (!again || attempt + 1 >= attempts) throw err;
        const wait = this.backoffMs(attempt);
        if (err.code === 'CONNECTION_LOST') {
          firstFailure ??= Date.now();
          if (Date.now() - firstFailure + wait > giveUp) throw err;
          this.opts.notice?.(`${err.message}; retry ${attempt + 1} in ${(wait / 1000).toFixed(1)} s, giving up ${Math.round(giveUp / 1000)} s after the first failure`);
        } else this.opts.log?.(`nutshell: ${method} ${err.code}; retry ${attempt + 1} in ${Math.round(wait)} ms`);
        this.counters.retries++;
        await sleep(wait);
      }
    }
  }

  // ---- Entity helpers (reference 4.2-4.7) ----

  create(entityType: string, entity: Record<string, unknown>): Promise<NutshellEntity> {
    const noun = NOUNS[entityType];
    if (!noun || entityType === 'Notes') throw new Error(`no newX method for ${entityType}`);
    return this.call(`new${noun}`, { [noun.toLowerCase()]: entity }, entitySchema);
  }

  newNote(entity: { entityType: string; id: number }, note: string): Promise<NutshellEntity> {
    return this.call('newNote', { entity, note }, entitySchema);
  }

  /** The full entity, or null when it does not exist. Deleted entities come back with deletedTime. */
  async get(entityType: string, id: number): Promise<NutshellEntity | null> {
    const noun = NOUNS[entityType]!;
    try {
      return await this.call(`get${noun}`, { [`${noun.toLowerCase()}Id`]: id }, entitySchema.nullable());
    } catch (err) {
      if (err instanceof NutshellError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  /**
   * Rev-guarded edit: read the current rev, edit, and on a stale rev (someone wrote in between)
   * read again and retry once (reference 8.2).
   */
  async edit(entityType: string, id: number, changes: Record<string, unknown>, rev?: string): Promise<NutshellEntity> {
    const noun = NOUNS[entityType]!;
    const key = noun.toLowerCase();
    for (let attempt = 0; ; attempt++) {
      const current = rev ?? (await this.get(entityType, id))?.rev;
      if (current === undefined) throw new NutshellError('NOT_FOUND', `${entityType} ${id} does not exist`);
      try {
        return await this.call(`edit${noun}`, { [`${key}Id`]: id, rev: current, [key]: changes }, entitySchema);
      } catch (err) {
        if (err instanceof NutshellError && err.code === 'STALE_REV' && attempt === 0) {
          rev = undefined;
          continue;
        }
        throw err;
      }
    }
  }

  /** Delete with the current rev (retried once on a stale rev). Already deleted counts as done. */
  async delete(entityType: string, id: number): Promise<'deleted' | 'already-deleted'> {
    const noun = NOUNS[entityType]!;
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(entityType, id);
      if (!current) throw new NutshellError('NOT_FOUND', `${entityType} ${id} does not exist`);
      if (current.deletedTime) return 'already-deleted';
      try {
        await this.call(`delete${noun}`, { [`${noun.toLowerCase()}Id`]: id, rev: current.rev }, z.literal(true));
        return 'deleted';
      } catch (err) {
        // A lost answer or a concurrent edit: the next round reads the truth.
        if (err instanceof NutshellError && (err.code === 'STALE_REV' || err.ambiguous) && attempt === 0) continue;
        throw err;
      }
    }
  }

  searchByEmail(email: string) {
    return this.call('searchByEmail', { emailAddressString: email }, searchByEmailSchema);
  }

  /** Every page of a find* call (1-based pages; stop at a short page). */
  async findAll<T>(method: string, schema: z.ZodType<T>, params: Record<string, unknown> = {}, limit = 100): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const rows = await this.call(method, { ...params, limit, page }, z.array(schema));
      out.push(...rows);
      if (rows.length < limit) return out;
    }
  }

  users() {
    return this.findAll('findUsers', userStubSchema, { orderBy: 'id' });
  }

  /**
   * The REST API beside the JSON-RPC endpoint (same host, same Basic auth), for what JSON-RPC
   * cannot do: creating custom fields (reference 3.11). Returns status and parsed JSON body.
   */
  async rest(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const base = this.opts.restUrl ?? (await this.apiUrl()).replace(/\/api\/v1\/json$/, '/rest');
    this.counters.calls++;
    let res: Response;
    try {
      res = await this.f(`${base}${path}`, {
        method,
        headers: { authorization: this.authHeader, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
      });
    } catch (err) {
      const reason = netReason(err);
      throw new NutshellError('CONNECTION_LOST', `Nutshell REST ${method} ${path} at ${hostOf(base)}: no answer (${reason})`, undefined, undefined, method !== 'GET' && !NOT_SENT.has(reason), { cause: err });
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.status === 401) throw new NutshellError('AUTH', `Nutshell REST ${method} ${path} at ${hostOf(base)}: HTTP 401`, 401);
    return { status: res.status, json };
  }
}

export const NOUNS: Record<string, string> = {
  Contacts: 'Contact',
  Accounts: 'Account',
  Leads: 'Lead',
  Activities: 'Activity',
  Tasks: 'Task',
  Notes: 'Note',
};
