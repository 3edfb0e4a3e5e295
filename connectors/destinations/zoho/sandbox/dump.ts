/**
 * The sandbox org as a tool compares it with another org of the same pipeline (OrgDump): each
 * record under its CRM_Migrate_Key, lookups as the key of their target, attachments by hash.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { OrgDump } from '../../../../engine/destination.ts';

/** Changed by every write without meaning another state; `id` differs between two orgs anyway. */
const VOLATILE = new Set(['id', 'Created_Time', 'Modified_Time', 'Converted_Date_Time', 'Last_Activity_Time']);

/** A lookup (`{ id, name }`, `Parent_Id: { module, id }`) becomes `@<module>:<key>` of its target. */
function canonical(v: unknown, idKey: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x, idKey));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.id === 'string' && idKey.has(o.id)) return `@${idKey.get(o.id)}`;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = canonical(o[k], idKey);
    return out;
  }
  return v;
}

export async function dumpZohoOrg(databaseUrl: string, pipeline: string, modules: string[], keyField = 'CRM_Migrate_Key'): Promise<OrgDump> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  pool.on('error', () => {});
  try {
    const prefix = `${pipeline}/`;
    const recs = (await pool.query(`select module, id, data from sandbox_zoho.records order by module, id`)).rows;
    const keyOf = (r: { data: Record<string, unknown> }) => {
      const k = r.data?.[keyField];
      return typeof k === 'string' && k.startsWith(prefix) ? k.slice(prefix.length) : null;
    };
    const idKey = new Map<string, string>();
    for (const r of recs) {
      const k = keyOf(r);
      if (k !== null) idKey.set(r.id, `${r.module}:${k}`);
    }
    const out: OrgDump = { records: {}, duplicates: [], unkeyed: {} };
    const wanted = new Set(modules);
    for (const r of recs) {
      const k = keyOf(r);
      if (k === null) {
        if (!wanted.has(r.module)) continue;
        out.unkeyed[r.module] = (out.unkeyed[r.module] ?? 0) + 1;
        continue;
      }
      const mod = (out.records[r.module] ??= {});
      if (mod[k]) {
        out.duplicates.push(`${r.module}:${k}`);
        continue;
      }
      const fields: Record<string, unknown> = {};
      for (const [f, v] of Object.entries(r.data as Record<string, unknown>)) if (!VOLATILE.has(f) && f !== keyField) fields[f] = canonical(v, idKey);
      mod[k] = fields;
    }
    const att = (out.records.Attachments ??= {});
    const { rows } = await pool.query(`select module, record_id, file_name, size, content from sandbox_zoho.attachments order by id`);
    for (const a of rows) {
      const k = `${idKey.get(a.record_id) ?? `${a.module}:#unkeyed`}|${a.file_name}`;
      if (att[k]) out.duplicates.push(`Attachments:${k}`);
      else att[k] = { size: a.size, sha256: createHash('sha256').update(a.content as Buffer).digest('hex') };
    }
    if (!Object.keys(att).length) delete out.records.Attachments;
    return out;
  } finally {
    await pool.end();
  }
}
