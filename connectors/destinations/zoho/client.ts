/**
 * Zoho CRM v8 REST client: OAuth refresh-token flow, data-centre hosts, per-record outcomes, at
 * most 100 records a call, retries with backoff, a concurrency limit and a credit budget.
 * See docs/destinations.md, Zoho (sections 2, 3, 4, 6, 9, 10).
 *
 * Retry policy (docs/load.md repeats it):
 *   429 and 5xx (and 401 INVALID_TOKEN once, after a token refresh) are retried up to
 *   `maxAttempts` times. Attempt n (0-based) waits
 *       delay(n) = max(retryAfter, min(maxDelay, base * 2^n) * (0.5 + random() / 2))
 *   ("equal jitter": at least half the exponential step, so a storm of clients spreads out
 *   without any of them retrying immediately). `retryAfter` is the Retry-After header in seconds
 *   when the server sends one.
 *   Network errors and timeouts are retried the same way ONLY for calls that are safe to repeat
 *   (reads, upserts keyed on the idempotency field, updates by id, deletes, token refreshes). A
 *   plain insert that fails after the request left is ambiguous (the server may have written):
 *   it is not repeated here, the caller gets ZohoAmbiguousWriteError and must find out first.
 *   Each wait for an unreachable host is logged with the host (`notice`), and a call gives up
 *   once the next wait would take it past `giveUpMs` (CRM_HTTP_GIVE_UP_MS, default 30 s) from its
 *   first failure, or after maxAttempts: DESTINATION_UNREACHABLE names the host. A host name that
 *   does not resolve (ENOTFOUND) is not retried.
 *
 * The token endpoint's refusals (invalid_client, invalid_client_secret, invalid_code: a revoked
 * or wrong refresh token) are not retried: ZOHO_AUTH says which credential to check. Only its
 * "Access Denied" (too many refreshes) is waited out.
 */
import { z } from 'zod';
import pLimit from 'p-limit';
import { BulkWriteRefused, type RecordOutcome } from '../../../engine/destination.ts';
import { registerSecret } from '../../../engine/secrets.ts';
import { CliError } from '../../../engine/errors.ts';
import { netReason } from '../../../engine/error-map.ts';

export interface ZohoCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** Spends destination API credits; throws (e.g. CreditBudgetError) to stop before a call. */
export interface CreditMeter {
  spend(call: string, credits: number): Promise<void>;
  /** The server's X-API-CREDITS-REMAINING, when it sends one. */
  remaining?(credits: number): void;
}

export interface ZohoClientOptions {
  accountsUrl: string;
  apiDomain: string;
  /** File host for Bulk Write uploads (content.zohoapis.<dc>); defaults to the API domain. */
  uploadUrl?: string;
  credentials: ZohoCredentials;
  fetch?: typeof fetch;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  now?: () => number;
  /** Simultaneous calls in flight (Zoho: 5 Free .. 25 Ultimate; the heavy-call sub-pool is 10). */
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  credits?: CreditMeter;
  /** Retry details (every 429 and 5xx wait); verbose, for CRM_MIGRATE_DEBUG. */
  log?: (msg: string) => void;
  /** What a person waiting should see: each wait for an unreachable host, with the host. */
  notice?: (msg: string) => void;
  /** A call facing an unreachable host gives up this long after its first failure (default 30 s). */
  giveUpMs?: number;
}

/** What to check for each refusal of the token endpoint (reference §2.2). */
const OAUTH_ADVICE: Record<string, string> = {
  invalid_client: 'ZOHO_CLIENT_ID is not known to this data centre: check it, and that ZOHO_ACCOUNTS_URL is the data centre of the org (accounts.zoho.com, .eu, .in, .com.au, .jp, .ca)',
  invalid_client_secret: 'ZOHO_CLIENT_SECRET does not belong to ZOHO_CLIENT_ID',
  invalid_code: 'ZOHO_REFRESH_TOKEN was revoked, regenerated or is wrong (or belongs to another client or data centre): create a new one',
  unauthorized_client: 'the client may not use the refresh-token grant: check the client type in the Zoho API console',
};

export const ZOHO_MAX_BATCH = 100;

