/**
 * Canonical snapshot of a sandbox org (records, modules, fields with picklists, users, tags,
 * attachments) without volatile timestamps, and a diff of two snapshots: rollback tests assert
 * "state after rollback equals state before" and read the differences when it does not.
 */
import type pg from 'pg';

export interface ZohoOrgSnapshot {
  modules: string[];
  fields: Record<string, Record<string, { data_type: string; length: number | null; custom: boolean; unique: boolean; picklist: string[] | null }>>;
  records: Record<string, Record<string, Record<string, unknown>>>;
  users: Record<string, { email: string; full_name: string; status: string }>;
  tags: Record<string, string[]>;
  attachments: Record<string, { module: string; record_id: string; file_name: string; size: number }>;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Volatile keys left out: they change on every write without meaning a different state. */
const VOLATILE = new Set(['Created_Time', 'Modified_Time', 'Converted_Date_Time', 'Last_Activity_Time']);

export async function snapshotZohoOrg(pool: pg.Pool): Promise<ZohoOrgSnapshot> {
  const snap: ZohoOrgSnapshot = { modules: [], fields: {}, records: {}, users: {}, tags: {}, attachments: {} };
  for (const r of (await pool.query('select api_name from sandbox_zoho.modules order by api_name')).rows) snap.modules.push(r.api_name);
  for (const r of (await pool.query('select module, api_name, data from sandbox_zoho.fields order by module, api_name')).rows) {
    (snap.fields[r.module] ??= {})[r.api_name] = {
      data_type: r.data.data_type,
      length: r.data.length ?? null,
      custom: !!r.data.custom_field,
      unique: Object.keys(r.data.unique ?? {}).length > 0,
      picklist: Array.isArray(r.data.pick_list) ? r.data.pick_list.map((o: { display_value: string }) => o.display_value) : null,
    };
  }
  for (const r of (await pool.query('select module, id, data from sandbox_zoho.records order by module, id')).rows) {
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.data as Record<string, unknown>)) if (!VOLATILE.has(k)) data[k] = v;
    (snap.records[r.module] ??= {})[r.id] = canonical(data) as Record<string, unknown>;
  }
  for (const r of (await pool.query('select id, email, full_name, status from sandbox_zoho.users order by id')).rows) snap.users[r.id] = { email: r.email, full_name: r.full_name, status: r.status };
  for (const r of (await pool.query('select module, name from sandbox_zoho.tags order by module, name')).rows) (snap.tags[r.module] ??= []).push(r.name);
  for (const r of (await pool.query('select id, module, record_id, file_name, size from sandbox_zoho.attachments order by id')).rows) {
    snap.attachments[r.id] = { module: r.module, record_id: r.record_id, file_name: r.file_name, size: r.size };
  }
  return snap;
}

/** Differences as readable lines, e.g. `records.Leads.5725767000000000042.Email: "a@x" -> "b@x"`. */
export function diffZohoSnapshots(a: ZohoOrgSnapshot, b: ZohoOrgSnapshot): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  const walk = (path: string, x: unknown, y: unknown, depth: number) => {
    if (JSON.stringify(canonical(x)) === JSON.stringify(canonical(y))) return;
    const isObj = (v: unknown) => v && typeof v === 'object' && !Array.isArray(v);
    // Containers (a module's records, a module's fields) are walked even when one side lacks them,
    // so an added record reads `records.Accounts.<id>: added {...}` on every level.
    const container = (v: unknown) => isObj(v) || (depth > 1 && v === undefined);
    if (depth > 0 && container(x) && container(y)) {
      const xs = (x ?? {}) as Record<string, unknown>;
      const ys = (y ?? {}) as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(xs), ...Object.keys(ys)])].sort();
      for (const k of keys) walk(`${path}.${k}`, xs[k], ys[k], depth - 1);
      return;
    }
    if (x === undefined) out.push(`${path}: added ${show(y)}`);
    else if (y === undefined) out.push(`${path}: removed ${show(x)}`);
    else out.push(`${path}: ${show(x)} -> ${show(y)}`);
  };
  walk('modules', a.modules, b.modules, 0);
  walk('fields', a.fields, b.fields, 3);
  walk('records', a.records, b.records, 3);
  walk('users', a.users, b.users, 2);
  walk('tags', a.tags, b.tags, 1);
  walk('attachments', a.attachments, b.attachments, 1);
  return out;
}
