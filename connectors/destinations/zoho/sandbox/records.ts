/**
 * Records API (reference §4, §5.6, §5.8, §5.9, §8): insert, update, upsert, delete, get, list,
 * search, COQL subset, notes, attachments, tags and lead conversion.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { fail, parseMultipart, readBody, readJson, send, type Ctx } from './http.ts';
import { loadModule, lowerFieldSql, type ModuleMeta } from './model.ts';
import { newId, zohoTime } from './store.ts';
import { recError, recordExists, validateRecord, type RecordError } from './validate.ts';
import { writeCredits } from './limits.ts';
import { runCoql } from './coql.ts';
import { matchCriteria, parseCriteria } from './criteria.ts';

interface StoredRecord {
  id: string;
  data: Record<string, unknown>;
  created_time: Date;
  modified_time: Date;
}

type Result = Record<string, unknown> & { status: 'success' | 'error' };

const MAX_WRITE = 100;

export async function requireModule(ctx: Ctx, name: string): Promise<ModuleMeta> {
  const mod = await loadModule(ctx.pool, name);
  if (!mod || !mod.apiSupported) throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });
  return mod;
}

function writeDetails(ctx: Ctx, id: string, created: Date, modified: Date) {
  const by = { name: ctx.apiUser.full_name, id: ctx.apiUser.id };
  return { Modified_Time: zohoTime(modified), Modified_By: by, Created_Time: zohoTime(created), id, Created_By: by, $approval_state: 'approved' };
}

function aggregate(results: Result[], allOk: number): number {
  const ok = results.filter((r) => r.status === 'success').length;
  return ok === results.length ? allOk : ok === 0 ? 400 : 207;
}

function dataArray(body: Record<string, unknown>): Record<string, unknown>[] {
  const data = body.data;
  if (!Array.isArray(data) || !data.length) throw fail(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data', json_path: '$.data' });
  if (data.length > MAX_WRITE) throw fail(400, 'LIMIT_EXCEEDED', 'count of records in your request exceeds the limit', { maximum_length: MAX_WRITE, api_name: 'data' });
  return data as Record<string, unknown>[];
}

async function normaliseTags(ctx: Ctx, module: string, data: Record<string, unknown>): Promise<RecordError | undefined> {
  if (!Array.isArray(data.Tag)) return undefined;
  const tags = [];
  for (const t of data.Tag as { name?: string; id?: string }[]) {
    const tag = await ensureTag(ctx.pool, module, t);
    if (typeof tag === 'string') return recError('INVALID_DATA', tag, { api_name: 'Tag' });
    tags.push(tag);
  }
  if (tags.length > 10) return recError('LIMIT_EXCEEDED', 'tags per record exceed the limit', { api_name: 'Tag', limit: 10 });
  data.Tag = tags;
  return undefined;
}

export async function insertOne(ctx: Ctx, mod: ModuleMeta, rec: Record<string, unknown>, index: number): Promise<Result> {
  const v = await validateRecord(ctx, mod, rec, { mode: 'insert', index });
  if (!v.ok) return v.error;
  const data = v.data;
  const tagErr = await normaliseTags(ctx, mod.api_name, data);
  if (tagErr) return tagErr;
  if (mod.fields.has('Owner') && !data.Owner) data.Owner = { id: ctx.apiUser.id };
  const id = await newId(ctx.pool);
  const { rows } = await ctx.pool.query('insert into sandbox_zoho.records (module, id, data) values ($1,$2,$3) returning created_time, modified_time', [
    mod.api_name,
    id,
    data,
  ]);
  return { code: 'SUCCESS', details: writeDetails(ctx, id, rows[0].created_time, rows[0].modified_time), message: 'record added', status: 'success' };
}

export async function updateOne(ctx: Ctx, mod: ModuleMeta, rec: Record<string, unknown>, index: number, id: string): Promise<Result> {
  const cur = await ctx.pool.query('select data, modified_time from sandbox_zoho.records where module = $1 and id = $2', [mod.api_name, id]);
  if (!cur.rowCount) return recError('INVALID_DATA', 'the id given seems to be invalid', { id });
  const since = ctx.req.headers['if-unmodified-since'];
  if (typeof since === 'string' && new Date(cur.rows[0].modified_time) > new Date(since)) {
    return recError('ALREADY_MODIFIED', 'record modified after the given time', { id, Modified_Time: zohoTime(cur.rows[0].modified_time) });
  }
  const v = await validateRecord(ctx, mod, rec, { mode: 'update', index, existing: cur.rows[0].data, selfId: id });
  if (!v.ok) return v.error;
  const patch = v.data;
  const tagErr = await normaliseTags(ctx, mod.api_name, patch);
  if (tagErr) return tagErr;
  const append = rec.$append_values as Record<string, boolean> | undefined;
  if (append) {
    for (const [k, on] of Object.entries(append)) {
      const old = cur.rows[0].data[k];
      if (on && Array.isArray(old) && Array.isArray(patch[k])) patch[k] = [...old, ...(patch[k] as unknown[]).filter((x) => !old.includes(x))];
    }
  }
  const { rows } = await ctx.pool.query(
    `update sandbox_zoho.records set data = data || $3::jsonb, modified_time = clock_timestamp() where module = $1 and id = $2 returning created_time, modified_time`,
    [mod.api_name, id, patch],
  );
  return { code: 'SUCCESS', details: writeDetails(ctx, id, rows[0].created_time, rows[0].modified_time), message: 'record updated', status: 'success' };
}

/**
 * The field name is written into the SQL as a literal (not a parameter) so the planner can use
 * the expression indexes on the duplicate-check fields (store.ts); with a parameter every
 * duplicate check scanned the module, and large loads slowed to seconds per call.
 */