const tokenResponse = z.union([
  z.object({ access_token: z.string(), expires_in: z.number(), api_domain: z.string().optional() }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);

const itemResult = z.object({
  code: z.string(),
  status: z.string(),
  message: z.string().optional(),
  action: z.string().optional(),
  details: z.record(z.string(), z.unknown()).nullish(),
});
const writeResponse = z.object({ data: z.array(itemResult) });
const topError = z.object({ code: z.string(), message: z.string().optional(), status: z.literal('error') });
const userSchema = z.object({ id: z.coerce.string(), email: z.string(), full_name: z.string().optional(), status: z.string().optional() });
const usersResponse = z.object({ users: z.array(userSchema), info: z.object({ more_records: z.boolean().optional() }).partial().optional() });
const fieldSchema = z.object({
  id: z.coerce.string().optional(),
  api_name: z.string(),
  field_label: z.string().optional(),
  data_type: z.string(),
  custom_field: z.boolean().optional(),
  unique: z.unknown().optional(),
  length: z.number().nullish(),
  system_mandatory: z.boolean().nullish(),
  read_only: z.boolean().nullish(),
  textarea: z.object({ type: z.string().nullish() }).partial().nullish(),
  pick_list_values: z.array(z.object({ display_value: z.string(), actual_value: z.string().optional() })).nullish(),
});
const fieldsResponse = z.object({ fields: z.array(fieldSchema) });
const layoutsResponse = z.object({
  layouts: z.array(
    z.object({
      name: z.string().optional(),
      status: z.string().optional(),
      sections: z.array(z.object({ fields: z.array(z.object({ api_name: z.string(), required: z.boolean().nullish() })).nullish() })).nullish(),
    }),
  ),
});
const moduleSchema = z.object({
  api_name: z.string(),
  plural_label: z.string().optional(),
  module_name: z.string().optional(),
  generated_type: z.string().optional(),
  api_supported: z.boolean().optional(),
});
const modulesResponse = z.object({ modules: z.array(moduleSchema) });
const settingsWrite = (key: string) => z.object({ [key]: z.array(itemResult) });
const attachmentsResponse = z.object({
  data: z.array(z.object({ id: z.coerce.string(), File_Name: z.string().optional(), Size: z.union([z.string(), z.number()]).nullish() })),
});
const uploadResponse = z.object({ status: z.string(), code: z.string(), details: z.object({ file_id: z.coerce.string() }).partial().optional() });
const bulkCreateResponse = z.object({ status: z.string(), code: z.string(), details: z.object({ id: z.coerce.string() }) });
const bulkJobResponse = z.object({
  status: z.string(),
  resource: z.array(z.object({ status: z.string().optional(), file: z.object({ added_count: z.number().optional(), total_count: z.number().optional() }).partial().optional() })).optional(),
  result: z.object({ download_url: z.string() }).optional(),
});

/** An HTTP-level failure of a call (not a per-record error). */
export class ZohoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500 || this.code === 'INVALID_TOKEN';
  }
  /** What the CLI says when this ends a run. */
  toCliError(): CliError {
    if (this.code === 'OAUTH_SCOPE_MISMATCH' || this.code === 'AUTHORIZATION_FAILED' || this.code === 'NO_PERMISSION' || this.status === 403)
      return new CliError('ZOHO_PERMISSION', `${this.message}: the Zoho user or the refresh token's scopes may not do this; see docs/errors.md for the scopes needed.`, { cause: this });
    if (this.status === 401 || this.code === 'INVALID_TOKEN' || this.code === 'AUTHENTICATION_FAILURE')
      return new CliError('ZOHO_AUTH', `${this.message}: Zoho no longer accepts the credentials; check ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN.`, { cause: this });
    if (this.status === 429 || this.code === 'OAUTH_THROTTLED')
      return new CliError('ZOHO_THROTTLED', `${this.message}: Zoho kept refusing for too many requests; run the same command later, it resumes.`, { cause: this });
    if (this.status >= 500) return new CliError('ZOHO_SERVER_ERROR', `${this.message}: Zoho kept failing; run the same command later, it resumes.`, { cause: this });
    return new CliError('ZOHO_REQUEST_FAILED', `${this.message}: Zoho refused a call that is not about one record (its code is in the message).`, { cause: this });
  }
}

/** The connection failed after a non-repeatable write was sent: it may or may not have happened. */
export class ZohoAmbiguousWriteError extends CliError {
  constructor(message: string) {
    super('AMBIGUOUS_WRITE', message);
  }
}

/** A response that does not have the shape the reference documents. */
export class ZohoResponseError extends CliError {
  constructor(message: string) {
    super('ZOHO_BAD_RESPONSE', message);
  }
}

interface CallOptions {
  body?: unknown;
  /** Safe to send again after a network error (reads, upserts by key, updates by id). */
  repeatable: boolean;
  /** Credits this call costs (Zoho §9.2). */
  credits: number;
  /** Multipart body instead of JSON. */
  form?: FormData;
  headers?: Record<string, string>;
  baseUrl?: string;
}

