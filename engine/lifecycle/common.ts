/**
 * What the lifecycle commands share: where their documents go (their CSV goes through
 * engine/util/csv-write.ts), and "what the view says to write" for a record: its columns shaped
 * for the destination with owners and lookups resolved from etl the way the loader resolves them.
 */
import { ensureWorkspaceDir } from '../workspace.ts';
import type { Db } from '../db/connection.ts';
import type { Destination, LookupRef, Payload } from '../destination.ts';
import { viewOf, pipelineSchema, type LoadObject, type PipelineDefinition } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';
import type { StepContext } from '../steps/context.ts';

/** out/<pipeline>/<part> (or --out DIR/<part>), created. */
export function outDir(ctx: StepContext, part: string): string {
  return ensureWorkspaceDir(ctx.pipeline.name, ctx.flags.out, part);
}

export const htmlEscape = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A Markdown table cell: pipes and newlines would break the table. */
export const mdCell = (v: unknown) => (v === null || v === undefined ? '' : (typeof v === 'object' ? JSON.stringify(v) : String(v)).replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));

export function viewName(p: PipelineDefinition, o: LoadObject): { schema: string; name: string; sql: string } {
  const [schema, name] = viewOf(p, o).split('.') as [string, string];
  return { schema, name, sql: `${ident(schema)}.${ident(name)}` };
}

export async function relationExists(db: Db, qualified: string): Promise<boolean> {
  const { rows } = await db.pool.query('select to_regclass($1) is not null as ok', [qualified]);
  return rows[0].ok as boolean;
}

/** Column names that say "picklist" (status, stage, source, type...). */
const PICKLIST_NAME = /(status|stage|source|type|result|priority|direction|category|salutation|industry|rating|reason|channel|group|role)/i;

/**
 * Columns of a view whose values look like a picklist: declared as one in the pipeline's
 * schema, or named like one with at most 50 values, or any short text column with at most 12
 * values that repeat (free text rarely does).
 */
