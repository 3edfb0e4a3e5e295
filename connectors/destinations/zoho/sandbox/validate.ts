/**
 * Per-record validation of a write against the module's field metadata (reference §3.3, §3.4,
 * §4.1, §5.5, §11). Returns the data to store or the per-record error object.
 */
import type pg from 'pg';
import type { Ctx } from './http.ts';
import { lowerFieldSql, type FieldMeta, type ModuleMeta } from './model.ts';

export interface RecordError {
  [k: string]: unknown;
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'error';
}

export const recError = (code: string, message: string, details: Record<string, unknown>): RecordError => ({ code, details, message, status: 'error' });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9A-Za-z+\-.(),;#\s/]*$/;
const WEBSITE = /^(https?:\/\/)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?([/?#]\S*)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:\d{2}|Z)$/;
const CALL_DURATION = /^\d{1,3}:\d{2}(:\d{2})?$/;
const TEXTAREA_MAX: Record<string, number> = { small: 2000, large: 32000, rich_text: 50000 };
const SPECIAL_KEYS = new Set(['id', '$se_module', '$append_values', '$approved', 'Layout', '$approval_state']);

function validDate(s: string): boolean {
  const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s.slice(0, 10);
}

export async function recordExists(pool: pg.Pool, module: string, id: unknown): Promise<boolean> {
  if (typeof id !== 'string' && typeof id !== 'number') return false;
  const { rowCount } = await pool.query('select 1 from sandbox_zoho.records where module = $1 and id = $2', [module, String(id)]);
  return !!rowCount;
}

interface ValidateOpts {
  mode: 'insert' | 'update';
  index: number;
  /** The stored record on update (for mandatory/dependency checks of the merged result). */
  existing?: Record<string, unknown>;
  selfId?: string;
}

export async function validateRecord(
  ctx: Ctx,
  mod: ModuleMeta,
  input: Record<string, unknown>,
  o: ValidateOpts,
): Promise<{ ok: true; data: Record<string, unknown> } | { ok: false; error: RecordError }> {
  const errors: RecordError[] = [];
  const jp = (k: string) => `$.data[${o.index}].${k}`;
  const invalid = (api_name: string, extra: Record<string, unknown> = {}, message = 'invalid data') =>
    errors.push(recError('INVALID_DATA', message, { api_name, json_path: jp(api_name), ...extra }));
  const data: Record<string, unknown> = {};

  for (const [k, v] of Object.entries(input)) {
    if (k === 'id' || v === undefined) continue;
    if (SPECIAL_KEYS.has(k)) {
      if (k === '$se_module') data[k] = v;
      continue;
    }
    const f = mod.fields.get(k);
    if (!f) {
      if (ctx.org.unknownFields === 'store') data[k] = v;
      else if (ctx.org.unknownFields === 'reject') invalid(k, {}, 'the field api name given seems to be invalid');
      continue;
    }
    if (f.read_only) {
      if (ctx.org.readOnlyFields === 'reject') invalid(k, {}, 'the field is read only');
      continue;
    }
    if (v === null || v === '') {
      data[k] = null;
      continue;
    }
    const err = await checkValue(ctx, mod, f, v, input, jp(k));
    if (err) errors.push(err);
    else data[k] = k === 'Tag' ? v : v;
  }

  // Mandatory fields: system-mandatory plus the org's configured extras, on the merged record.
  // Presence is judged on the input: an invalid value is reported as invalid, not also as missing.
  const merged: Record<string, unknown> = { ...(o.existing ?? {}), ...data };
  for (const [k, v] of Object.entries(input)) if (!(k in data) && v !== undefined && v !== null && v !== '' && mod.fields.has(k)) merged[k] = v;
  const required = [...[...mod.fields.values()].filter((f) => f.system_mandatory).map((f) => f.api_name), ...(ctx.org.mandatory[mod.api_name] ?? [])];
  for (const name of required) {
    const v = merged[name];
    if (v === undefined || v === null || v === '') errors.push(recError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: name, json_path: jp(name) }));
  }
  if (mod.api_name === 'Calls') callRules(merged, jp, errors);
  if (mod.api_name === 'Notes' && !merged.Note_Title && !merged.Note_Content) {
    errors.push(recError('EXPECTED_FIELD_MISSING', 'one of the expected field is missing', { expected_fields: [{ api_name: 'Note_Title', json_path: jp('Note_Title') }, { api_name: 'Note_Content', json_path: jp('Note_Content') }] }));
  }

  // Unique fields: DUPLICATE_DATA with the colliding record.
  const uniques = [...mod.fields.values()].filter((f) => Object.keys(f.unique ?? {}).length || (ctx.org.uniqueFields[mod.api_name] ?? []).includes(f.api_name));
  for (const f of uniques) {
    const v = data[f.api_name];
    if (v === undefined || v === null || typeof v === 'object') continue;
    const { rows } = await ctx.pool.query(
      `select r.id, r.data->'Owner'->>'id' as owner from sandbox_zoho.records r
        where r.module = $1 and ${lowerFieldSql(f.api_name, 'r.')} = lower($2) and r.id <> $3 order by r.id limit 2`,
      [mod.api_name, String(v), o.selfId ?? ''],
    );
    if (rows.length) {
      const u = await ctx.pool.query('select id, full_name from sandbox_zoho.users where id = $1', [rows[0].owner]);
      errors.push(
        recError('DUPLICATE_DATA', 'duplicate data', {
          api_name: f.api_name,
          json_path: jp(f.api_name),
          duplicate_record: { id: rows[0].id, module: { api_name: mod.api_name, id: mod.id }, Owner: u.rows[0] ? { name: u.rows[0].full_name, id: u.rows[0].id, zuid: u.rows[0].id } : null },
          more_records: rows.length > 1,
        }),
      );
    }
  }

  if (!errors.length && ctx.rejectRecord()) {
    const first = Object.keys(data)[0] ?? 'id';
    errors.push(recError('INVALID_DATA', 'invalid data', { api_name: first, json_path: jp(first) }));
    ctx.fault = ctx.fault ? ctx.fault : 'recordReject';
  }
  if (errors.length === 1) return { ok: false, error: errors[0]! };
  if (errors.length > 1) return { ok: false, error: recError('MULTIPLE_OR_MULTI_ERRORS', 'Multiple errors in the request', { errors }) };
  return { ok: true, data };
}

