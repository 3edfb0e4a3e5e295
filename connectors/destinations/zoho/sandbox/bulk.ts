/**
 * Bulk Write API (reference §10.1): zip upload → file id, job create with field mappings, the
 * ADDED → INPROGRESS → COMPLETED state machine (run in-process, rows go through the same
 * validation as the records API), and a result zip with STATUS / RECORD_ID / ERRORS columns.
 */
import { parse } from 'csv-parse/sync';
import type pg from 'pg';
import { fail, parseMultipart, readBody, readJson, send, type ApiUser, type Ctx } from './http.ts';
import { loadModule, type ModuleMeta } from './model.ts';
import { findByFieldSql, insertOne, updateOne } from './records.ts';
import { newId, ORG_ZGID, zohoTime } from './store.ts';
import type { ResolvedOrg } from './config.ts';
import { readZip, writeZip } from '../../../../engine/util/zip.ts';
import { ZOHO_BULK_WRITE_MODULES } from '../client.ts';

const MAX_ZIP = 25 * 1024 * 1024;
const MAX_ROWS = 25000;
const MAX_COLS = 200;

interface Mapping {
  api_name: string;
  index?: number;
  find_by?: string;
  default_value?: { value?: unknown };
  format?: string;
}

interface Resource {
  type?: string;
  module: { api_name: string };
  file_id: string;
  find_by?: string;
  field_mappings?: Mapping[];
  ignore_empty?: boolean;
}

function parseCsv(text: string): string[][] {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '|', ':'].map((d) => ({ d, n: first.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d;
  return parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
}

export async function upload(ctx: Ctx): Promise<void> {
  const feature = ctx.req.headers['feature'];
  const org = ctx.req.headers['x-crm-org'];
  if (feature !== 'bulk-write' || org !== ORG_ZGID) {
    return send(ctx, 400, { ERROR_CODE: 'INVALID_REQUEST', ERROR_MESSAGE: 'invalid request', 'x-error': 'check if headers [feature, X-CRM-ORG] are present and valid' });
  }
  const buf = await readBody(ctx);
  if (buf.length > MAX_ZIP + 64 * 1024) throw fail(413, 'FILE_TOO_LARGE', 'The file size exceeds the allowed limit', { allowed_size: MAX_ZIP });
  const file = parseMultipart(buf, ctx.req.headers['content-type'] ?? '').find((p) => p.name === 'file');
  if (!file) throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'file' });
  if (file.data.length > MAX_ZIP) throw fail(413, 'FILE_TOO_LARGE', 'The file size exceeds the allowed limit', { allowed_size: MAX_ZIP });
  let entries;
  try {
    entries = readZip(file.data).filter((e) => /\.csv$/i.test(e.name));
  } catch {
    throw fail(400, 'INVALID_FILE_FORMAT', 'The file should be a zip file containing a CSV', {});
  }
  if (!entries.length) throw fail(400, 'INVALID_FILE_FORMAT', 'The zip should contain a CSV file', {});
  for (const e of entries) {
    const rows = parseCsv(e.data.toString('utf8'));
    if (rows.length - 1 > MAX_ROWS) throw fail(400, 'LIMIT_EXCEEDED', 'the CSV has more than 25000 rows', { limit: MAX_ROWS });
    if ((rows[0]?.length ?? 0) > MAX_COLS) throw fail(400, 'HEADER_LIMIT_EXCEEDED', 'the CSV has more than 200 columns', { limit: MAX_COLS });
  }
  const id = await newId(ctx.pool);
  const { rows } = await ctx.pool.query('insert into sandbox_zoho.bulk_files (id, name, content) values ($1,$2,$3) returning created_time', [id, file.filename ?? 'upload.zip', file.data]);
  send(ctx, 200, { status: 'success', code: 'FILE_UPLOAD_SUCCESS', message: 'file uploaded.', details: { file_id: id, created_time: zohoTime(rows[0].created_time) } });
}