export function findByFieldSql(field: string): string {
  return `select id from sandbox_zoho.records where module = $1 and ${lowerFieldSql(field)} = lower($2) order by id limit 1`;
}

async function findDuplicate(ctx: Ctx, mod: ModuleMeta, rec: Record<string, unknown>, checkFields: string[]): Promise<{ id: string; field: string } | undefined> {
  for (const field of checkFields) {
    const v = rec[field];
    if (v === undefined || v === null || v === '' || typeof v === 'object') continue;
    const { rows } = await ctx.pool.query(findByFieldSql(field), [mod.api_name, String(v)]);
    if (rows.length) return { id: rows[0].id, field };
  }
  return undefined;
}

function uniqueFieldNames(ctx: Ctx, mod: ModuleMeta): string[] {
  return [...mod.fields.values()]
    .filter((f) => Object.keys(f.unique ?? {}).length || (ctx.org.uniqueFields[mod.api_name] ?? []).includes(f.api_name))
    .map((f) => f.api_name);
}

async function upsertOne(ctx: Ctx, mod: ModuleMeta, rec: Record<string, unknown>, index: number, dupFields: string[] | undefined): Promise<Result> {
  if (rec.id !== undefined && rec.id !== null) {
    const r = await updateOne(ctx, mod, rec, index, String(rec.id));
    return r.status === 'success' ? { ...r, duplicate_field: null, action: 'update' } : r;
  }
  // Matching order (reference §4.3): listed fields that are the system duplicate-check field or
  // unique, then unique fields; without a list, the system field first, then unique fields.
  const uniques = uniqueFieldNames(ctx, mod);
  const order = dupFields
    ? [...dupFields.filter((f) => f === mod.duplicateCheck || uniques.includes(f)), ...uniques]
    : [...(mod.duplicateCheck ? [mod.duplicateCheck] : []), ...uniques];
  const match = await findDuplicate(ctx, mod, rec, [...new Set(order)]);
  if (match) {
    const r = await updateOne(ctx, mod, rec, index, match.id);
    return r.status === 'success' ? { code: 'SUCCESS', duplicate_field: match.field, action: 'update', details: r.details, message: 'record updated', status: 'success' } : r;
  }
  const r = await insertOne(ctx, mod, rec, index);
  return r.status === 'success' ? { code: 'SUCCESS', duplicate_field: null, action: 'insert', details: r.details, message: 'record added', status: 'success' } : r;
}

export async function writeRecords(ctx: Ctx, mod: ModuleMeta, op: 'insert' | 'update' | 'upsert', data: Record<string, unknown>[], dupFields?: string[]): Promise<Result[]> {
  const results: Result[] = [];
  for (const [i, raw] of data.entries()) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      results.push(recError('INVALID_DATA', 'invalid data', { expected_data_type: 'jsonobject', json_path: `$.data[${i}]` }));
      continue;
    }
    if (op === 'insert') results.push(await insertOne(ctx, mod, raw, i));
    else if (op === 'update') {
      if (raw.id === undefined || raw.id === null || raw.id === '') results.push(recError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'id', json_path: `$.data[${i}].id` }));
      else results.push(await updateOne(ctx, mod, raw, i, String(raw.id)));
    } else results.push(await upsertOne(ctx, mod, raw, i, dupFields));
  }
  ctx.records += data.length;
  return results;
}

