/**
 * The REST endpoints a migration needs that JSON-RPC lacks (reference 3.11, 7): creating and
 * listing custom fields. Same state as the JSON-RPC side, so findCustomFields sees them at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { authenticate } from './auth.ts';

const COMMON_TYPES = ['Text', 'LongText', 'Currency', 'Date', 'Decision'];
const LEAD_ONLY_TYPES = ['Email', 'Location', 'Phone', 'URL'];
const ENTITY: Record<string, string> = { accounts: 'Accounts', contacts: 'Contacts', leads: 'Leads' };

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
const restError = (res: ServerResponse, status: number, title: string) => json(res, status, { errors: [{ status: String(status), title }] });

/** Answers /rest/... requests; returns the HTTP status sent. */
export async function handleRest(pool: pg.Pool, req: IncomingMessage, res: ServerResponse, path: string, body: string): Promise<void> {
  if (!(await authenticate(pool, req.headers.authorization))) {
    // Observed: REST answers an unauthenticated call with an HTML page, not JSON (reference 7).
    res.writeHead(401, { 'content-type': 'text/html; charset=UTF-8' }).end('<!DOCTYPE html><html><body><h1>401 Unauthorized</h1></body></html>');
    return;
  }
  const m = /^\/rest\/(accounts|contacts|leads)\/(customfield|customfields\/attributes)$/.exec(path);
  if (!m) return restError(res, 404, 'Not Found');
  const entityType = ENTITY[m[1]!]!;
  if (m[2] === 'customfields/attributes' && req.method === 'GET') {
    const { rows } = await pool.query('select id, name, type, choices, is_multiple, title from sandbox_nutshell.custom_fields where entity_type = $1 order by id', [entityType]);
    return json(res, 200, { customFields: rows.map((r) => ({ id: `${r.id}-customfields`, name: r.name, type: r.type, choices: r.choices ?? undefined, isMultiple: r.is_multiple, title: r.title ?? r.name })) });
  }
  if (m[2] !== 'customfield' || req.method !== 'POST') return restError(res, 405, 'Method Not Allowed');
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(body || '{}');
  } catch {
    return restError(res, 400, 'Request body is not valid JSON');
  }
  const name = typeof b.name === 'string' ? b.name.trim() : '';
  const type = String(b.type ?? '');
  if (!name) return restError(res, 400, 'name is required');
  // Capitalisation matters (reference 3.11): "text" is not "Text".
  const types = entityType === 'Leads' ? [...COMMON_TYPES, ...LEAD_ONLY_TYPES] : COMMON_TYPES;
  if (!types.includes(type)) return restError(res, 400, `type must be one of ${types.join(', ')} for ${m[1]}`);
  const choices = b.choices;
  if (type === 'Decision' && (!Array.isArray(choices) || !choices.length || choices.some((c) => typeof c !== 'string')))
    return restError(res, 400, 'a Decision field needs choices (a list of strings)');
  const ins = await pool.query(
    `insert into sandbox_nutshell.custom_fields (entity_type, name, type, choices, is_multiple, title) values ($1,$2,$3,$4,$5,$6)
     on conflict do nothing returning id`,
    [entityType, name, type, type === 'Decision' ? JSON.stringify(choices) : null, Boolean(b.isMultiple), typeof b.title === 'string' ? b.title : null],
  );
  if (!ins.rowCount) return restError(res, 400, `A custom field named ${name} already exists on ${m[1]}`);
  return json(res, 201, { customFields: [{ id: `${ins.rows[0].id}-customfields`, name, type, choices: type === 'Decision' ? choices : undefined, isMultiple: Boolean(b.isMultiple) }] });
}