function callRules(rec: Record<string, unknown>, jp: (k: string) => string, errors: RecordError[]) {
  const dur = rec.Call_Duration;
  if (dur !== undefined && dur !== null) {
    if (typeof dur !== 'string' || !CALL_DURATION.test(dur)) {
      errors.push(recError('INVALID_DATA', 'invalid data', { api_name: 'Call_Duration', json_path: jp('Call_Duration'), expected_data_type: 'text' }));
      return;
    }
  }
  const scheduled = rec.Outbound_Call_Status === 'Scheduled';
  const type = rec.Call_Type;
  if ((type === 'Inbound' || type === 'Outbound') && !scheduled) {
    if (dur === undefined || dur === null) {
      errors.push(recError('DEPENDENT_FIELD_MISSING', 'required field not found', { api_name: 'Call_Duration', json_path: jp('Call_Duration'), dependee: { api_name: 'Call_Type', json_path: jp('Call_Type') } }));
    } else if (String(dur).split(':').every((p) => Number(p) === 0)) {
      errors.push(recError('DEPENDENT_MISMATCH', 'Call Duration can not be zero.', { api_name: 'Call_Duration', json_path: jp('Call_Duration'), dependee: { api_name: 'Call_Type', json_path: jp('Call_Type') } }));
    }
  }
}

