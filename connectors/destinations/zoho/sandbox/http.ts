/** HTTP plumbing shared by the sandbox's handlers: request context, bodies, multipart, replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import type { ResolvedOrg } from './config.ts';

export interface ApiUser {
  id: string;
  email: string;
  full_name: string;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  pool: pg.Pool;
  org: ResolvedOrg;
  apiDomain: string;
  apiUser: ApiUser;
  /** Credits this call costs (charged after it is processed). */
  credits: number;
  /** Records written or returned (for the request log). */
  records: number;
  code?: string;
  fault?: string;
  /** Destroy the socket instead of answering (the ambiguous "write happened, reply lost" case). */
  dropAfter: boolean;
  /** Per-record rejection draw (fault injection); false when not faulted. */
  rejectRecord: () => boolean;
  bodyBuf?: Buffer;
}

export class HttpError extends Error {
  constructor(
    public status: number,
    public body: unknown,
  ) {
    super(typeof body === 'object' && body && 'code' in body ? String((body as { code: unknown }).code) : `HTTP ${status}`);
  }
}

export const topError = (code: string, message: string, details: Record<string, unknown> = {}) => ({ code, details, message, status: 'error' });
export const fail = (status: number, code: string, message: string, details: Record<string, unknown> = {}) => new HttpError(status, topError(code, message, details));

export async function readBody(ctx: Ctx): Promise<Buffer> {
  if (ctx.bodyBuf) return ctx.bodyBuf;
  const chunks: Buffer[] = [];
  for await (const c of ctx.req) chunks.push(c as Buffer);
  ctx.bodyBuf = Buffer.concat(chunks);
  return ctx.bodyBuf;
}

/** JSON bodies: Zoho's own SDK sends them without a Content-Type, so none is required. */
export async function readJson(ctx: Ctx): Promise<Record<string, unknown>> {
  const buf = await readBody(ctx);
  if (!buf.length) return {};
  try {
    const v = JSON.parse(buf.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  throw fail(400, 'INVALID_DATA', 'body is not a valid JSON object', {});
}

export function send(ctx: Ctx, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (ctx.dropAfter) {
    ctx.fault = 'dropAfterWrite';
    ctx.res.statusCode = 0;
    ctx.req.socket.destroy();
    return;
  }
  if (body && typeof body === 'object' && 'code' in body && !ctx.code) ctx.code = String((body as { code: unknown }).code);
  if (status === 204 || body === undefined) {
    ctx.res.writeHead(status, headers).end();
    return;
  }
  if (Buffer.isBuffer(body)) {
    ctx.res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers }).end(body);
    return;
  }
  ctx.res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(body));
}

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Minimal multipart/form-data parser (the token endpoint, attachments and bulk uploads use it). */
export function parseMultipart(buf: Buffer, contentType: string): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return [];
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: Part[] = [];
  let pos = buf.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length;
    if (buf.slice(start, start + 2).toString() === '--') break;
    const next = buf.indexOf(boundary, start);
    if (next === -1) break;
    const chunk = buf.slice(start + 2, next - 2); // skip CRLF after boundary and before next
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const head = chunk.slice(0, headerEnd).toString('utf8');
      const data = chunk.slice(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      const ct = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      parts.push({ name, filename, contentType: ct, data });
    }
    pos = next;
  }
  return parts;
}

export async function readForm(ctx: Ctx): Promise<URLSearchParams> {
  const buf = await readBody(ctx);
  const ct = ctx.req.headers['content-type'] ?? '';
  const form = new URLSearchParams();
  if (/multipart\/form-data/i.test(ct)) for (const p of parseMultipart(buf, ct)) form.set(p.name, p.data.toString('utf8'));
  else for (const [k, v] of new URLSearchParams(buf.toString('utf8'))) form.set(k, v);
  for (const [k, v] of ctx.url.searchParams) if (!form.has(k)) form.set(k, v);
  return form;
}
