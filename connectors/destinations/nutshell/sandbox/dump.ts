/**
 * The sandbox instance as a tool compares it with another of the same pipeline (OrgDump).
 * Nutshell records carry no key of ours, so a record's key is what etl.id_map (in the same
 * database) says the pipeline wrote there; a live entity of the pipeline's modules that no key
 * leads to is counted as unkeyed (written, never recorded: what a crash between the call and
 * the bookkeeping leaves behind).
 */
import pg from 'pg';
import type { OrgDump } from '../../../../engine/destination.ts';

/**
 * Bookkeeping the sandbox adds to what was sent, different on every write or in every org.
 * closedTime is Nutshell's clock when an outcome closes a lead: no pipeline sends one.
 */
const VOLATILE = new Set(['id', 'rev', 'createdTime', 'modifiedTime', 'deletedTime', 'closedTime', 'entityType', 'href']);

/**
 * A reference `{ entityType, id }` to a keyed record becomes `@<type>:<key>`; to anything else
 * (users, sources, outcomes: created in another order in another org) `#<type>:<its name>`.
 */
function canonical(v: unknown, ref: Map<string, string>, names: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x, ref, names));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.entityType === 'string' && o.id !== undefined) {
      const k = `${o.entityType}:${o.id}`;
      if (ref.has(k)) return `@${ref.get(k)}`;
      if (names.has(k)) return `#${o.entityType}:${names.get(k)}`;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = canonical(o[k], ref, names);
    return out;
  }
  return v;
}

export async function dumpNutshellOrg(databaseUrl: string, pipeline: string, modules: string[]): Promise<OrgDump> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  pool.on('error', () => {});
  try {
    // Which source keys each destination record stands for (a person found by e-mail can stand for two).
    const keys = new Map<string, string[]>();
    const map = await pool.query(`select dest_module, dest_id, source_key from etl.id_map where pipeline = $1 order by source_key`, [pipeline]);
    for (const r of map.rows) {
      const k = `${r.dest_module}:${Number(r.dest_id)}`;
      keys.set(k, [...(keys.get(k) ?? []), r.source_key]);
    }
    const ref = new Map<string, string>();
    for (const [k, list] of keys) ref.set(k, `${k.slice(0, k.indexOf(':'))}:${list[0]}`);
    const ents = (await pool.query(`select entity_type, id, data from sandbox_nutshell.entities where deleted_time is null order by entity_type, id`)).rows;
    const names = new Map<string, string>();
    for (const e of ents) {
      const d = e.data ?? {};
      const name = d.name?.displayName ?? d.name ?? d.description ?? d.email ?? d.title;
      if (name !== undefined) names.set(`${e.entity_type}:${e.id}`, typeof name === 'string' ? name : JSON.stringify(name));
    }
    const wanted = new Set(modules);
    const out: OrgDump = { records: {}, duplicates: [], unkeyed: {} };
    for (const e of ents) {
      if (!wanted.has(e.entity_type)) continue;
      const list = keys.get(`${e.entity_type}:${e.id}`);
      if (!list) {
        out.unkeyed[e.entity_type] = (out.unkeyed[e.entity_type] ?? 0) + 1;
        continue;
      }
      const fields: Record<string, unknown> = {};
      for (const [f, v] of Object.entries(e.data as Record<string, unknown>)) if (!VOLATILE.has(f)) fields[f] = canonical(v, ref, names);
      // A lead's number counts the leads created before it, and its name is made of it: another
      // order of creation (a retry, a resumed run) gives other numbers to the same leads.
      if (e.entity_type === 'Leads' && typeof e.data.number === 'number') {
        delete fields.number;
        if (fields.name === `Lead\u2013${e.data.number}`) delete fields.name;
      }
      const mod = (out.records[e.entity_type] ??= {});
      for (const sk of list) {
        if (mod[sk]) out.duplicates.push(`${e.entity_type}:${sk}`);
        else mod[sk] = fields;
      }
    }
    return out;
  } finally {
    await pool.end();
  }
}