export async function picklistColumns(db: Db, p: PipelineDefinition, o: LoadObject): Promise<string[]> {
  const v = viewName(p, o);
  const { rows: cols } = await db.pool.query(
    `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
    [v.schema, v.name],
  );
  const skip = new Set(['source_key', ...Object.keys(o.lookups ?? {}), ...(o.owner ? [o.owner] : [])]);
  const candidates = cols.filter((c) => !skip.has(c.column_name) && !c.column_name.startsWith('_') && ['text', 'character varying', 'boolean'].includes(c.data_type));
  if (!candidates.length) return [];
  const { rows } = await db.pool.query(
    `select count(*)::int as n, ${candidates
      .map((c, i) => `count(distinct ${ident(c.column_name)})::int as d${i}, coalesce(avg(length(${ident(c.column_name)}::text)), 0)::float as l${i}`)
      .join(', ')} from ${v.sql}`,
  );
  const n = rows[0].n as number;
  const declared = declaredPicklists(p, o.module);
  return candidates
    .filter((c, i) => {
      const d = rows[0][`d${i}`] as number;
      const len = rows[0][`l${i}`] as number;
      if (d === 0) return false;
      if (declared.has(c.column_name)) return true;
      if (PICKLIST_NAME.test(c.column_name)) return d <= 50;
      return d <= 12 && len <= 40 && d * 4 <= n;
    })
    .map((c) => c.column_name);
}

/** Fields the pipeline declares as picklists for a module (schema requirements). */
export function declaredPicklists(p: PipelineDefinition, module: string): Set<string> {
  const out = new Set<string>();
  for (const f of p.schema?.fields ?? []) if (f.module === module && (f.type === 'picklist' || f.type === 'multiselectpicklist')) out.add(f.field);
  for (const f of p.schema?.picklists ?? []) if (f.module === module) out.add(f.field);
  for (const m of p.schema?.modules ?? []) if (m.apiName === module) for (const f of m.fields) if (f.type === 'picklist') out.add(f.field);
  return out;
}

export type Expected =
  | { sourceKey: string; status: 'write'; shaped: Payload; ownerKnown: boolean }
  | { sourceKey: string; status: 'held'; reason: string };

const jsonValue = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

/**
 * The records the view says to write for these keys (all rows when keys is undefined), shaped
 * for the destination with lookups and owners resolved from etl. A row the SQL rejects, queues
 * or skips, or whose owner or lookup cannot be resolved, is "held" with the reason.
 */
export async function expectedRecords(
  db: Db,
  p: PipelineDefinition,
  o: LoadObject,
  dest: Destination,
  opts: { keys?: string[]; fallbackOwnerId?: string } = {},
): Promise<Map<string, Expected>> {
  const v = viewName(p, o);
  const rows = opts.keys
    ? (await db.pool.query(`select * from ${v.sql} where source_key = any($1) order by source_key`, [opts.keys])).rows
    : (await db.pool.query(`select * from ${v.sql} order by source_key`)).rows;
  const users = new Map<string, string | null>(
    (await db.pool.query('select source_email, dest_user_id from etl.user_map where pipeline = $1', [p.name])).rows.map((r) => [r.source_email, r.dest_user_id]),
  );
  const lookupObjects = Object.entries(o.lookups ?? {}).map(([field, objs]) => [field, Array.isArray(objs) ? objs : [objs]] as const);
  const refs = new Map<string, LookupRef>();
  for (const [field, objects] of lookupObjects) {
    const wanted = [...new Set(rows.map((r) => r[field]).filter((x) => x !== null && x !== undefined).map(String))];
    if (!wanted.length) continue;
    const res = await db.pool.query('select source_key, dest_id, dest_module from etl.id_map where pipeline = $1 and object = any($2) and source_key = any($3)', [
      p.name,
      objects,
      wanted,
    ]);
    for (const r of res.rows) refs.set(`${field}\0${r.source_key}`, { id: r.dest_id, module: r.dest_module });
  }
  const out = new Map<string, Expected>();
  for (const row of rows) {
    const sourceKey = row.source_key as string;
    const held = row._reject_reason ?? row._queue_reason ?? row._skip_reason;
    if (held) {
      out.set(sourceKey, { sourceKey, status: 'held', reason: String(held) });
      continue;
    }
    const fields: Payload = {};
    for (const [k, val] of Object.entries(row)) if (k !== 'source_key' && !k.startsWith('_')) fields[k] = jsonValue(val);
    // the typed custom fields of the view, as the loader writes them
    if (row._custom && typeof row._custom === 'object')
      for (const [k, val] of Object.entries(row._custom as Record<string, unknown>)) if (val !== null && val !== undefined) fields[k] = val;
    let ownerId: string | undefined;
    let ownerKnown = true;
    if (o.owner) {
      const email = typeof fields[o.owner] === 'string' ? (fields[o.owner] as string).trim().toLowerCase() : '';
      delete fields[o.owner];
      if (email) {
        const id = users.get(email);
        if (id) ownerId = id;
        else if (opts.fallbackOwnerId) ownerId = opts.fallbackOwnerId;
        else {
          out.set(sourceKey, { sourceKey, status: 'held', reason: `owner ${email} has no destination user` });
          continue;
        }
      } else if (opts.fallbackOwnerId) ownerId = opts.fallbackOwnerId;
      else ownerKnown = false;
    }
    const lookups: Record<string, LookupRef> = {};
    let unresolved: string | undefined;
    for (const [field] of lookupObjects) {
      const val = fields[field];
      delete fields[field];
      if (val === null || val === undefined) continue;
      const ref = refs.get(`${field}\0${String(val)}`);
      if (!ref) {
        unresolved = `${field} -> ${String(val)}`;
        break;
      }
      lookups[field] = ref;
    }
    if (unresolved) {
      out.set(sourceKey, { sourceKey, status: 'held', reason: `referenced record not loaded (${unresolved})` });
      continue;
    }
    out.set(sourceKey, { sourceKey, status: 'write', shaped: dest.shape(o.module, fields, lookups, ownerId), ownerKnown });
  }
  return out;
}

/** The pipeline's schema name, re-exported for the lifecycle modules. */
export { pipelineSchema };