async function loadFile(pool: pg.Pool, fileId: string): Promise<{ name: string; rows: string[][] } | undefined> {
  const { rows } = await pool.query('select content from sandbox_zoho.bulk_files where id = $1', [fileId]);
  if (!rows.length) return undefined;
  const e = readZip(rows[0].content).find((x) => /\.csv$/i.test(x.name))!;
  return { name: e.name, rows: parseCsv(e.data.toString('utf8')) };
}

export interface BulkRunner {
  org: ResolvedOrg;
  apiUser: ApiUser;
  apiDomain: string;
  pool: pg.Pool;
  timers: Set<NodeJS.Timeout>;
  /** The ANALYZE a finished job started (awaited when the sandbox closes). */
  analyzing?: Promise<unknown>;
}

export async function createJob(ctx: Ctx, runner: BulkRunner): Promise<void> {
  const body = await readJson(ctx);
  const op = body.operation;
  if (!['insert', 'update', 'upsert'].includes(String(op))) throw fail(400, 'INVALID_DATA', 'invalid data', { api_name: 'operation', supported_values: ['insert', 'update', 'upsert'] });
  const cb = body.callback as { url?: string; method?: string } | undefined;
  if (cb) {
    if (!cb.url || !/^https?:\/\/\S+$/.test(cb.url)) throw fail(400, 'INVALID_CALLBACK_URL', 'invalid callback url', { api_name: 'callback.url' });
    if (cb.method !== 'post') throw fail(400, 'INVALID_CALLBACK_METHOD', 'invalid callback method', { supported_callback_methods: ['post'] });
  }
  const resources = body.resource as Resource[] | undefined;
  if (!Array.isArray(resources) || !resources.length) throw fail(400, 'MISSING_REQUIRED_KEY', 'resource is required', { api_name: 'resource' });
  const outRes = [];
  for (const [ri, r] of resources.entries()) {
    const where = `resource[${ri}]`;
    if (!r.module?.api_name) throw fail(400, 'MISSING_REQUIRED_KEY', 'module is required', { api_name: `${where}.module` });
    const mod = await loadModule(ctx.pool, r.module.api_name);
    // Only the documented Bulk Write modules and custom ones (Calls, Events, Notes, Attachments... are refused).
    if (!mod || !mod.apiSupported || !(mod.custom || ZOHO_BULK_WRITE_MODULES.has(mod.api_name))) throw fail(400, 'MODULE_NOT_AVAILABLE', 'the module is not available for bulk write', { api_name: `${where}.module` });
    if (!r.file_id) throw fail(400, 'MISSING_REQUIRED_KEY', 'file_id is required', { api_name: `${where}.file_id` });
    const file = await loadFile(ctx.pool, String(r.file_id));
    if (!file) throw fail(400, 'INVALID_FILE_ID', 'invalid file id', { api_name: `${where}.file_id` });
    if (op !== 'insert' && !r.find_by) throw fail(400, 'MISSING_REQUIRED_KEY', 'find_by is required for update and upsert', { api_name: `${where}.find_by` });
    if (r.find_by && r.find_by !== 'id' && !mod.fields.has(r.find_by)) throw fail(400, 'INVALID_FIELD', `invalid mapping. invalid api_name ${r.find_by}`, { api_name: `${where}.find_by` });
    const header = file.rows[0] ?? [];
    const mappings: Mapping[] = r.field_mappings ?? header.map((h, index) => ({ api_name: h.split('.')[0]!, index, ...(h.includes('.') ? { find_by: h.split('.')[1] } : {}) }));
    for (const m of mappings) {
      if (m.api_name !== 'id' && !mod.fields.has(m.api_name)) throw fail(400, 'INVALID_FIELD', `invalid mapping. invalid api_name ${m.api_name}`, { api_name: m.api_name });
      if (m.index !== undefined && (m.index < 0 || m.index >= header.length)) throw fail(400, 'COLUMN_INDEX_NOT_FOUND', 'column index not found', { api_name: m.api_name, index: m.index });
      const f = mod.fields.get(m.api_name);
      if (f && ['lookup', 'ownerlookup', 'userlookup'].includes(f.data_type) && m.index !== undefined && !m.find_by) throw fail(400, 'MISSING_REQUIRED_KEY', 'find_by is required for lookup columns', { api_name: m.api_name });
    }
    if (op === 'insert') {
      const mapped = new Set(mappings.map((m) => m.api_name));
      const missing = [...mod.fields.values()].filter((f) => f.system_mandatory && !mapped.has(f.api_name)).map((f) => f.api_name);
      if (missing.length) throw fail(400, 'MANDATORY_FIELDS_NOT_MAPPED', 'mandatory fields are not mapped', { api_names: missing });
    }
    outRes.push({ type: 'data', module: { api_name: mod.api_name, id: mod.id }, file_id: String(r.file_id), find_by: r.find_by ?? null, ignore_empty: body.ignore_empty === true, field_mappings: mappings, file_name: file.name });
  }
  const id = await newId(ctx.pool);
  const job = {
    status: 'ADDED',
    character_encoding: 'UTF-8',
    id,
    operation: op,
    callback: cb ?? null,
    created_by: { id: ctx.apiUser.id, name: ctx.apiUser.full_name },
    created_time: zohoTime(),
    resource: outRes.map((r) => ({
      status: 'ADDED',
      type: 'data',
      code: null,
      module: r.module,
      find_by: r.find_by,
      field_mappings: r.field_mappings.map((m) => ({ api_name: m.api_name, index: m.index ?? null, format: m.format ?? null, find_by: m.find_by ?? null, default_value: m.default_value ?? null })),
      file: { status: 'ADDED', name: r.file_name, added_count: 0, skipped_count: 0, updated_count: 0, total_count: 0 },
    })),
  };
  await ctx.pool.query('insert into sandbox_zoho.bulk_jobs (id, status, request, job) values ($1,$2,$3,$4)', [id, 'ADDED', { resources: outRes, op }, job]);
  ctx.credits = 500;
  schedule(runner, id);
  send(ctx, 201, { status: 'success', code: 'SUCCESS', message: 'success', details: { id, created_by: job.created_by } });
}