function outRecord(ctx: Ctx, r: StoredRecord, users: Map<string, { full_name: string; email: string }>, fields?: string[]): Record<string, unknown> {
  const d: Record<string, unknown> = { ...r.data };
  const by = { name: ctx.apiUser.full_name, id: ctx.apiUser.id, email: ctx.apiUser.email };
  d.Created_Time = zohoTime(r.created_time);
  d.Modified_Time = zohoTime(r.modified_time);
  d.Created_By = by;
  d.Modified_By = by;
  const owner = d.Owner as { id?: string } | undefined;
  if (owner?.id) {
    const u = users.get(owner.id);
    d.Owner = { name: u?.full_name ?? null, id: owner.id, email: u?.email ?? null };
  }
  if (!fields) return { ...d, id: r.id };
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = d[f] ?? null;
  out.id = r.id;
  return out;
}

async function userMap(pool: pg.Pool) {
  const { rows } = await pool.query('select id, full_name, email from sandbox_zoho.users');
  return new Map(rows.map((r) => [r.id as string, { full_name: r.full_name as string, email: r.email as string }]));
}

async function allRecords(ctx: Ctx, module: string): Promise<StoredRecord[]> {
  const { rows } = await ctx.pool.query('select id, data, created_time, modified_time from sandbox_zoho.records where module = $1', [module]);
  return rows;
}

function parseFields(ctx: Ctx, required: boolean): string[] | undefined {
  const raw = ctx.url.searchParams.get('fields');
  if (!raw) {
    if (required) throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'fields' });
    return undefined;
  }
  const fields = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (fields.length > 50) throw fail(400, 'LIMIT_EXCEEDED', 'the given limit exceeds the maximum limit', { param_name: 'fields', limit: 50 });
  return fields;
}

function intParam(ctx: Ctx, name: string, dflt: number, max?: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || (max !== undefined && n > max)) throw fail(400, 'INVALID_DATA', 'invalid data', { param_name: name, ...(max ? { maximum_value: max } : {}) });
  return n;
}

function convertedFilter(ctx: Ctx, module: string, rows: StoredRecord[]): StoredRecord[] {
  if (module !== 'Leads') return rows;
  const c = ctx.url.searchParams.get('converted') ?? 'false';
  if (c === 'both') return rows;
  const want = c === 'true';
  return rows.filter((r) => (r.data.Converted__s === true) === want);
}

const TOKEN_TTL_MS = 24 * 3600 * 1000;

function paramsHash(ctx: Ctx): string {
  const p = [...ctx.url.searchParams].filter(([k]) => k !== 'page_token' && k !== 'page').sort();
  return createHash('sha1').update(ctx.url.pathname + JSON.stringify(p)).digest('hex').slice(0, 12);
}

