/** Plain-fetch client for the Zoho sandbox contract tests: what an integration written from the docs sends. */
import type { ZohoSandbox } from '../../connectors/destinations/zoho/sandbox/server.ts';

export interface Reply {
  status: number;
  json: any;
  headers: Headers;
}

export async function token(sb: ZohoSandbox, over: Record<string, string> = {}): Promise<any> {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: sb.credentials.clientId,
    client_secret: sb.credentials.clientSecret,
    refresh_token: sb.credentials.refreshToken,
    ...over,
  });
  const res = await fetch(`${sb.accountsUrl}/oauth/v2/token`, { method: 'POST', body });
  return { status: res.status, ...(await res.json()) };
}

export function client(sb: ZohoSandbox, accessToken: string) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(path.startsWith('http') ? path : `${sb.apiDomain}${path.startsWith('/crm') ? '' : '/crm/v8'}${path}`, {
      method,
      headers: { authorization: `Zoho-oauthtoken ${accessToken}`, ...headers },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    return { status: res.status, json, headers: res.headers };
  }
  return {
    call,
    get: (p: string, h?: Record<string, string>) => call('GET', p, undefined, h),
    post: (p: string, b: unknown, h?: Record<string, string>) => call('POST', p, b, h),
    put: (p: string, b: unknown) => call('PUT', p, b),
    patch: (p: string, b: unknown) => call('PATCH', p, b),
    del: (p: string) => call('DELETE', p),
  };
}

export async function connect(sb: ZohoSandbox) {
  const t = await token(sb);
  return client(sb, t.access_token);
}
