/** Raw JSON-RPC calls against a sandbox Nutshell over HTTP, for contract tests. */
import type { NutshellSandbox } from '../../connectors/destinations/nutshell/sandbox/server.ts';

export const basic = (user: string, key: string) => 'Basic ' + Buffer.from(`${user}:${key}`).toString('base64');

export interface RpcAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export async function rpc(
  sb: NutshellSandbox,
  method: string,
  params?: unknown,
  o: { auth?: string | null; id?: unknown; url?: string; raw?: string; headers?: Record<string, string>; jsonrpc?: boolean } = {},
): Promise<RpcAnswer> {
  const auth = o.auth === undefined ? basic(sb.credentials.username, sb.credentials.apiKey) : o.auth;
  const msg: Record<string, unknown> = { id: o.id ?? 'req-1', method };
  if (o.jsonrpc !== false) msg.jsonrpc = '2.0';
  if (params !== undefined) msg.params = params;
  const res = await fetch(o.url ?? sb.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...(o.headers ?? {}) },
    body: o.raw ?? JSON.stringify(msg),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** The result of a call that must succeed. */
export async function ok(sb: NutshellSandbox, method: string, params?: unknown): Promise<any> {
  const a = await rpc(sb, method, params);
  if (a.status !== 200 || a.body.error) throw new Error(`${method} failed: HTTP ${a.status} ${JSON.stringify(a.body)}`);
  return a.body.result;
}