async function listRecords(ctx: Ctx, mod: ModuleMeta): Promise<void> {
  const fields = parseFields(ctx, true);
  const perPage = intParam(ctx, 'per_page', 200, 200);
  const sortBy = ctx.url.searchParams.get('sort_by') ?? 'id';
  const sortOrder = ctx.url.searchParams.get('sort_order') ?? 'desc';
  if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy)) throw fail(400, 'INVALID_DATA', 'invalid data', { param_name: 'sort_by', supported_values: ['id', 'Created_Time', 'Modified_Time'] });
  if (!['asc', 'desc'].includes(sortOrder)) throw fail(400, 'INVALID_DATA', 'invalid data', { param_name: 'sort_order', supported_values: ['asc', 'desc'] });
  const pageToken = ctx.url.searchParams.get('page_token');
  if (pageToken && ctx.url.searchParams.has('page')) throw fail(400, 'AMBIGUITY_DURING_PROCESSING', 'ambiguity while processing the request', { ambiguity_due_to: ['page', 'page_token'] });
  const hash = paramsHash(ctx);
  let offset: number;
  let page = 1;
  if (pageToken) {
    let tok: { o: number; h: string; e: number; p: number };
    try {
      tok = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8'));
    } catch {
      throw fail(400, 'INVALID_DATA', 'invalid data', { param_name: 'page_token' });
    }
    if (tok.h !== hash) throw fail(400, 'TOKEN_BOUND_DATA_MISMATCH', 'page token is bound to other parameters', { param_name: 'page_token' });
    if (tok.e < Date.now()) throw fail(400, 'EXPIRED_VALUE', 'page token expired', { param_name: 'page_token' });
    offset = tok.o;
    page = tok.p;
    if (offset + perPage > 100000) throw fail(400, 'PAGINATION_LIMIT_EXCEEDED', 'pagination limit exceeded', { limit: 100000 });
  } else {
    page = intParam(ctx, 'page', 1);
    offset = (page - 1) * perPage;
    if (offset + perPage > 2000 && offset >= 2000) {
      throw fail(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'cannot fetch records beyond 2000 without page_token', { limit: 2000 });
    }
  }
  let rows = convertedFilter(ctx, mod.api_name, await allRecords(ctx, mod.api_name));
  const ids = ctx.url.searchParams.get('ids');
  if (ids) {
    const set = new Set(ids.split(','));
    rows = rows.filter((r) => set.has(r.id));
  }
  const key = (r: StoredRecord) => (sortBy === 'id' ? r.id : sortBy === 'Created_Time' ? r.created_time.toISOString() + r.id : r.modified_time.toISOString() + r.id);
  rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (sortOrder === 'asc' ? 1 : -1));
  const slice = rows.slice(offset, offset + perPage);
  if (!slice.length) return send(ctx, 204);
  const users = await userMap(ctx.pool);
  const more = offset + perPage < rows.length;
  const expiry = Date.now() + TOKEN_TTL_MS;
  const next = more ? Buffer.from(JSON.stringify({ o: offset + perPage, h: hash, e: expiry, p: page + 1 })).toString('base64url') : null;
  ctx.records = slice.length;
  send(ctx, 200, {
    data: slice.map((r) => outRecord(ctx, r, users, fields)),
    info: {
      call: false,
      per_page: perPage,
      next_page_token: next,
      count: slice.length,
      sort_by: sortBy,
      page,
      previous_page_token: null,
      page_token_expiry: next ? zohoTime(new Date(expiry)) : null,
      sort_order: sortOrder,
      email: false,
      more_records: more,
    },
  });
}

async function getOne(ctx: Ctx, mod: ModuleMeta, id: string): Promise<void> {
  const { rows } = await ctx.pool.query('select id, data, created_time, modified_time from sandbox_zoho.records where module = $1 and id = $2', [mod.api_name, id]);
  if (!rows.length) return send(ctx, 204);
  ctx.records = 1;
  send(ctx, 200, { data: [outRecord(ctx, rows[0], await userMap(ctx.pool), parseFields(ctx, false))] });
}