export function schedule(runner: BulkRunner, id: string): void {
  const t = setTimeout(() => {
    runner.timers.delete(t);
    runJob(runner, id).catch(async (err) => {
      await runner.pool
        .query(`update sandbox_zoho.bulk_jobs set status = 'FAILED', job = job || jsonb_build_object('status','FAILED','error',$2::text) where id = $1`, [id, (err as Error).message])
        .catch(() => {});
    });
  }, runner.org.bulkStepMs);
  runner.timers.add(t);
}

function convertDate(v: string, format: string | undefined, withTime: boolean): string | undefined {
  const fmt = format ?? (withTime ? 'MM/dd/yyyy HH:mm:ss' : 'MM/dd/yyyy');
  const re = fmt.replace(/yyyy|MM|dd|HH|mm|ss/g, (t) => `(?<${t === 'mm' ? 'mi' : t}>\\d{${t === 'yyyy' ? 4 : 2}})`).replace(/[/.]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${re}$`).exec(v.trim());
  if (!m?.groups) return withTime && /^\d{4}-\d{2}-\d{2}T/.test(v) ? v : undefined;
  const g = m.groups;
  const date = `${g.yyyy}-${g.MM}-${g.dd}`;
  return withTime ? `${date}T${g.HH ?? '00'}:${g.mi ?? '00'}:${g.ss ?? '00'}+00:00` : date;
}

async function cellValue(pool: pg.Pool, mod: ModuleMeta, m: Mapping, raw: string): Promise<{ v?: unknown; err?: string }> {
  const f = mod.fields.get(m.api_name);
  if (!f) return { v: raw };
  switch (f.data_type) {
    case 'integer':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = Number(raw);
      return raw.trim() === '' || Number.isNaN(n) ? { err: 'INVALID_DATA' } : { v: n };
    }
    case 'boolean':
      return /^(true|false)$/i.test(raw) ? { v: raw.toLowerCase() === 'true' } : { err: 'INVALID_DATA' };
    case 'date':
    case 'datetime': {
      const d = convertDate(raw, m.format, f.data_type === 'datetime');
      return d ? { v: d } : { err: 'INVALID_DATA' };
    }
    case 'multiselectpicklist':
      return { v: raw.split(';').map((s) => s.trim()).filter(Boolean) };
    case 'lookup':
    case 'ownerlookup':
    case 'userlookup': {
      if (!m.find_by || m.find_by === 'id') return { v: { id: raw } };
      if (f.data_type !== 'lookup') {
        const { rows } = await pool.query(`select id from sandbox_zoho.users where lower(${m.find_by === 'email' ? 'email' : 'full_name'}) = lower($1)`, [raw]);
        return rows.length ? { v: { id: rows[0].id } } : { err: 'RESOURCE_NOT_FOUND' };
      }
      const { rows } = await pool.query(findByFieldSql(m.find_by), [f.lookup_module, raw]);
      return rows.length ? { v: { id: rows[0].id } } : { err: 'RESOURCE_NOT_FOUND' };
    }
    default:
      return { v: raw };
  }
}

async function runJob(runner: BulkRunner, id: string): Promise<void> {
  const { pool } = runner;
  const { rows } = await pool.query('select request, job from sandbox_zoho.bulk_jobs where id = $1', [id]);
  if (!rows.length) return;
  const { request, job } = rows[0] as { request: { resources: (Resource & { file_name: string; field_mappings: Mapping[] })[]; op: string }; job: Record<string, any> };
  job.status = 'INPROGRESS';
  for (const r of job.resource) r.status = r.file.status = 'INPROGRESS';
  await pool.query(`update sandbox_zoho.bulk_jobs set status = 'INPROGRESS', job = $2 where id = $1`, [id, job]);
  await new Promise((res) => {
    const t = setTimeout(res, runner.org.bulkStepMs);
    runner.timers.add(t);
  });
  // Rows go through the records API's validation, with a context that has no HTTP request.
  const ctx = {
    req: { headers: {} },
    pool,
    org: runner.org,
    apiDomain: runner.apiDomain,
    apiUser: runner.apiUser,
    credits: 0,
    records: 0,
    dropAfter: false,
    rejectRecord: () => false,
  } as unknown as Ctx;
  const outFiles = [];
  for (const [ri, res] of request.resources.entries()) {
    const mod = (await loadModule(pool, res.module.api_name))!;
    const file = (await loadFile(pool, res.file_id))!;
    const [header = [], ...data] = file.rows;
    const counts = { added_count: 0, skipped_count: 0, updated_count: 0, total_count: data.length };
    const shownCols = res.field_mappings.filter((m) => m.index !== undefined).slice(0, 3);
    const out: string[][] = [[...shownCols.map((m) => header[m.index!] ?? m.api_name), 'STATUS', 'RECORD_ID', 'ERRORS']];
    for (const [rowNo, row] of data.entries()) {
      const rec: Record<string, unknown> = {};
      const errs: string[] = [];
      for (const m of res.field_mappings) {
        const raw = m.index !== undefined ? (row[m.index] ?? '') : undefined;
        if (raw === undefined || raw === '') {
          if (m.default_value?.value !== undefined) rec[m.api_name] = m.default_value.value;
          else if (raw === '' && !res.ignore_empty && request.op !== 'insert') rec[m.api_name] = null;
          continue;
        }
        const c = await cellValue(pool, mod, m, raw);
        if (c.err) errs.push(`${c.err}-${header[m.index!] ?? m.api_name}`);
        else rec[m.api_name] = c.v;
      }
      let status = 'skipped';
      let recordId = '';
      if (!errs.length) {
        let matchId: string | undefined;
        if (res.find_by) {
          const key = rec[res.find_by] ?? (res.find_by === 'id' ? rec.id : undefined);
          if (key !== undefined && key !== null && key !== '') {
            const q =
              res.find_by === 'id'
                ? await pool.query('select id from sandbox_zoho.records where module = $1 and id = $2', [mod.api_name, String(key)])
                : await pool.query(findByFieldSql(res.find_by), [mod.api_name, String(key)]);
            matchId = q.rows[0]?.id;
          }
        }
        delete rec.id;
        let result;
        if (matchId && request.op !== 'insert') result = await updateOne(ctx, mod, rec, rowNo, matchId);
        else if (matchId && request.op === 'insert') errs.push(`DUPLICATE_DATA-${res.find_by}`);
        else if (request.op === 'update') errs.push(`RESOURCE_NOT_FOUND-${res.find_by}`);
        else result = await insertOne(ctx, mod, rec, rowNo);
        if (result?.status === 'success') {
          recordId = (result.details as { id: string }).id;
          status = matchId ? 'updated' : 'added';
        } else if (result) {
          const d = result.details as { api_name?: string; errors?: { code: string; details: { api_name?: string } }[] };
          const list = d.errors ?? [{ code: String(result.code), details: d }];
          for (const e of list) errs.push(`${e.code}-${e.details.api_name ?? ''}`);
        }
      }
      if (status === 'added') counts.added_count++;
      else if (status === 'updated') counts.updated_count++;
      else counts.skipped_count++;
      out.push([...shownCols.map((m) => row[m.index!] ?? ''), status, recordId, errs.join(':')]);
    }
    const csv = out.map((r) => r.map((c) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';
    outFiles.push({ name: `${mod.api_name}-${file.name.replace(/^.*\//, '')}`, data: Buffer.from(csv, 'utf8') });
    const jr = job.resource[ri];
    jr.status = 'COMPLETED';
    jr.code = 'SUCCESS';
    jr.file = { status: 'COMPLETED', name: file.name, ...counts };
  }
  job.status = 'COMPLETED';
  job.result = { download_url: `${runner.apiDomain}/v8/crm/org${ORG_ZGID}/bulk-write/${id}/${id}.zip` };
  // A job can add 25,000 rows at once: statistics are brought up to date before it reports
  // COMPLETED, so the next job's key lookups (and the records API's) plan on indexes.
  runner.analyzing = pool.query('analyze sandbox_zoho.records').catch(() => {});
  await runner.analyzing;
  await pool.query(`update sandbox_zoho.bulk_jobs set status = 'COMPLETED', job = $2, result = $3 where id = $1`, [id, job, writeZip(outFiles)]);
  if (job.callback?.url) {
    fetch(job.callback.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) }).catch(() => {});
  }
}

