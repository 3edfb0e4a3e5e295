/**
 * Snapshot and compare of a sandbox instance, for rollback tests: what a user would see
 * (live entities, tags, custom fields), not bookkeeping (request log, counters, the trash).
 */
import type pg from 'pg';

export interface NutshellSnapshot {
  /** `<entityType>:<id>` -> stored data of every live entity. */
  entities: Record<string, unknown>;
  tags: string[];
  customFields: string[];
}

export async function snapshotNutshellOrg(pool: pg.Pool): Promise<NutshellSnapshot> {
  const ents = await pool.query(`select entity_type, id, data from sandbox_nutshell.entities where deleted_time is null order by entity_type, id`);
  const tags = await pool.query(`select entity_type || ':' || name as k from sandbox_nutshell.tags order by 1`);
  const cfs = await pool.query(`select entity_type || ':' || name || ':' || type as k from sandbox_nutshell.custom_fields order by 1`);
  return {
    entities: Object.fromEntries(ents.rows.map((r) => [`${r.entity_type}:${r.id}`, r.data])),
    tags: tags.rows.map((r) => r.k),
    customFields: cfs.rows.map((r) => r.k),
  };
}

const canon = (v: unknown): string =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v ?? null)
    : Array.isArray(v)
      ? `[${v.map(canon).join(',')}]`
      : `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;

/** Differences from `a` to `b`, one line each (`+` only in b, `-` only in a, `~` changed); empty when equal. */
export function diffNutshellSnapshots(a: NutshellSnapshot, b: NutshellSnapshot): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a.entities)) {
    if (!(k in b.entities)) out.push(`- ${k}`);
    else if (canon(a.entities[k]) !== canon(b.entities[k])) out.push(`~ ${k}`);
  }
  for (const k of Object.keys(b.entities)) if (!(k in a.entities)) out.push(`+ ${k}`);
  for (const [label, x, y] of [['tag', a.tags, b.tags], ['custom field', a.customFields, b.customFields]] as const) {
    for (const t of x) if (!y.includes(t)) out.push(`- ${label} ${t}`);
    for (const t of y) if (!x.includes(t)) out.push(`+ ${label} ${t}`);
  }
  return out;
}