async function deleteIds(ctx: Ctx, mod: ModuleMeta, ids: string[]): Promise<void> {
  if (ids.length > MAX_WRITE) throw fail(400, 'LIMIT_EXCEEDED', 'count of ids in your request exceeds the limit', { maximum_length: MAX_WRITE, param_name: 'ids' });
  const results: Result[] = [];
  for (const id of ids) {
    const del = await ctx.pool.query('delete from sandbox_zoho.records where module = $1 and id = $2 returning data', [mod.api_name, id]);
    if (del.rowCount) {
      await ctx.pool.query('insert into sandbox_zoho.deleted_records (module, id, data) values ($1,$2,$3)', [mod.api_name, id, del.rows[0].data]);
      await ctx.pool.query('delete from sandbox_zoho.attachments where module = $1 and record_id = $2', [mod.api_name, id]);
      results.push({ code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' });
    } else results.push(recError('INVALID_DATA', 'record not deleted', { id }));
  }
  ctx.records = ids.length;
  send(ctx, aggregate(results, 200), { data: results });
}

async function search(ctx: Ctx, mod: ModuleMeta): Promise<void> {
  const p = ctx.url.searchParams;
  const perPage = intParam(ctx, 'per_page', 200, 200);
  const page = intParam(ctx, 'page', 1);
  let rows = convertedFilter(ctx, mod.api_name, await allRecords(ctx, mod.api_name));
  const fieldsOfType = (types: string[]) => [...mod.fields.values()].filter((f) => types.includes(f.data_type)).map((f) => f.api_name);
  const norm = (s: unknown) => String(s ?? '').toLowerCase();
  if (p.get('criteria')) {
    const crit = parseCriteria(p.get('criteria')!, mod);
    rows = rows.filter((r) => matchCriteria(crit, r.data, r.id));
  } else if (p.get('email')) {
    const e = norm(p.get('email'));
    const ef = fieldsOfType(['email']);
    rows = rows.filter((r) => ef.some((f) => norm(r.data[f]) === e));
  } else if (p.get('phone')) {
    const digits = (s: unknown) => String(s ?? '').replace(/\D/g, '');
    const ph = digits(p.get('phone'));
    const pf = fieldsOfType(['phone']);
    rows = rows.filter((r) => ph && pf.some((f) => digits(r.data[f]) === ph));
  } else if (p.get('word')) {
    const w = p.get('word')!;
    if (w.length < 2 || /[()\\,]/.test(w)) throw fail(400, 'INVALID_DATA', 'please check if the word given is valid', { param_name: 'word' });
    const tf = fieldsOfType(['text', 'email', 'phone', 'textarea', 'website', 'picklist']);
    rows = rows.filter((r) => tf.some((f) => norm(r.data[f]).includes(w.toLowerCase())));
  } else {
    throw fail(400, 'EXPECTED_PARAM_MISSING', 'mandatory param missing', { expected_params: ['criteria', 'email', 'phone', 'word'] });
  }
  rows.sort((a, b) => (a.id < b.id ? 1 : -1));
  if (rows.length > 2000 && page * perPage > 2000) throw fail(400, 'LIMIT_REACHED', 'search results exceed the limit of 2000', { limit: 2000 });
  const slice = rows.slice((page - 1) * perPage, page * perPage);
  if (!slice.length) return send(ctx, 204);
  ctx.records = slice.length;
  const users = await userMap(ctx.pool);
  send(ctx, 200, {
    data: slice.map((r) => outRecord(ctx, r, users, parseFields(ctx, false))),
    info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < Math.min(rows.length, 2000) },
  });
}

export async function ensureTag(pool: pg.Pool, module: string, t: { name?: string; id?: string }): Promise<{ name: string; id: string; color_code: string | null } | string> {
  if (t.id) {
    const { rows } = await pool.query('select name, id from sandbox_zoho.tags where module = $1 and id = $2', [module, String(t.id)]);
    if (rows.length) return { name: rows[0].name, id: rows[0].id, color_code: null };
    return 'the tag id given seems to be invalid';
  }
  const name = String(t.name ?? '').trim();
  if (!name || name.length > 25) return 'tag name must be 1-25 characters';
  const got = await pool.query('select id from sandbox_zoho.tags where module = $1 and lower(name) = lower($2)', [module, name]);
  if (got.rows.length) return { name, id: got.rows[0].id, color_code: null };
  const count = await pool.query('select count(*)::int as n from sandbox_zoho.tags where module = $1', [module]);
  if (count.rows[0].n >= 100) return 'tags per module exceed the limit';
  const id = await newId(pool);
  await pool.query('insert into sandbox_zoho.tags (module, name, id) values ($1,$2,$3) on conflict do nothing', [module, name, id]);
  return { name, id, color_code: null };
}

async function addTags(ctx: Ctx, mod: ModuleMeta, ids: string[], remove: boolean): Promise<void> {
  const body = await readJson(ctx);
  const tagsIn = (body.tags ?? []) as { name?: string; id?: string }[];
  if (!Array.isArray(tagsIn) || !tagsIn.length) throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'tags' });
  if (ids.length > 500) throw fail(400, 'LIMIT_EXCEEDED', 'count of ids exceeds the limit', { maximum_length: 500, param_name: 'ids' });
  const tags: { name: string; id: string }[] = [];
  for (const t of tagsIn) {
    const tag = remove ? { name: String(t.name ?? ''), id: String(t.id ?? '') } : await ensureTag(ctx.pool, mod.api_name, t);
    if (typeof tag === 'string') throw fail(400, 'INVALID_DATA', tag, { api_name: 'tags' });
    tags.push(tag);
  }
  const results: Result[] = [];
  for (const id of ids) {
    const { rows } = await ctx.pool.query('select data from sandbox_zoho.records where module = $1 and id = $2', [mod.api_name, id]);
    if (!rows.length) {
      results.push(recError('INVALID_DATA', 'the id given seems to be invalid', { id }));
      continue;
    }
    let cur = (body.over_write === true && !remove ? [] : (rows[0].data.Tag ?? [])) as { name: string; id: string }[];
    if (remove) cur = cur.filter((c) => !tags.some((t) => (t.id && t.id === c.id) || t.name.toLowerCase() === c.name.toLowerCase()));
    else for (const t of tags) if (!cur.some((c) => c.name.toLowerCase() === t.name.toLowerCase())) cur.push(t as { name: string; id: string });
    if (cur.length > 10) {
      results.push(recError('LIMIT_EXCEEDED', 'tags per record exceed the limit', { id, limit: 10 }));
      continue;
    }
    await ctx.pool.query(`update sandbox_zoho.records set data = jsonb_set(data, '{Tag}', $3::jsonb), modified_time = clock_timestamp() where module = $1 and id = $2`, [mod.api_name, id, JSON.stringify(cur)]);
    results.push({ code: 'SUCCESS', details: { id, tags: cur }, message: 'tags updated successfully', status: 'success' });
  }
  const ok = results.filter((r) => r.status === 'success').length;
  send(ctx, aggregate(results, 200), { data: results, success_count: String(ok), locked_count: '0' });
}

