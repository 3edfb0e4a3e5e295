/**
 * Streams one destination-shaped view into the destination. SQL has shaped each record; this
 * resolves lookups and owners, batches, sends, and records every outcome in etl.
 *
 * Per row: unchanged since the last write (same payload hash in etl.id_map) -> already loaded;
 * never written -> insert; written with another hash -> update of the changed fields only.
 * Meta columns a view may carry: `_reject_reason`, `_queue_reason`, `_skip_reason` (the SQL's
 * verdict for rows that must not be written).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Destination, LookupRef, Payload, RecordOutcome } from '../destination.ts';
import { viewOf, type LoadObject, type PipelineDefinition } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';

export interface ObjectCounts {
  object: string;
  /** Rows in the destination-shaped view. */
  extracted: number;
  /** Written by this run (inserted + updated). */
  loaded: number;
  inserted: number;
  updated: number;
  /** Already in the destination unchanged (an earlier run wrote them). */
  already_loaded: number;
  rejected: number;
  queued: number;
  skipped: number;
}

export interface LoadContext {
  db: Db;
  pipeline: PipelineDefinition;
  destination: Destination;
  runId: number;
  fallbackOwner?: string;
  /** Only rows with these source keys (sample loads). */
  onlyKeys?: Set<string>;
  log?: (msg: string) => void;
  onProgress?: (done: number, total: number) => void;
}

const PAGE = 1000;

/** Stable JSON (sorted keys) so the same payload always hashes the same. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

export const payloadHash = (p: Payload) => createHash('sha256').update(stableStringify(p)).digest('hex');

/** Dates from the view become the strings the APIs take; everything else passes as is. */
function jsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v;
}

interface Pending {
  sourceKey: string;
  fields: Payload;
  hash: string;
  shaped: Payload;
  existing?: { dest_id: string; payload: Payload | null };
}