export interface CallStats {
  calls: number;
  writeCalls: number;
  recordsWritten: number;
  retries: number;
  tokenRefreshes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ZohoClient {
  private token?: { value: string; expiresAt: number; margin: number };
  private refreshing?: Promise<string>;
  private readonly f: typeof fetch;
  private readonly now: () => number;
  private readonly limit: ReturnType<typeof pLimit>;
  readonly stats: CallStats = { calls: 0, writeCalls: 0, recordsWritten: 0, retries: 0, tokenRefreshes: 0 };
  constructor(private readonly opts: ZohoClientOptions) {
    this.f = opts.fetch ?? fetch;
    this.now = opts.now ?? Date.now;
    this.limit = pLimit(opts.concurrency ?? 10);
  }

  /** delay(n) = max(retryAfter, min(maxDelay, base * 2^n) * (0.5 + random()/2)); see the header. */
  backoffMs(attempt: number, retryAfterMs?: number): number {
    const base = this.opts.baseDelayMs ?? 500;
    const cap = this.opts.maxDelayMs ?? 30_000;
    const step = Math.min(cap, base * 2 ** attempt);
    const jittered = step * (0.5 + (this.opts.random ?? Math.random)() / 2);
    return Math.max(retryAfterMs ?? 0, jittered);
  }

  /** Access token, refreshed when missing or within a minute of expiry (cached, never per request). */
  async accessToken(force = false): Promise<string> {
    if (!force && this.token && this.token.expiresAt - this.token.margin > this.now()) return this.token.value;
    // One refresh at a time: concurrent callers share it (Zoho throttles refreshes, §2.2).
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.opts.credentials.clientId,
      client_secret: this.opts.credentials.clientSecret,
      refresh_token: this.opts.credentials.refreshToken,
    });
    const url = `${this.opts.accountsUrl.replace(/\/$/, '')}/oauth/v2/token`;
    const max = this.opts.maxAttempts ?? 8;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.f(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
        });
      } catch (err) {
        // Refreshing is repeatable: a lost response only costs one more token.
        await this.waitForHost('token refresh', url, err, attempt, started);
        continue;
      }
      const text = await res.text().catch(() => '');
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      const parsed = tokenResponse.safeParse(json);
      const refusal = parsed.success && 'error' in parsed.data ? parsed.data.error : undefined;
      // Zoho answers too many refreshes with HTTP 400 "Access Denied": waited out like a 429.
      const throttled = res.status === 429 || res.status >= 500 || (res.status === 400 && (refusal === undefined || /access denied/i.test(refusal)));
      if (throttled) {
        if (attempt + 1 >= max) throw new ZohoHttpError(res.status, 'OAUTH_THROTTLED', `Zoho token refresh at ${new URL(url).host} failed: HTTP ${res.status}${refusal ? ` ${refusal}` : ''} (after ${max} attempts)`);
        this.stats.retries++;
        const wait = this.backoffMs(attempt);
        this.opts.log?.(`zoho: token refresh HTTP ${res.status}; retry ${attempt + 1} in ${Math.round(wait)} ms`);
        await sleep(wait);
        continue;
      }
      if (!parsed.success) throw new ZohoResponseError(`Zoho token endpoint ${url} answered HTTP ${res.status} with an unexpected body`);
      const json2 = parsed.data;
      if ('error' in json2) {
        // Never echo the credentials: only the code Zoho returned, and which setting to check.
        const advice = OAUTH_ADVICE[json2.error] ?? 'check ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN and ZOHO_ACCOUNTS_URL (data centre)';
        throw new CliError('ZOHO_AUTH', `Zoho (${new URL(url).host}) refused the credentials: ${json2.error.slice(0, 100)}. ${advice}.`);
      }
      registerSecret(json2.access_token);
      this.stats.tokenRefreshes++;
      // Refresh a minute early (a tenth of the lifetime for short-lived tokens) so no call carries a dying token.
      this.token = { value: json2.access_token, expiresAt: this.now() + json2.expires_in * 1000, margin: Math.min(60_000, json2.expires_in * 100) };
      return json2.access_token;
    }
  }

  /**
   * After a call to `url` got no answer: wait (saying so, with the host) and return, or throw
   * DESTINATION_UNREACHABLE when the host name does not resolve, the attempts are spent, or the
   * next wait would end past giveUpMs from the first failure.
   */
  private async waitForHost(what: string, url: string, err: unknown, attempt: number, started: number): Promise<void> {
    const host = new URL(url).origin;
    const reason = netReason(err);
    const giveUp = this.opts.giveUpMs ?? 30_000;
    const max = this.opts.maxAttempts ?? 8;
    const wait = this.backoffMs(attempt);
    const spent = Date.now() - started;
    if (reason === 'ENOTFOUND' || attempt + 1 >= max || spent + wait > giveUp)
      throw new CliError(
        'DESTINATION_UNREACHABLE',
        `Zoho at ${host} is unreachable (${what}: ${reason}; ${attempt + 1} attempt(s) over ${Math.round(spent / 1000)} s). ` +
          `Check ZOHO_ACCOUNTS_URL / ZOHO_API_DOMAIN, the network and any proxy; a longer wait: CRM_HTTP_GIVE_UP_MS.`,
        { cause: err },
      );
    this.stats.retries++;
    this.opts.notice?.(`zoho: ${host} unreachable (${what}: ${reason}); retry ${attempt + 1} in ${(wait / 1000).toFixed(1)} s, giving up ${Math.round(giveUp / 1000)} s after the first failure`);
    await sleep(wait);
  }

  /**
   * One API call with the retry policy above. Resolves with any response that carries a `data`
   * array (per-record results, even on 400/207) or a 2xx; throws ZohoHttpError otherwise.
   */
  async call(method: string, path: string, o: CallOptions): Promise<{ status: number; json: unknown; headers: Headers }> {
    const max = this.opts.maxAttempts ?? 8;
    let authRefreshes = 0;
    let firstFailure: number | undefined;
    const url = `${(o.baseUrl ?? this.opts.apiDomain).replace(/\/$/, '')}${path.startsWith('/crm/') ? '' : '/crm/v8'}${path}`;
    for (let attempt = 0; ; attempt++) {
      await this.opts.credits?.spend(`${method} ${path.split('?')[0]}`, o.credits);
      const token = await this.accessToken();
      let res: Response;
      let text: string;
      try {
        ({ res, text } = await this.limit(async () => {
          this.stats.calls++;
          const r = await this.f(url, {
            method,
            headers: {
              authorization: `Zoho-oauthtoken ${token}`,
              ...(o.form ? {} : o.body === undefined ? {} : { 'content-type': 'application/json' }),
              ...(o.headers ?? {}),
            },
            body: o.form ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
            signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
          });
          return { res: r, text: await r.text() };
        }));
      } catch (err) {
        // No response (connection reset, timeout): did the server act? Only repeat what is safe.
        if (!o.repeatable) throw new ZohoAmbiguousWriteError(`Zoho ${method} ${path.split('?')[0]} at ${new URL(url).host}: connection lost before the answer (${netReason(err)}); the write may or may not have happened`);
        firstFailure ??= Date.now();
        await this.waitForHost(`${method} ${path.split('?')[0]}`, url, err, attempt, firstFailure);
        continue;
      }
      const remaining = Number(res.headers.get('x-api-credits-remaining'));
      if (res.headers.has('x-api-credits-remaining') && Number.isFinite(remaining)) this.opts.credits?.remaining?.(remaining);
      let json: unknown = null;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
      }
      if (res.status === 401 && authRefreshes < max) {
        const e = topError.safeParse(json);
        if (e.success && e.data.code === 'INVALID_TOKEN') {
          // Expired or revoked mid-run: refresh and repeat (nothing was written); at most
          // maxAttempts times, so a credential that keeps failing surfaces instead of looping.
          authRefreshes++;
          if (this.token?.value === token) this.token = undefined;
          await this.accessToken(false);
          attempt--;
          continue;
        }
      }
      const hasData = !!json && typeof json === 'object' && Array.isArray((json as { data?: unknown }).data);
      if (res.status < 400 || (hasData && res.status < 500)) return { status: res.status, json, headers: res.headers };
      const e = topError.safeParse(json);
      const ra = Number(res.headers.get('retry-after'));
      const retryAfterMs = Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined;
      const err = new ZohoHttpError(
        res.status,
        e.success ? e.data.code : `HTTP_${res.status}`,
        `Zoho ${method} ${path.split('?')[0]}: HTTP ${res.status} ${e.success ? `${e.data.code} ${e.data.message ?? ''}` : ''}`.trim(),
        retryAfterMs,
      );
      // A 5xx on a non-repeatable write is as ambiguous as a dropped connection.
      if (res.status >= 500 && !o.repeatable) throw new ZohoAmbiguousWriteError(`${err.message}; the write may or may not have happened`);
      if ((res.status === 429 || res.status >= 500) && attempt + 1 < max) {
        this.stats.retries++;
        const wait = this.backoffMs(attempt, retryAfterMs);
        this.opts.log?.(`zoho: ${method} ${path.split('?')[0]} HTTP ${res.status}; retry ${attempt + 1} in ${Math.round(wait)} ms`);
        await sleep(wait);
        continue;
      }
      throw err;
    }
  }

  /** Kept for callers of the first version: a repeatable call costing one credit. */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; headers: Headers }> {
    return this.call(method, path, { body, repeatable: method !== 'POST', credits: 1 });
  }

  /** Zoho's message with what its details add (the length, type or options it wanted), for the reject's reason. */
  static detailed(message: string | undefined, d: Record<string, unknown>): string | undefined {
    const extra: string[] = [];
    if (d.maximum_length !== undefined) extra.push(`maximum length ${String(d.maximum_length)}`);
    if (d.expected_data_type !== undefined) extra.push(`expected ${String(d.expected_data_type)}`);
    if (Array.isArray(d.supported_values)) extra.push(`supported values: ${d.supported_values.map(String).join(', ')}`);
    return extra.length ? `${message ?? ''} (${extra.join('; ')})` : message;
  }

  static outcomes(json: unknown, expected: number): RecordOutcome[] {
    const parsed = writeResponse.safeParse(json);
    if (!parsed.success) throw new ZohoResponseError(`Zoho write response has no data array: ${parsed.error.issues[0]?.message ?? ''}`);
    if (parsed.data.data.length !== expected) throw new ZohoResponseError(`Zoho answered ${parsed.data.data.length} results for ${expected} records`);
    return parsed.data.data.map((r) => {
      const d = r.details ?? {};
      return {
        ok: r.status === 'success',
        id: r.status === 'success' ? String(d.id ?? '') : (d.id as string | undefined),
        code: r.code,
        message: ZohoClient.detailed(r.message, d),
        action: r.action,
        field: (d.api_name as string | undefined) ?? undefined,
        retryable: r.code === 'RECORD_LOCKED' || r.code === 'INTERNAL_ERROR' || r.code === 'TOO_MANY_REQUESTS',
      } as RecordOutcome;
    });
  }

  private write(n: number) {
    this.stats.writeCalls++;
    this.stats.recordsWritten += n;
    return Math.max(1, Math.ceil(n / 10));
  }

  /** Plain insert. Not repeatable: a lost answer raises ZohoAmbiguousWriteError. */
  async insert(module: string, records: Record<string, unknown>[]): Promise<RecordOutcome[]> {
    if (records.length > ZOHO_MAX_BATCH) throw new Error(`at most ${ZOHO_MAX_BATCH} records per call`);
    const { json } = await this.call('POST', `/${module}`, { body: { data: records, trigger: [] }, repeatable: false, credits: this.write(records.length) });
    return ZohoClient.outcomes(json, records.length);
  }

  /** Upsert keyed on unique fields: repeating it cannot duplicate, so it is retried after network errors. */
  async upsert(module: string, records: Record<string, unknown>[], duplicateCheckFields: string[]): Promise<RecordOutcome[]> {
    if (records.length > ZOHO_MAX_BATCH) throw new Error(`at most ${ZOHO_MAX_BATCH} records per call`);
    const { json } = await this.call('POST', `/${module}/upsert`, {
      body: { data: records, duplicate_check_fields: duplicateCheckFields, trigger: [] },
      repeatable: true,
      credits: this.write(records.length),
    });
    return ZohoClient.outcomes(json, records.length);
  }

  async update(module: string, records: ({ id: string } & Record<string, unknown>)[]): Promise<RecordOutcome[]> {
    if (records.length > ZOHO_MAX_BATCH) throw new Error(`at most ${ZOHO_MAX_BATCH} records per call`);
    const { json } = await this.call('PUT', `/${module}`, { body: { data: records, trigger: [] }, repeatable: true, credits: this.write(records.length) });
    return ZohoClient.outcomes(json, records.length);
  }

  async delete(module: string, ids: string[]): Promise<RecordOutcome[]> {
    const { json } = await this.call('DELETE', `/${module}?ids=${ids.map(encodeURIComponent).join(',')}&wf_trigger=false`, { repeatable: true, credits: 1 });
    return ZohoClient.outcomes(json, ids.length);
  }

  async get(module: string, id: string): Promise<Record<string, unknown> | null> {
    try {
      const { status, json } = await this.call('GET', `/${module}/${encodeURIComponent(id)}`, { repeatable: true, credits: 1 });
      if (status === 204 || !json) return null;
      const rec = (json as { data?: Record<string, unknown>[] }).data?.[0];
      return rec ?? null;
    } catch (err) {
      if (err instanceof ZohoHttpError && (err.status === 404 || err.code === 'INVALID_DATA')) return null;
      throw err;
    }
  }

  /** Records whose `field` equals `value` (search; used to find out whether a write happened). */
  async searchEquals(module: string, field: string, value: string): Promise<{ id: string }[]> {
    const esc = value.replace(/([(),\\])/g, '\\$1');
    const { status, json } = await this.call('GET', `/${module}/search?criteria=${encodeURIComponent(`(${field}:equals:${esc})`)}`, { repeatable: true, credits: 1 });
    if (status === 204 || !json) return [];
    const parsed = z.object({ data: z.array(z.object({ id: z.coerce.string() }).passthrough()) }).safeParse(json);
    if (!parsed.success) throw new ZohoResponseError(`Zoho search response has no data array`);
    return parsed.data.data;
  }

  /** COQL: ids of records whose `field` equals `value` (read-after-write consistent, unlike search). */
  async coqlEquals(module: string, field: string, value: string): Promise<string[]> {
    const q = `select id from ${module} where ${field} = '${value.replace(/'/g, "''")}' limit 0, 10`;
    const { status, json } = await this.call('POST', `/coql`, { body: { select_query: q }, repeatable: true, credits: 1 });
    if (status === 204 || !json) return [];
    const p = z.object({ data: z.array(z.object({ id: z.coerce.string() }).passthrough()) }).safeParse(json);
    if (!p.success) throw new ZohoResponseError('Zoho COQL response has no data array');
    return p.data.data.map((r) => r.id);
  }

  /**
   * Ids of every record whose `field` starts with `prefix`, by COQL pages of 2,000 walked by the
   * key itself (offsets stop at 100,000; a key range has no such limit).
   */
  async *coqlIdsByPrefix(module: string, field: string, prefix: string): AsyncGenerator<string[]> {
    const esc = (s: string) => s.replace(/'/g, "''");
    let after = '';
    for (;;) {
      const q = `select id, ${field} from ${module} where ${field} like '${esc(prefix)}%'${after ? ` and ${field} > '${esc(after)}'` : ''} order by ${field} asc limit 0, 2000`;
      const { status, json } = await this.call('POST', `/coql`, { body: { select_query: q }, repeatable: true, credits: 3 });
      if (status === 204 || !json) return;
      const p = z.object({ data: z.array(z.object({ id: z.coerce.string() }).passthrough()) }).safeParse(json);
      if (!p.success) throw new ZohoResponseError('Zoho COQL response has no data array');
      if (!p.data.data.length) return;
      yield p.data.data.map((r) => r.id);
      if (p.data.data.length < 2000) return;
      after = String(p.data.data[p.data.data.length - 1]![field]);
    }
  }

  async users(): Promise<{ id: string; email: string; full_name?: string; status?: string }[]> {
    const out: { id: string; email: string; full_name?: string; status?: string }[] = [];
    for (let page = 1; ; page++) {
      const { status, json } = await this.call('GET', `/users?type=AllUsers&page=${page}&per_page=200`, { repeatable: true, credits: 1 });
      if (status === 204 || !json) break;
      const body = usersResponse.safeParse(json);
      if (!body.success) throw new ZohoResponseError(`Zoho users response: ${body.error.issues[0]?.message}`);
      out.push(...body.data.users);
      if (!body.data.info?.more_records) break;
    }
    return out;
  }

  // ---- Metadata (§6) ----

  async modules(): Promise<z.infer<typeof moduleSchema>[]> {
    const { status, json } = await this.call('GET', `/settings/modules`, { repeatable: true, credits: 1 });
    if (status === 204 || !json) return [];
    const p = modulesResponse.safeParse(json);
    if (!p.success) throw new ZohoResponseError(`Zoho modules response: ${p.error.issues[0]?.message}`);
    return p.data.modules;
  }

  async createModule(m: { apiName: string; label: string; profileIds: string[] }): Promise<RecordOutcome> {
    const body = {
      modules: [{ plural_label: m.label, singular_label: m.label.replace(/s$/, ''), api_name: m.apiName, profiles: m.profileIds.map((id) => ({ id })), display_field: { field_label: `${m.label.replace(/s$/, '')} Name`, data_type: 'text' } }],
    };
    try {
      const { json } = await this.call('POST', `/settings/modules`, { body, repeatable: false, credits: 500 });
      const p = settingsWrite('modules').safeParse(json);
      if (!p.success) throw new ZohoResponseError('Zoho module create response has no modules array');
      const r = (p.data.modules as z.infer<typeof itemResult>[])[0]!;
      return { ok: r.status === 'success', id: String(r.details?.id ?? ''), code: r.code, message: r.message };
    } catch (err) {
      if (err instanceof ZohoHttpError && err.status >= 400 && err.status < 500) return { ok: false, code: err.code, message: err.message };
      throw err;
    }
  }

  async profiles(): Promise<{ id: string; name: string }[]> {
    const { status, json } = await this.call('GET', `/settings/profiles`, { repeatable: true, credits: 1 });
    if (status === 204 || !json) return [];
    const p = z.object({ profiles: z.array(z.object({ id: z.coerce.string(), name: z.string() })) }).safeParse(json);
    return p.success ? p.data.profiles : [];
  }

  async fields(module: string): Promise<z.infer<typeof fieldSchema>[]> {
    const { status, json } = await this.call('GET', `/settings/fields?module=${encodeURIComponent(module)}`, { repeatable: true, credits: 1 });
    if (status === 204 || !json) return [];
    const p = fieldsResponse.safeParse(json);
    if (!p.success) throw new ZohoResponseError(`Zoho fields response for ${module}: ${p.error.issues[0]?.message}`);
    return p.data.fields;
  }

  /** Layouts of a module: a field a layout marks `required` is mandatory on insert (reference §6.3, §4.1). */
  async layouts(module: string): Promise<z.infer<typeof layoutsResponse>['layouts']> {
    const { status, json } = await this.call('GET', `/settings/layouts?module=${encodeURIComponent(module)}`, { repeatable: true, credits: 1 });
    if (status === 204 || !json) return [];
    const p = layoutsResponse.safeParse(json);
    if (!p.success) throw new ZohoResponseError(`Zoho layouts response for ${module}: ${p.error.issues[0]?.message}`);
    return p.data.layouts;
  }

  /** Create up to 5 fields per call (§6.4). */
  async createFields(module: string, fields: Record<string, unknown>[]): Promise<RecordOutcome[]> {
    const out: RecordOutcome[] = [];
    for (let i = 0; i < fields.length; i += 5) {
      const part = fields.slice(i, i + 5);
      try {
        const { json } = await this.call('POST', `/settings/fields?module=${encodeURIComponent(module)}`, { body: { fields: part }, repeatable: false, credits: 1 });
        const p = settingsWrite('fields').safeParse(json);
        if (!p.success) throw new ZohoResponseError('Zoho field create response has no fields array');
        for (const r of p.data.fields as z.infer<typeof itemResult>[]) out.push({ ok: r.status === 'success', id: r.details?.id as string | undefined, code: r.code, message: r.message });
      } catch (err) {
        if (err instanceof ZohoHttpError && err.status >= 400 && err.status < 500) for (const _ of part) out.push({ ok: false, code: err.code, message: err.message });
        else throw err;
      }
    }
    return out;
  }

  /** Append picklist options (§6.5; existing options are kept). */
  async addPicklistValues(module: string, fieldId: string, values: string[]): Promise<RecordOutcome> {
    try {
      const { json } = await this.call('PATCH', `/settings/fields/${encodeURIComponent(fieldId)}?module=${encodeURIComponent(module)}`, {
        body: { fields: [{ pick_list_values: values.map((v) => ({ display_value: v, actual_value: v })) }] },
        repeatable: true,
        credits: 1,
      });
      const p = settingsWrite('fields').safeParse(json);
      const r = p.success ? (p.data.fields as z.infer<typeof itemResult>[])[0] : undefined;
      return { ok: r ? r.status === 'success' : true, code: r?.code ?? 'SUCCESS', message: r?.message };
    } catch (err) {
      if (err instanceof ZohoHttpError && err.status >= 400 && err.status < 500) return { ok: false, code: err.code, message: err.message };
      throw err;
    }
  }

  // ---- Lead conversion (§8) ----

  /**
   * POST /Leads/{id}/actions/convert. Sent again after a lost answer: a conversion that did
   * happen then answers ID_ALREADY_CONVERTED, and the lead itself names what it became
   * (Converted_Contact / Converted_Account / Converted_Deal), so a repeat cannot convert twice.
   */
  async convertLead(id: string, body: Record<string, unknown>): Promise<RecordOutcome & { contactId?: string; accountId?: string; dealId?: string }> {
    const { json } = await this.call('POST', `/Leads/${encodeURIComponent(id)}/actions/convert`, { body: { data: [body] }, repeatable: true, credits: 5 });
    this.stats.writeCalls++;
    this.stats.recordsWritten++;
    const p = writeResponse.safeParse(json);
    if (!p.success || p.data.data.length !== 1) throw new ZohoResponseError(`Zoho convert response has no single data item: ${p.success ? p.data.data.length : p.error.issues[0]?.message}`);
    const r = p.data.data[0]!;
    const idOf = (k: string) => {
      const v = (r.details as Record<string, unknown> | null | undefined)?.[k];
      return v && typeof v === 'object' && 'id' in v && v.id != null ? String(v.id) : undefined;
    };
    if (r.status === 'success') return { ok: true, id, code: r.code, message: r.message, contactId: idOf('Contacts'), accountId: idOf('Accounts'), dealId: idOf('Deals') };
    const out = { ok: false, id, code: r.code, message: r.message, field: (r.details?.api_name as string | undefined) ?? undefined, retryable: r.code === 'RECORD_LOCKED' || r.code === 'INTERNAL_ERROR' };
    if (r.code === 'ID_ALREADY_CONVERTED') {
      const lead = await this.get('Leads', id);
      const ref = (k: string) => {
        const v = lead?.[k];
        return v && typeof v === 'object' && 'id' in v && (v as { id: unknown }).id != null ? String((v as { id: unknown }).id) : undefined;
      };
      return { ...out, contactId: ref('Converted_Contact'), accountId: ref('Converted_Account'), dealId: ref('Converted_Deal') };
    }
    return out;
  }

  // ---- Attachments (§5.9) ----

  async uploadAttachment(module: string, parentId: string, file: { name: string; contentType: string; data: Buffer }): Promise<RecordOutcome> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.data)], { type: file.contentType }), file.name);
    const { json } = await this.call('POST', `/${module}/${encodeURIComponent(parentId)}/Attachments`, { form, repeatable: false, credits: 1 });
    return ZohoClient.outcomes(json, 1)[0]!;
  }

  async listAttachments(module: string, parentId: string): Promise<{ id: string; name: string; size?: number }[]> {
    const { status, json } = await this.call('GET', `/${module}/${encodeURIComponent(parentId)}/Attachments?fields=id,File_Name,Size`, { repeatable: true, credits: 1 });
    if (status === 204 || !json) return [];
    const p = attachmentsResponse.safeParse(json);
    if (!p.success) throw new ZohoResponseError(`Zoho attachments response: ${p.error.issues[0]?.message}`);
    return p.data.data.map((a) => ({ id: a.id, name: a.File_Name ?? '', size: a.Size == null ? undefined : Number(a.Size) }));
  }

  // ---- Bulk Write (§10.1) ----

  /** Upload a zip (one CSV) to the file host; returns its file_id. */
  async bulkUpload(zip: Buffer, name: string, orgId: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), name);
    const { json } = await this.call('POST', `/crm/v8/upload`, { form, repeatable: true, credits: 0, headers: { feature: 'bulk-write', 'X-CRM-ORG': orgId }, baseUrl: this.opts.uploadUrl });
    const p = uploadResponse.safeParse(json);
    if (!p.success || !p.data.details?.file_id) throw new ZohoResponseError('Zoho bulk upload response has no file_id');
    return p.data.details.file_id;
  }

  async bulkCreateJob(module: string, fileId: string, columns: string[], findBy: string, formats: Record<string, string> = {}): Promise<string> {
    const body = {
      operation: 'upsert',
      ignore_empty: true,
      character_encoding: 'UTF-8',
      resource: [{ type: 'data', module: { api_name: module }, file_id: fileId, find_by: findBy, field_mappings: columns.map((c, index) => (c.endsWith('.id') ? { api_name: c.slice(0, -3), index, find_by: 'id' } : { api_name: c, index, ...(formats[c] ? { format: formats[c] } : {}) })) }],
    };
    // Repeating a job creation would run the upsert twice: harmless (keyed), so it is repeatable.
    const { json } = await this.call('POST', `/crm/bulk/v8/write`, { body, repeatable: true, credits: 500 });
    const p = bulkCreateResponse.safeParse(json);
    if (!p.success) throw new ZohoResponseError('Zoho bulk write job response has no id');
    return p.data.details.id;
  }

  async bulkJob(jobId: string): Promise<z.infer<typeof bulkJobResponse>> {
    const { json } = await this.call('GET', `/crm/bulk/v8/write/${encodeURIComponent(jobId)}`, { repeatable: true, credits: 1 });
    const p = bulkJobResponse.safeParse(json);
    if (!p.success) throw new ZohoResponseError(`Zoho bulk job response: ${p.error.issues[0]?.message}`);
    return p.data;
  }

  /** Download a finished job's result zip (download_url is relative to the API domain's host). */
  async bulkResult(downloadUrl: string): Promise<Buffer> {
    const token = await this.accessToken();
    const url = /^https?:/.test(downloadUrl) ? downloadUrl : `${this.opts.apiDomain.replace(/\/$/, '')}${downloadUrl.startsWith('/') ? '' : '/'}${downloadUrl}`;
    const res = await this.f(url, { headers: { authorization: `Zoho-oauthtoken ${token}` }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000) });
    if (!res.ok) throw new ZohoHttpError(res.status, `HTTP_${res.status}`, `Zoho bulk result download: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  async org(): Promise<{ id: string; zgid?: string }> {
    const { json } = await this.call('GET', `/org`, { repeatable: true, credits: 1 });
    const p = z.object({ org: z.array(z.object({ id: z.coerce.string(), zgid: z.coerce.string().optional() })) }).safeParse(json);
    if (!p.success || !p.data.org[0]) throw new ZohoResponseError('Zoho org response has no org');
    return p.data.org[0];
  }
}

/**
 * Modules Zoho documents as taking Bulk Write jobs (the create-job page's module list, by API
 * name), besides custom modules. Calls, Events, Notes and Attachments are not among them: a job
 * for them is refused with MODULE_NOT_AVAILABLE.
 */
export const ZOHO_BULK_WRITE_MODULES: ReadonlySet<string> = new Set([
  'Leads', 'Accounts', 'Contacts', 'Deals', 'Campaigns', 'Cases', 'Solutions', 'Products', 'Vendors',
  'Price_Books', 'Tasks', 'Quotes', 'Sales_Orders', 'Purchase_Orders', 'Invoices',
]);

/** Whether module metadata (GET /settings/modules) says the module takes Bulk Write jobs. */
export function zohoBulkWritable(m: { api_name: string; api_supported?: boolean; generated_type?: string } | undefined): boolean {
  if (!m || m.api_supported === false) return false;
  return m.generated_type === 'custom' || ZOHO_BULK_WRITE_MODULES.has(m.api_name);
}

/**
 * Wait before poll n+1 of a bulk job (n from 0; the first poll goes right after the job is
 * created): 1 s, 2 s, 4 s ... up to 30 s. A small job is seen done within a second or two of
 * finishing instead of at the next fixed long wait.
 */
export function bulkPollDelayMs(n: number, firstMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(n, 30));
}

export interface BulkJobOptions {
  /** First wait between polls (default 1 s; doubles up to maxPollMs). */
  firstPollMs?: number;
  maxPollMs?: number;
  /** Called before each wait with the poll number and the wait (tests read the schedule). */
  onPoll?: (n: number, waitMs: number) => void;
}

/**
 * Large objects through Bulk Write (§10.1): one CSV (the key column first, so it comes back in
 * the result), zipped, uploaded, one upsert job keyed on `keyField`, polled with backoff from
 * 1 s until done, and the result CSV mapped back to one outcome per input record (by key). A
 * record the result does not mention is reported retryable, so the engine sends it again
 * through the records API (an upsert by key: no duplicate even if the job did write it).
 * An upload or job the API refuses (4xx: MODULE_NOT_AVAILABLE, a missing bulk scope, a file
 * over the limits) wrote nothing: BulkWriteRefused, and the engine sends the records in batches.
 */
export async function bulkUpsertViaJob(client: ZohoClient, module: string, records: Record<string, unknown>[], keyField: string, opts: BulkJobOptions = {}): Promise<RecordOutcome[]> {
  // A polymorphic lookup (What_Id with its $se_module) has no column mapping in a Bulk Write
  // CSV (reference §10.1 maps a lookup by id or a field, never its module): such records go in
  // batches, where the records API takes $se_module.
  if (records.some((r) => r.$se_module !== undefined))
    throw new BulkWriteRefused(module, 'BULK_UNMAPPABLE', `${module} records carry a polymorphic lookup (What_Id + $se_module) that a Bulk Write CSV cannot map`);
  const { writeZip: zipFiles, readZip: unzip } = await import('../../../engine/util/zip.ts');
  const { parse } = await import('csv-parse/sync');
  const { csvText } = await import('../../../engine/util/csv-write.ts');
  const cols = new Set<string>([keyField]);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object' && v && 'id' in v) return String((v as { id: unknown }).id);
    if (Array.isArray(v)) return v.join(';');
    return String(v);
  };
  for (const r of records) for (const [k, v] of Object.entries(r)) if (!k.startsWith('$')) cols.add(v && typeof v === 'object' && !Array.isArray(v) && 'id' in v ? `${k}.id` : k);
  const columns = [...cols];
  // Data for Zoho's import, not a document for a person: the project's writer without the formula
  // guard (it would change the values written into the CRM).
  const text = csvText(columns, records.map((r) => columns.map((c) => cell(r[c.endsWith('.id') ? c.slice(0, -3) : c]))), { formulas: 'verbatim' });
  const zip = zipFiles([{ name: `${module}.csv`, data: Buffer.from(text, 'utf8') }]);
  // Bulk Write reads dates as MM/dd/yyyy unless told: name the ISO format of date columns.
  const formats: Record<string, string> = {};
  for (const c of columns) {
    const vals = records.map((r) => r[c]).filter((v) => v !== null && v !== undefined && v !== '');
    if (vals.length && vals.every((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))) formats[c] = 'yyyy-MM-dd';
  }
  let jobId: string;
  try {
    const org = await client.org();
    const fileId = await client.bulkUpload(zip, `${module}.zip`, org.zgid ?? org.id);
    jobId = await client.bulkCreateJob(module, fileId, columns, keyField, formats);
  } catch (err) {
    if (err instanceof ZohoHttpError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429)
      throw new BulkWriteRefused(module, err.code, `Zoho refused a Bulk Write job for ${module}: ${err.message}`);
    throw err;
  }
  let job = await client.bulkJob(jobId);
  for (let i = 0; job.status !== 'COMPLETED' && job.status !== 'FAILED'; i++) {
    const wait = bulkPollDelayMs(i, opts.firstPollMs, opts.maxPollMs);
    opts.onPoll?.(i, wait);
    await new Promise((r) => setTimeout(r, wait));
    job = await client.bulkJob(jobId);
  }
  const byKey = new Map<string, RecordOutcome>();
  if (job.result?.download_url) {
    const entries = unzip(await client.bulkResult(job.result.download_url));
    for (const e of entries) {
      const rows = parse(e.data.toString('utf8'), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
      for (const row of rows) {
        const key = row[keyField];
        if (!key) continue;
        const status = (row.STATUS ?? '').toLowerCase();
        const ok = status === 'added' || status === 'updated';
        const err = row.ERRORS ?? '';
        const [code, field] = err.split(':')[0]!.split('-');
        byKey.set(key, ok ? { ok: true, id: row.RECORD_ID, code: 'SUCCESS', action: status === 'added' ? 'insert' : 'update' } : { ok: false, code: code || status.toUpperCase() || 'BULK_SKIPPED', message: err || status, field, retryable: status === 'unprocessed' || !err });
      }
    }
  }
  return records.map((r) => byKey.get(String(r[keyField])) ?? { ok: false, code: 'BULK_NO_RESULT', message: `bulk job ${jobId} ${job.status}: no result for this record`, retryable: true });
}