async function notesFor(ctx: Ctx, parentModule: string, parentId: string): Promise<void> {
  const fields = parseFields(ctx, true);
  const { rows } = await ctx.pool.query(
    `select id, data, created_time, modified_time from sandbox_zoho.records
      where module = 'Notes' and data->'Parent_Id'->>'id' = $1 and data->'Parent_Id'->'module'->>'api_name' = $2 order by id desc`,
    [parentId, parentModule],
  );
  if (!rows.length) return send(ctx, 204);
  const users = await userMap(ctx.pool);
  ctx.records = rows.length;
  send(ctx, 200, { data: rows.map((r) => outRecord(ctx, r, users, fields)), info: { per_page: 200, count: rows.length, page: 1, more_records: false } });
}

async function attachments(ctx: Ctx, mod: ModuleMeta, recordId: string, rest: string[]): Promise<void> {
  if (!(await recordExists(ctx.pool, mod.api_name, recordId))) throw fail(400, 'INVALID_DATA', 'the related id given seems to be invalid', { id: recordId });
  if (ctx.method === 'POST' && !rest.length) {
    const ct = ctx.req.headers['content-type'] ?? '';
    const buf = await readBody(ctx);
    if (!/multipart\/form-data/i.test(ct)) throw fail(415, 'INVALID_DATA', 'the request should be multipart/form-data with a part named file', {});
    const file = parseMultipart(buf, ct).find((p) => p.name === 'file');
    if (!file) throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'file' });
    if (file.data.length > ctx.org.attachmentMaxBytes) {
      throw fail(413, 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'file size exceeds the allowed size', { allowed_size: ctx.org.attachmentMaxBytes });
    }
    const id = await newId(ctx.pool);
    const { rows } = await ctx.pool.query(
      'insert into sandbox_zoho.attachments (id, module, record_id, file_name, size, content) values ($1,$2,$3,$4,$5,$6) returning created_time',
      [id, mod.api_name, recordId, file.filename ?? 'file', file.data.length, file.data],
    );
    ctx.records = 1;
    return send(ctx, 200, { data: [{ code: 'SUCCESS', details: writeDetails(ctx, id, rows[0].created_time, rows[0].created_time), message: 'attachment uploaded successfully', status: 'success' }] });
  }
  if (ctx.method === 'GET' && !rest.length) {
    parseFields(ctx, true);
    const { rows } = await ctx.pool.query('select id, file_name, size, created_time from sandbox_zoho.attachments where module = $1 and record_id = $2 order by id', [mod.api_name, recordId]);
    if (!rows.length) return send(ctx, 204);
    return send(ctx, 200, {
      data: rows.map((r) => ({ id: r.id, File_Name: r.file_name, Size: String(r.size), Created_Time: zohoTime(r.created_time), Parent_Id: { id: recordId, name: null } })),
      info: { per_page: 200, count: rows.length, page: 1, more_records: false },
    });
  }
  if (ctx.method === 'GET' && rest.length === 1) {
    const { rows } = await ctx.pool.query('select file_name, content from sandbox_zoho.attachments where id = $1 and record_id = $2', [rest[0], recordId]);
    if (!rows.length) return send(ctx, 204);
    return send(ctx, 200, rows[0].content, { 'content-disposition': `attachment; filename="${rows[0].file_name}"` });
  }
  if (ctx.method === 'DELETE') {
    const ids = rest.length ? [rest[0]!] : (ctx.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    const results: Result[] = [];
    for (const id of ids) {
      const d = await ctx.pool.query('delete from sandbox_zoho.attachments where id = $1 and record_id = $2', [id, recordId]);
      results.push(d.rowCount ? { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' } : recError('INVALID_DATA', 'record not deleted', { id }));
    }
    return send(ctx, aggregate(results, 200), { data: results });
  }
  throw fail(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
}

async function convertLead(ctx: Ctx, leadId: string): Promise<void> {
  ctx.credits = 5;
  const body = await readJson(ctx);
  const opts = ((body.data as Record<string, unknown>[] | undefined)?.[0] ?? {}) as Record<string, unknown>;
  const { rows } = await ctx.pool.query(`select data from sandbox_zoho.records where module = 'Leads' and id = $1`, [leadId]);
  if (!rows.length) return send(ctx, 400, { data: [recError('INVALID_DATA', 'the id given seems to be invalid', { id: leadId })] });
  const lead = rows[0].data as Record<string, unknown>;
  if (lead.Converted__s === true) return send(ctx, 400, { data: [recError('ID_ALREADY_CONVERTED', 'id already converted', { id: leadId })] });
  const owner = (opts.assign_to as { id?: string } | undefined)?.id ? { id: (opts.assign_to as { id: string }).id } : (lead.Owner ?? { id: ctx.apiUser.id });
  const nameOf = async (module: string, id: string, field: string) =>
    (await ctx.pool.query('select data->>$3 as n from sandbox_zoho.records where module = $1 and id = $2', [module, id, field])).rows[0]?.n ?? null;

  const pick = async (module: string, given: unknown, matchField: string, matchValue: unknown, create: () => Record<string, unknown> | undefined) => {
    const gid = (given as { id?: string } | undefined)?.id;
    if (gid) {
      if (!(await recordExists(ctx.pool, module, gid))) return { error: recError('INVALID_DATA', 'the id given seems to be invalid', { api_name: module, id: gid }) };
      return { id: String(gid) };
    }
    if (matchValue) {
      const m = await ctx.pool.query(findByFieldSql(matchField), [module, String(matchValue)]);
      if (m.rows.length) return { id: m.rows[0].id as string };
    }
    const rec = create();
    if (!rec) return {};
    const mod = await requireModule(ctx, module);
    const r = await insertOne(ctx, mod, rec, 0);
    if (r.status !== 'success') return { error: r as unknown as RecordError };
    return { id: (r.details as { id: string }).id };
  };

  const acc = await pick('Accounts', opts.Accounts, 'Account_Name', lead.Company, () => (lead.Company ? { Account_Name: lead.Company, Industry: lead.Industry ?? undefined, Billing_Street: lead.Street ?? undefined, Employees: lead.No_of_Employees ?? undefined, Owner: owner } : undefined));
  if ('error' in acc && acc.error) return send(ctx, 400, { data: [acc.error] });
  const accId = (acc as { id?: string }).id;
  const con = await pick('Contacts', opts.Contacts, 'Email', lead.Email, () => ({
    Last_Name: lead.Last_Name,
    First_Name: lead.First_Name ?? undefined,
    Email: lead.Email ?? undefined,
    Phone: lead.Phone ?? undefined,
    Mailing_Street: lead.Street ?? undefined,
    ...(accId ? { Account_Name: { id: accId } } : {}),
    Owner: owner,
  }));
  if ('error' in con && con.error) return send(ctx, 400, { data: [con.error] });
  const conId = (con as { id?: string }).id!;
  let dealId: string | undefined;
  if (opts.Deals && typeof opts.Deals === 'object') {
    const d = opts.Deals as Record<string, unknown>;
    const missing = ['Deal_Name', 'Closing_Date', 'Stage'].find((k) => !d[k]);
    if (missing) return send(ctx, 400, { data: [recError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: missing, json_path: `$.data[0].Deals.${missing}` })] });
    const mod = await requireModule(ctx, 'Deals');
    const r = await insertOne(ctx, mod, { ...d, ...(accId ? { Account_Name: { id: accId } } : {}), Contact_Name: { id: conId }, Owner: owner }, 0);
    if (r.status !== 'success') return send(ctx, 400, { data: [r] });
    dealId = (r.details as { id: string }).id;
  }
  const patch = {
    Converted__s: true,
    Converted_Date_Time: zohoTime(),
    Converted_Account: accId ? { id: accId } : null,
    Converted_Contact: { id: conId },
    Converted_Deal: dealId ? { id: dealId } : null,
  };
  await ctx.pool.query(`update sandbox_zoho.records set data = data || $2::jsonb, modified_time = clock_timestamp() where module = 'Leads' and id = $1`, [leadId, patch]);
  send(ctx, 200, {
    data: [
      {
        code: 'SUCCESS',
        details: {
          Contacts: { name: await nameOf('Contacts', conId, 'Last_Name'), id: conId },
          Deals: dealId ? { name: await nameOf('Deals', dealId, 'Deal_Name'), id: dealId } : null,
          Accounts: accId ? { name: await nameOf('Accounts', accId, 'Account_Name'), id: accId } : null,
        },
        message: 'The record has been converted successfully',
        status: 'success',
      },
    ],
  });
}

export async function routeRecords(ctx: Ctx, parts: string[]): Promise<void> {
  const m = ctx.method;
  if (parts[0] === 'coql') {
    if (m !== 'POST') throw fail(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
    return runCoql(ctx);
  }
  const mod = await requireModule(ctx, parts[0]!);
  const [, a, b, c] = parts;
  ctx.credits = 1;
  if (parts.length === 1) {
    if (m === 'GET') {
      if (mod.api_name === 'Notes' && !ctx.url.searchParams.get('fields')) parseFields(ctx, true);
      return listRecords(ctx, mod);
    }
    if (m === 'POST' || m === 'PUT') {
      const data = dataArray(await readJson(ctx));
      ctx.credits = writeCredits(data.length);
      const results = await writeRecords(ctx, mod, m === 'POST' ? 'insert' : 'update', data);
      return send(ctx, aggregate(results, m === 'POST' ? 201 : 200), { data: results });
    }
    if (m === 'DELETE') {
      const ids = (ctx.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
      if (!ids.length) throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'ids' });
      return deleteIds(ctx, mod, ids);
    }
  }
  if (parts.length === 2 && a === 'upsert' && m === 'POST') {
    const body = await readJson(ctx);
    const data = dataArray(body);
    ctx.credits = writeCredits(data.length);
    const dup = Array.isArray(body.duplicate_check_fields) ? (body.duplicate_check_fields as string[]) : undefined;
    const results = await writeRecords(ctx, mod, 'upsert', data, dup);
    return send(ctx, aggregate(results, 200), { data: results });
  }
  if (parts.length === 2 && a === 'search' && m === 'GET') return search(ctx, mod);
  if (parts.length === 3 && a === 'actions' && b === 'count' && m === 'GET') {
    ctx.credits = 50;
    const { rows } = await ctx.pool.query('select count(*)::int as n from sandbox_zoho.records where module = $1', [mod.api_name]);
    return send(ctx, 200, { count: rows[0].n });
  }
  if (parts.length === 3 && a === 'actions' && (b === 'add_tags' || b === 'remove_tags') && m === 'POST') {
    const body = await readJson(ctx);
    ctx.bodyBuf = Buffer.from(JSON.stringify(body));
    const ids = ((body.ids as unknown[]) ?? (ctx.url.searchParams.get('ids') ?? '').split(',').filter(Boolean)).map(String);
    if (!ids.length) throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'ids' });
    return addTags(ctx, mod, ids, b === 'remove_tags');
  }
  if (parts.length === 2 && a === 'deleted' && m === 'GET') {
    const { rows } = await ctx.pool.query('select id, deleted_time from sandbox_zoho.deleted_records where module = $1 order by deleted_time desc', [mod.api_name]);
    if (!rows.length) return send(ctx, 204);
    return send(ctx, 200, { data: rows.map((r) => ({ id: r.id, deleted_time: zohoTime(r.deleted_time), type: 'recycle' })), info: { per_page: 200, count: rows.length, page: 1, more_records: false } });
  }
  if (parts.length >= 2 && a && /^\d+$/.test(a)) {
    const id = a;
    if (parts.length === 2) {
      if (m === 'GET') return getOne(ctx, mod, id);
      if (m === 'PUT') {
        const data = dataArray(await readJson(ctx));
        const results = await writeRecords(ctx, mod, 'update', [{ ...data[0], id }]);
        return send(ctx, aggregate(results, 200), { data: results });
      }
      if (m === 'DELETE') return deleteIds(ctx, mod, [id]);
    }
    if (b === 'Notes') {
      if (m === 'GET') return notesFor(ctx, mod.api_name, id);
      if (m === 'POST') {
        const data = dataArray(await readJson(ctx)).map((n) => ({ ...n, Parent_Id: { module: { api_name: mod.api_name }, id } }));
        const notes = await requireModule(ctx, 'Notes');
        ctx.credits = writeCredits(data.length);
        const results = await writeRecords(ctx, notes, 'insert', data);
        return send(ctx, aggregate(results, 201), { data: results });
      }
    }
    if (b === 'Attachments') return attachments(ctx, mod, id, parts.slice(3));
    if (b === 'actions' && c === 'convert' && m === 'POST' && mod.api_name === 'Leads') return convertLead(ctx, id);
    if (b === 'actions' && (c === 'add_tags' || c === 'remove_tags') && m === 'POST') return addTags(ctx, mod, [id], c === 'remove_tags');
  }
  throw fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
}