export async function loadObject(ctx: LoadContext, obj: LoadObject): Promise<ObjectCounts> {
  const { db, pipeline, destination, runId } = ctx;
  const view = viewOf(pipeline, obj);
  const [vs, vn] = view.split('.');
  const counts: ObjectCounts = { object: obj.name, extracted: 0, loaded: 0, inserted: 0, updated: 0, already_loaded: 0, rejected: 0, queued: 0, skipped: 0 };
  const total = (await db.pool.query(`select count(*)::int as n from ${ident(vs!)}.${ident(vn!)}`)).rows[0].n as number;

  const users = new Map<string, string | null>(
    (await db.pool.query('select source_email, dest_user_id from etl.user_map where pipeline = $1', [pipeline.name])).rows.map((r) => [r.source_email, r.dest_user_id]),
  );

  const log = async (rows: { sourceKey: string; destId?: string | null; action: string; reason?: string | null; message?: string | null; before?: unknown }[]) => {
    if (!rows.length) return;
    await db.pool.query(
      `insert into etl.load_log (run_id, pipeline, object, source_key, dest_module, dest_id, action, reason_code, message, before)
       select $1, $2, $3, r.source_key, $4, r.dest_id, r.action, r.reason, r.message, r.before
         from jsonb_to_recordset($5::jsonb) as r(source_key text, dest_id text, action text, reason text, message text, before jsonb)`,
      [runId, pipeline.name, obj.name, obj.module, JSON.stringify(rows.map((r) => ({ source_key: r.sourceKey, dest_id: r.destId ?? null, action: r.action, reason: r.reason ?? null, message: r.message ?? null, before: r.before ?? null })))],
    );
  };
  const reject = async (sourceKey: string, reason: string, message: string, field?: string) => {
    counts.rejected++;
    await db.pool.query(
      `insert into etl.rejects (run_id, pipeline, stage, object, source_key, field, reason_code, message) values ($1,$2,'load',$3,$4,$5,$6,$7)`,
      [runId, pipeline.name, obj.name, sourceKey, field ?? null, reason, message],
    );
    await log([{ sourceKey, action: 'reject', reason, message }]);
  };
  const queue = async (sourceKey: string, kind: string, key: string, detail: string) => {
    counts.queued++;
    await db.pool.query(
      `insert into etl.reconciliation_queue (pipeline, kind, key, detail, records) values ($1,$2,$3,$4,$5::jsonb)
       on conflict (pipeline, kind, key) do update
         set records = case when etl.reconciliation_queue.records @> $5::jsonb then etl.reconciliation_queue.records
                            else etl.reconciliation_queue.records || $5::jsonb end,
             status = 'open', resolved_at = null`,
      [pipeline.name, kind, key, detail, JSON.stringify([{ object: obj.name, source_key: sourceKey }])],
    );
    await log([{ sourceKey, action: 'queue', reason: kind.toUpperCase(), message: detail }]);
  };

  const lookupObjects = Object.entries(obj.lookups ?? {}).map(([field, o]) => [field, Array.isArray(o) ? o : [o]] as const);
  let after = '';
  for (;;) {
    const page = await db.pool.query(`select * from ${ident(vs!)}.${ident(vn!)} where source_key > $1 order by source_key limit ${PAGE}`, [after]);
    if (!page.rows.length) break;
    after = page.rows[page.rows.length - 1].source_key;
    const rows = ctx.onlyKeys ? page.rows.filter((r) => ctx.onlyKeys!.has(r.source_key)) : page.rows;
    counts.extracted += rows.length;
    const keys = rows.map((r) => r.source_key as string);
    const existing = new Map(
      (
        await db.pool.query('select source_key, dest_id, payload_hash, payload from etl.id_map where pipeline = $1 and object = $2 and source_key = any($3)', [
          pipeline.name,
          obj.name,
          keys,
        ])
      ).rows.map((r) => [r.source_key as string, r]),
    );
    // Lookups of this page, resolved in one query per referenced object set.
    const refs = new Map<string, LookupRef>();
    for (const [field, objects] of lookupObjects) {
      const wanted = rows.map((r) => r[field]).filter((v) => v !== null && v !== undefined).map(String);
      if (!wanted.length) continue;
      const res = await db.pool.query(
        'select object, source_key, dest_id, dest_module from etl.id_map where pipeline = $1 and object = any($2) and source_key = any($3)',
        [pipeline.name, objects, wanted],
      );
      for (const r of res.rows) refs.set(`${field}\0${r.source_key}`, { id: r.dest_id, module: r.dest_module });
    }

    const inserts: Pending[] = [];
    const updates: Pending[] = [];
    for (const row of rows) {
      const sourceKey = row.source_key as string;
      if (row._reject_reason) {
        await reject(sourceKey, String(row._reject_reason).split(':')[0]!, String(row._reject_reason));
        continue;
      }
      if (row._queue_reason) {
        await queue(sourceKey, 'record', sourceKey, String(row._queue_reason));
        continue;
      }
      if (row._skip_reason) {
        counts.skipped++;
        await log([{ sourceKey, action: 'skip', reason: 'RULE', message: String(row._skip_reason) }]);
        continue;
      }
      const fields: Payload = {};
      for (const [k, v] of Object.entries(row)) if (k !== 'source_key' && !k.startsWith('_')) fields[k] = jsonValue(v);

      // Owner: the source email, matched in the users step.
      let ownerId: string | undefined;
      if (obj.owner) {
        const email = typeof fields[obj.owner] === 'string' ? (fields[obj.owner] as string).trim().toLowerCase() : '';
        delete fields[obj.owner];
        if (email) {
          const id = users.get(email);
          if (id) ownerId = id;
          else if (ctx.fallbackOwner) ownerId = ctx.fallbackOwner;
          else {
            await queue(sourceKey, 'owner', email, `owner ${email} has no destination user`);
            continue;
          }
        } else if (ctx.fallbackOwner) ownerId = ctx.fallbackOwner;
      }
      const hashInput = { ...fields, __owner: ownerId ?? null };
      const lookups: Record<string, LookupRef> = {};
      let unresolved: string | undefined;
      for (const [field] of lookupObjects) {
        const v = fields[field];
        delete fields[field];
        if (v === null || v === undefined) continue;
        const ref = refs.get(`${field}\0${String(v)}`);
        if (!ref) {
          unresolved = `${field} -> ${String(v)}`;
          break;
        }
        lookups[field] = ref;
      }
      if (unresolved) {
        await reject(sourceKey, 'LOOKUP_UNRESOLVED', `${obj.name} ${sourceKey}: referenced record not loaded (${unresolved})`);
        continue;
      }
      const hash = payloadHash(hashInput);
      const prev = existing.get(sourceKey);
      if (prev && prev.payload_hash === hash) {
        counts.already_loaded++;
        continue;
      }
      const shaped = destination.shape(obj.module, fields, lookups, ownerId);
      const pending: Pending = { sourceKey, fields: shaped, hash, shaped };
      if (prev) {
        pending.existing = { dest_id: prev.dest_id, payload: prev.payload };
        updates.push(pending);
      } else inserts.push(pending);
    }

    for (let i = 0; i < inserts.length; i += destination.maxBatch) {
      const batch = inserts.slice(i, i + destination.maxBatch);
      const outcomes = await destination.insert(obj.module, batch.map((p) => p.shaped));
      await record(ctx, obj, batch, outcomes, 'insert', counts, reject, log);
    }
    for (let i = 0; i < updates.length; i += destination.maxBatch) {
      const batch = updates.slice(i, i + destination.maxBatch);
      const changed = batch.map((p) => {
        const before = (p.existing!.payload ?? {}) as Payload;
        const diff: Payload = {};
        for (const [k, v] of Object.entries(p.shaped)) if (stableStringify(before[k]) !== stableStringify(v)) diff[k] = v;
        return { id: p.existing!.dest_id, fields: diff };
      });
      const outcomes = await destination.update(obj.module, changed);
      await record(ctx, obj, batch, outcomes, 'update', counts, reject, log);
    }
    ctx.onProgress?.(counts.extracted, total);
  }
  return counts;
}