async function checkValue(ctx: Ctx, mod: ModuleMeta, f: FieldMeta, v: unknown, rec: Record<string, unknown>, path: string): Promise<RecordError | undefined> {
  const bad = (expected: string) => recError('INVALID_DATA', 'invalid data', { expected_data_type: expected, api_name: f.api_name, json_path: path });
  const tooLong = (max: number) => recError('INVALID_DATA', 'invalid data', { maximum_length: max, api_name: f.api_name, json_path: path });
  const badId = () => recError('INVALID_DATA', 'the related id given seems to be invalid', { api_name: f.api_name, json_path: path });
  const maxLen = (dflt: number) => (f.length && f.length > 0 ? f.length : dflt);
  switch (f.data_type) {
    case 'text':
      if (f.api_name === 'Tag') {
        if (!Array.isArray(v)) return bad('jsonarray');
        return undefined;
      }
      if (typeof v !== 'string') return bad('text');
      if (v.length > maxLen(255)) return tooLong(maxLen(255));
      return undefined;
    case 'textarea': {
      if (typeof v !== 'string') return bad('textarea');
      const max = f.length ?? TEXTAREA_MAX[f.textarea_type ?? 'large'] ?? 32000;
      return v.length > max ? tooLong(max) : undefined;
    }
    case 'email':
      if (typeof v !== 'string' || !EMAIL.test(v)) return bad('email');
      return v.length > maxLen(100) ? tooLong(maxLen(100)) : undefined;
    case 'phone':
      if (typeof v !== 'string' || !PHONE.test(v)) return bad('phone');
      return v.length > maxLen(30) ? tooLong(maxLen(30)) : undefined;
    case 'website':
      if (typeof v !== 'string' || !WEBSITE.test(v)) return bad('website');
      return v.length > maxLen(255) ? tooLong(maxLen(255)) : undefined;
    case 'picklist': {
      if (typeof v !== 'string') return bad('text');
      if (v.length > 255) return tooLong(255);
      const options = (f.pick_list ?? []).map((o) => o.display_value);
      if ((f.strict_picklist || ctx.org.strictPicklists) && !options.includes(v)) {
        return recError('INVALID_DATA', 'invalid data', { api_name: f.api_name, json_path: path, supported_values: options });
      }
      return undefined;
    }
    case 'multiselectpicklist': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad('jsonarray');
      const options = (f.pick_list ?? []).map((o) => o.display_value);
      if ((f.strict_picklist || ctx.org.strictPicklists) && v.some((x) => !options.includes(x))) {
        return recError('INVALID_DATA', 'invalid data', { api_name: f.api_name, json_path: path, supported_values: options });
      }
      return undefined;
    }
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return bad('integer');
      return String(Math.abs(v)).length > maxLen(9) ? tooLong(maxLen(9)) : undefined;
    case 'bigint':
      if (!(typeof v === 'string' && /^-?\d+$/.test(v)) && !(typeof v === 'number' && Number.isInteger(v))) return bad('bigint');
      return String(v).replace('-', '').length > 18 ? tooLong(18) : undefined;
    case 'double':
    case 'currency':
    case 'percent': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad(f.data_type === 'percent' ? 'double' : f.data_type);
      if (f.data_type === 'percent' && (v < 0 || v > 100) && mod.api_name === 'Deals') return recError('INVALID_DATA', 'Given Probability is not valid', { api_name: f.api_name, json_path: path });
      const whole = String(Math.trunc(Math.abs(v))).length;
      return whole > 16 ? tooLong(16) : undefined;
    }
    case 'boolean':
      return typeof v === 'boolean' ? undefined : bad('boolean');
    case 'date':
      return typeof v === 'string' && DATE.test(v) && validDate(v) ? undefined : bad('date');
    case 'datetime':
      return typeof v === 'string' && DATETIME.test(v) && validDate(v) && !Number.isNaN(Date.parse(v)) ? undefined : bad('datetime');
    case 'lookup': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return bad('jsonobject');
      const id = (v as { id?: unknown }).id;
      return (await recordExists(ctx.pool, f.lookup_module ?? '', id)) ? undefined : badId();
    }
    case 'multi_module_lookup': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return bad('jsonobject');
      const id = (v as { id?: unknown }).id;
      const target =
        f.api_name === 'Parent_Id'
          ? ((v as { module?: { api_name?: string } }).module?.api_name ?? (rec.se_module as string | undefined))
          : (rec.$se_module as string | undefined);
      if (!target) {
        return recError('DEPENDENT_FIELD_MISSING', 'required field not found', {
          api_name: f.api_name === 'Parent_Id' ? 'module' : '$se_module',
          json_path: f.api_name === 'Parent_Id' ? `${path}.module` : path.replace(/[^.]+$/, '$se_module'),
          dependee: { api_name: f.api_name, json_path: path },
        });
      }
      return (await recordExists(ctx.pool, target, id)) ? undefined : badId();
    }
    case 'ownerlookup':
    case 'userlookup': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return bad('jsonobject');
      const id = (v as { id?: unknown }).id;
      const { rows } = await ctx.pool.query('select status from sandbox_zoho.users where id = $1', [String(id)]);
      if (!rows.length) return recError('INVALID_DATA', 'invalid data', { api_name: f.api_name, json_path: path, expected_data_type: 'ownerlookup' });
      if (rows[0].status !== 'active' && !ctx.org.allowInactiveOwners) return recError('INVALID_DATA', 'the user is not active', { api_name: f.api_name, json_path: path });
      return undefined;
    }
    case 'multiselectlookup':
      return Array.isArray(v) ? (v.length > 50 && mod.api_name === 'Events' ? recError('LIMIT_EXCEEDED', 'limit exceeded', { api_name: f.api_name, json_path: path, limit: 50 }) : undefined) : bad('jsonarray');
    default:
      return undefined;
  }
}