export async function jobStatus(ctx: Ctx, id: string): Promise<void> {
  const { rows } = await ctx.pool.query('select job from sandbox_zoho.bulk_jobs where id = $1', [id]);
  if (!rows.length) throw fail(404, 'RESOURCE_NOT_FOUND', 'the requested resource was not found', { api_name: 'job_id' });
  const { callback: _cb, ...job } = rows[0].job;
  send(ctx, 200, job);
}

export async function download(ctx: Ctx, id: string): Promise<void> {
  const { rows } = await ctx.pool.query('select result from sandbox_zoho.bulk_jobs where id = $1', [id]);
  if (!rows.length || !rows[0].result) throw fail(404, 'RESOURCE_NOT_FOUND', 'the requested resource was not found', { api_name: 'job_id' });
  send(ctx, 200, rows[0].result, { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${id}.zip"` });
}

/** Jobs a previous process left behind: ADDED ones run now; INPROGRESS ones are FAILED (half done). */
export async function resumeJobs(runner: BulkRunner): Promise<void> {
  await runner.pool.query(`update sandbox_zoho.bulk_jobs set status = 'FAILED', job = job || '{"status":"FAILED"}' where status = 'INPROGRESS'`);
  const { rows } = await runner.pool.query(`select id from sandbox_zoho.bulk_jobs where status = 'ADDED'`);
  for (const r of rows) schedule(runner, r.id);
}