async function record(
  ctx: LoadContext,
  obj: LoadObject,
  batch: Pending[],
  outcomes: RecordOutcome[],
  action: 'insert' | 'update',
  counts: ObjectCounts,
  reject: (k: string, reason: string, message: string, field?: string) => Promise<void>,
  log: (rows: { sourceKey: string; destId?: string | null; action: string; reason?: string | null; message?: string | null; before?: unknown }[]) => Promise<void>,
) {
  const ok: { p: Pending; id: string }[] = [];
  for (const [i, p] of batch.entries()) {
    const o = outcomes[i];
    if (o?.ok && (o.id || p.existing)) ok.push({ p, id: o.id || p.existing!.dest_id });
    else await reject(p.sourceKey, o?.code ?? 'NO_RESULT', `${o?.code ?? 'NO_RESULT'}: ${o?.message ?? 'no result for this record'}${o?.field ? ` (field ${o.field})` : ''}`, o?.field);
  }
  if (!ok.length) return;
  await ctx.db.pool.query(
    `insert into etl.id_map (pipeline, object, source_key, dest_module, dest_id, payload_hash, payload, run_id)
     select $1, $2, r.source_key, $3, r.dest_id, r.hash, r.payload, $4
       from jsonb_to_recordset($5::jsonb) as r(source_key text, dest_id text, hash text, payload jsonb)
     on conflict (pipeline, object, source_key) do update
       set dest_id = excluded.dest_id, payload_hash = excluded.payload_hash, payload = excluded.payload,
           run_id = excluded.run_id, updated_at = now()`,
    [ctx.pipeline.name, obj.name, obj.module, ctx.runId, JSON.stringify(ok.map(({ p, id }) => ({ source_key: p.sourceKey, dest_id: id, hash: p.hash, payload: p.shaped })))],
  );
  await log(ok.map(({ p, id }) => ({ sourceKey: p.sourceKey, destId: id, action, before: action === 'update' ? p.existing!.payload : null })));
  if (action === 'insert') counts.inserted += ok.length;
  else counts.updated += ok.length;
  counts.loaded += ok.length;
}
