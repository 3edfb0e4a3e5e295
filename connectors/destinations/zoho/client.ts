/**
 * Zoho CRM v8 REST client: OAuth refresh-token flow, per-record outcomes, at most 100 records a call.
 * See ../shared/reference/zoho-crm-api.md (sections 2, 3, 4).
 */
import { z } from 'zod';
import type { RecordOutcome } from '../../../engine/destination.ts';

export interface ZohoCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface ZohoClientOptions {
  accountsUrl: string;
  apiDomain: string;
  credentials: ZohoCredentials;
  fetch?: typeof fetch;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  now?: () => number;
}

export const ZOHO_MAX_BATCH = 100;

const tokenResponse = z.union([
  z.object({ access_token: z.string(), expires_in: z.number(), api_domain: z.string().optional() }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);

const itemResult = z.object({
  code: z.string(),
  status: z.string(),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const writeResponse = z.object({ data: z.array(itemResult) });
const topError = z.object({ code: z.string(), message: z.string().optional(), status: z.literal('error') });

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
}

export class ZohoClient {
  private token?: { value: string; expiresAt: number };
  private readonly f: typeof fetch;
  private readonly now: () => number;
  constructor(private readonly opts: ZohoClientOptions) {
    this.f = opts.fetch ?? fetch;
    this.now = opts.now ?? Date.now;
  }

  /** Access token, refreshed when missing or within a minute of expiry (cached, never per request). */
  async accessToken(force = false): Promise<string> {
    if (!force && this.token && this.token.expiresAt - 60_000 > this.now()) return this.token.value;
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.opts.credentials.clientId,
      client_secret: this.opts.credentials.clientSecret,
      refresh_token: this.opts.credentials.refreshToken,
    });
    const res = await this.f(`${this.opts.accountsUrl.replace(/\/$/, '')}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
    });
    const json = tokenResponse.parse(await res.json());
    if ('error' in json) {
      // Never echo the credentials: only the code Zoho returned.
      throw new ZohoHttpError(res.status, 'OAUTH_' + json.error.toUpperCase().replace(/\W+/g, '_'), `Zoho token refresh failed: ${json.error}. Check ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN and ZOHO_ACCOUNTS_URL (data centre).`);
    }
    this.token = { value: json.access_token, expiresAt: this.now() + json.expires_in * 1000 };
    return json.access_token;
  }

  /** One API call; refreshes the token once on INVALID_TOKEN (expiry mid-run). */
  async request(method: string, path: string, body?: unknown, retriedAuth = false): Promise<{ status: number; json: unknown; headers: Headers }> {
    const token = await this.accessToken();
    const res = await this.f(`${this.opts.apiDomain.replace(/\/$/, '')}/crm/v8${path}`, {
      method,
      headers: { authorization: `Zoho-oauthtoken ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (res.status === 401 && !retriedAuth) {
      const e = topError.safeParse(json);
      if (e.success && e.data.code === 'INVALID_TOKEN') {
        await this.accessToken(true);
        return this.request(method, path, body, true);
      }
    }
    if (res.status >= 400 && !(json && typeof json === 'object' && 'data' in json)) {
      const e = topError.safeParse(json);
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new ZohoHttpError(
        res.status,
        e.success ? e.data.code : `HTTP_${res.status}`,
        `Zoho ${method} ${path.split('?')[0]}: HTTP ${res.status} ${e.success ? `${e.data.code} ${e.data.message ?? ''}` : ''}`.trim(),
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    return { status: res.status, json, headers: res.headers };
  }

  private static outcomes(json: unknown): RecordOutcome[] {
    const parsed = writeResponse.parse(json);
    return parsed.data.map((r) => ({
      ok: r.status === 'success',
      id: r.status === 'success' ? String(r.details?.id ?? '') : (r.details?.id as string | undefined),
      code: r.code,
      message: r.message,
      field: (r.details?.api_name as string | undefined) ?? undefined,
      retryable: r.code === 'RECORD_LOCKED' || r.code === 'INTERNAL_ERROR',
    }));
  }

  async insert(module: string, records: Record<string, unknown>[]): Promise<RecordOutcome[]> {
    if (records.length > ZOHO_MAX_BATCH) throw new Error(`at most ${ZOHO_MAX_BATCH} records per call`);
    const { json } = await this.request('POST', `/${module}`, { data: records, trigger: [] });
    return ZohoClient.outcomes(json);
  }

  async upsert(module: string, records: Record<string, unknown>[], duplicateCheckFields: string[]): Promise<RecordOutcome[]> {
    const { json } = await this.request('POST', `/${module}/upsert`, { data: records, duplicate_check_fields: duplicateCheckFields, trigger: [] });
    return ZohoClient.outcomes(json);
  }

  async update(module: string, records: ({ id: string } & Record<string, unknown>)[]): Promise<RecordOutcome[]> {
    const { json } = await this.request('PUT', `/${module}`, { data: records, trigger: [] });
    return ZohoClient.outcomes(json);
  }

  async delete(module: string, ids: string[]): Promise<RecordOutcome[]> {
    const { json } = await this.request('DELETE', `/${module}?ids=${ids.map(encodeURIComponent).join(',')}&wf_trigger=false`);
    return ZohoClient.outcomes(json);
  }

  async get(module: string, id: string): Promise<Record<string, unknown> | null> {
    try {
      const { status, json } = await this.request('GET', `/${module}/${encodeURIComponent(id)}`);
      if (status === 204 || !json) return null;
      const rec = (json as { data?: Record<string, unknown>[] }).data?.[0];
      return rec ?? null;
    } catch (err) {
      if (err instanceof ZohoHttpError && (err.status === 404 || err.code === 'INVALID_DATA')) return null;
      throw err;
    }
  }

  async users(): Promise<{ id: string; email: string; full_name?: string; status?: string }[]> {
    const out: { id: string; email: string; full_name?: string; status?: string }[] = [];
    for (let page = 1; ; page++) {
      const { status, json } = await this.request('GET', `/users?type=AllUsers&page=${page}&per_page=200`);
      if (status === 204 || !json) break;
      const body = json as { users: { id: string; email: string; full_name?: string; status?: string }[]; info?: { more_records?: boolean } };
      out.push(...body.users);
      if (!body.info?.more_records) break;
    }
    return out;
  }
}
