/**
 * Streams one destination-shaped view (or one key range of it: a chunk) into the destination.
 * SQL has shaped each record; this resolves lookups, owners and custom fields, batches, sends,
 * and records every outcome in etl.
 *
 * Per row: unchanged since the last write (same payload hash in etl.id_map) -> already loaded;
 * never written -> upsert keyed on the destination's idempotency field (insert when the
 * destination has no upsert); written with another hash -> update of the changed fields only.
 * Meta columns a view may carry: `_reject_reason`, `_queue_reason`, `_skip_reason` (the SQL's
 * verdict for rows that must not be written) and `_custom` (jsonb of custom-field values).
 *
 * Every row ends in exactly one of loaded / already_loaded / rejected / queued / skipped, and
 * the counts are checked (CONSERVATION) before returning.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import { BulkWriteRefused, recordKey, type Destination, type LookupRef, type Payload, type RecordOutcome } from '../destination.ts';
import { viewOf, type LoadObject, type PipelineDefinition } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';
import { CliError } from '../errors.ts';
import { loadAttachmentRow, type AttachmentRow } from './attachments.ts';
import { WriteIntents } from './intents.ts';
import { parentStates, parentVerdict, verdictRank, type ParentState, type ParentVerdict } from './parents.ts';
import { dropSnapshot, snapshotRelation, takeSnapshot } from './snapshot.ts';

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
  /** Export folder (attachments are read from its files/ dir). */
  input?: string;
  /**
   * The load plan decided this object goes through the destination's bulk API (its size and the
   * destination's metadata): every chunk's first writes are one bulk job. Unset: decided per
   * page (at least bulkThreshold first writes, on a module that takes bulk jobs).
   */
  bulk?: boolean;
}

/** Smallest chunk a bulk plan is cut into (CRM_BULK_MIN_CHUNK, 1,000). */
export function bulkMinChunk(): number {
  const v = Number(process.env.CRM_BULK_MIN_CHUNK);
  return Number.isInteger(v) && v > 0 ? v : 1000;
}

/** Modules whose bulk job a destination refused in this process: their records go in batches. */
const refused = new WeakMap<Destination, Set<string>>();
export function bulkRefused(d: Destination): Set<string> {
  let s = refused.get(d);
  if (!s) refused.set(d, (s = new Set()));
  return s;
}

/** Whether `module` may go through the destination's bulk API (its metadata, when it has a say). */
export async function bulkEligible(d: Destination, module: string): Promise<boolean> {
  if (!d.bulkUpsert || bulkRefused(d).has(module)) return false;
  return d.bulkSupported ? d.bulkSupported(module) : true;
}

export const emptyCounts = (object: string): ObjectCounts => ({ object, extracted: 0, loaded: 0, inserted: 0, updated: 0, already_loaded: 0, rejected: 0, queued: 0, skipped: 0 });

export function addCounts(a: ObjectCounts, b: Partial<ObjectCounts>): ObjectCounts {
  for (const k of ['extracted', 'loaded', 'inserted', 'updated', 'already_loaded', 'rejected', 'queued', 'skipped'] as const) a[k] += b[k] ?? 0;
  return a;
}

/** extracted = loaded + already_loaded + rejected + queued + skipped, or a loud failure. */
export function checkConservation(c: ObjectCounts, where: string): void {
  const accounted = c.loaded + c.already_loaded + c.rejected + c.queued + c.skipped;
  if (accounted !== c.extracted)
    throw new CliError(
      'CONSERVATION',
      `${where}: ${c.extracted} records extracted but ${accounted} accounted for (loaded ${c.loaded}, already loaded ${c.already_loaded}, rejected ${c.rejected}, queued ${c.queued}, skipped ${c.skipped}); see etl.load_log`,
    );
}

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
  hash: string;
  shaped: Payload;
  existing?: { dest_id: string; payload: Payload | null };
}

type LogRow = { sourceKey: string; destId?: string | null; action: string; reason?: string | null; message?: string | null; before?: unknown };

/** Per-record outcomes the destination calls worth another try (locked, throttled) get this many. */
const RECORD_RETRIES = 3;

export class ObjectLoader {
  readonly counts: ObjectCounts;
  private users?: Map<string, string | null>;
  private readonly lookupObjects: (readonly [string, string[]])[];
  constructor(
    private readonly ctx: LoadContext,
    private readonly obj: LoadObject,
  ) {
    this.counts = emptyCounts(obj.name);
    this.lookupObjects = Object.entries(obj.lookups ?? {}).map(([field, o]) => [field, Array.isArray(o) ? o : [o]] as const);
  }

  /** Where rows are read: the view, or the load's snapshot of it (engine/load/snapshot.ts). */
  source?: string;

  get view(): string {
    return viewOf(this.ctx.pipeline, this.obj);
  }

  async log(rows: LogRow[]): Promise<void> {
    if (!rows.length) return;
    const { db, pipeline, runId } = this.ctx;
    await db.pool.query(
      `insert into etl.load_log (run_id, pipeline, object, source_key, dest_module, dest_id, action, reason_code, message, before)
       select $1, $2, $3, r.source_key, $4, r.dest_id, r.action, r.reason, r.message, r.before
         from jsonb_to_recordset($5::jsonb) as r(source_key text, dest_id text, action text, reason text, message text, before jsonb)`,
      [runId, pipeline.name, this.obj.name, this.obj.module, JSON.stringify(rows.map((r) => ({ source_key: r.sourceKey, dest_id: r.destId ?? null, action: r.action, reason: r.reason ?? null, message: r.message ?? null, before: r.before ?? null })))],
    );
  }

  // Rejects, queue entries, current states and their log rows are written set-based, one
  // statement each per page (flush), never one round trip per record.
  private pendingRejects: { source_key: string; field: string | null; reason: string; message: string }[] = [];
  private pendingQueue = new Map<string, { kind: string; key: string; detail: string; records: { key: string; reason: string; message: string }[] }>();
  private pendingSkips: { source_key: string; reason: string; message: string }[] = [];
  private pendingLog: LogRow[] = [];

  async reject(sourceKey: string, reason: string, message: string, field?: string): Promise<void> {
    this.counts.rejected++;
    this.pendingRejects.push({ source_key: sourceKey, field: field ?? null, reason, message });
    this.pendingLog.push({ sourceKey, action: 'reject', reason, message });
  }

  /**
   * The record waits on the queue item (kind, key), opened with `detail` if new. Its own reason
   * and message default to the item's (a child waiting for its parent has its own).
   */
  async queue(sourceKey: string, kind: string, key: string, detail: string, own?: { reason: string; message: string }): Promise<void> {
    this.counts.queued++;
    const id = `${kind}\0${key}`;
    const q = this.pendingQueue.get(id) ?? { kind, key, detail, records: [] };
    const reason = own?.reason ?? kind.toUpperCase();
    const message = own?.message ?? detail;
    q.records.push({ key: sourceKey, reason, message });
    this.pendingQueue.set(id, q);
    this.pendingLog.push({ sourceKey, action: 'queue', reason, message });
  }

  async skip(sourceKey: string, reason: string, message: string): Promise<void> {
    this.counts.skipped++;
    this.pendingSkips.push({ source_key: sourceKey, reason, message });
    this.pendingLog.push({ sourceKey, action: 'skip', reason, message });
  }

  async flush(): Promise<void> {
    const { db, pipeline, runId } = this.ctx;
    const obj = this.obj.name;
    if (this.pendingRejects.length) {
      const rows = JSON.stringify(this.pendingRejects);
      await db.pool.query(
        `insert into etl.rejects (run_id, pipeline, stage, object, source_key, field, reason_code, message)
         select $1, $2, 'load', $3, r.source_key, r.field, r.reason, r.message
           from jsonb_to_recordset($4::jsonb) as r(source_key text, field text, reason text, message text)`,
        [runId, pipeline.name, obj, rows],
      );
      await setStatus(db, pipeline.name, obj, runId, 'rejected', this.pendingRejects.map((r) => ({ source_key: r.source_key, reason: r.reason, message: r.message })));
      this.pendingRejects = [];
    }
    if (this.pendingQueue.size) {
      // Items in key order, so two workers opening the same items lock them in the same order.
      const items = [...this.pendingQueue.values()].sort((x, y) => (x.kind + '\0' + x.key < y.kind + '\0' + y.key ? -1 : 1));
      const ids = await db.pool.query(
        `insert into etl.queue_items (pipeline, kind, key, detail)
         select $1, i.kind, i.key, i.detail from jsonb_to_recordset($2::jsonb) as i(kind text, key text, detail text) order by i.kind, i.key
         on conflict (pipeline, kind, key) do update set status = 'open', resolution = null, resolved_at = null
         returning id, kind, key`,
        [pipeline.name, JSON.stringify(items.map(({ kind, key, detail }) => ({ kind, key, detail })))],
      );
      const idOf = new Map(ids.rows.map((r) => [`${r.kind}\0${r.key}`, Number(r.id)]));
      await setStatus(
        db,
        pipeline.name,
        obj,
        runId,
        'queued',
        items.flatMap((i) => i.records.map((r) => ({ source_key: r.key, reason: r.reason, message: r.message, queue_id: idOf.get(`${i.kind}\0${i.key}`) }))),
      );
      this.pendingQueue.clear();
    }
    if (this.pendingSkips.length) {
      await setStatus(db, pipeline.name, obj, runId, 'skipped', this.pendingSkips);
      this.pendingSkips = [];
    }
    const rows = this.pendingLog;
    this.pendingLog = [];
    await this.log(rows);
  }

  private async userMap(): Promise<Map<string, string | null>> {
    this.users ??= new Map(
      (await this.ctx.db.pool.query('select source_email, dest_user_id from etl.user_map where pipeline = $1', [this.ctx.pipeline.name])).rows.map((r) => [r.source_email, r.dest_user_id]),
    );
    return this.users;
  }

  /** Rows of the view (or its snapshot) with lo < source_key <= hi (hi null: to the end), in key order. */
  async rows(lo: string, hi: string | null, limit?: number): Promise<Record<string, unknown>[]> {
    const [vs, vn] = this.view.split('.');
    const from = this.source ?? `${ident(vs!)}.${ident(vn!)}`;
    const params: unknown[] = [lo];
    let where = 'source_key > $1';
    if (hi !== null) {
      params.push(hi);
      where += ' and source_key <= $2';
    }
    const res = await this.ctx.db.pool.query(`select * from ${from} where ${where} order by source_key${limit ? ` limit ${limit}` : ''}`, params);
    // numeric arrives as text from pg (exact); the APIs take JSON numbers for number fields.
    const numeric = res.fields.filter((f) => f.dataTypeID === 1700).map((f) => f.name);
    if (numeric.length)
      for (const r of res.rows) for (const c of numeric) if (typeof r[c] === 'string' && Number.isFinite(Number(r[c]))) r[c] = Number(r[c]);
    return res.rows;
  }

  /** Load these rows (one chunk or one page); counts accumulate in this.counts. */
  async process(rows: Record<string, unknown>[]): Promise<void> {
    const { db, pipeline, destination } = this.ctx;
    const obj = this.obj;
    const counts = this.counts;
    counts.extracted += rows.length;
    if (!rows.length) return;
    const keys = rows.map((r) => r.source_key as string);
    const existing = new Map(
      (
        await db.pool.query('select source_key, dest_id, payload_hash, payload from etl.id_map where pipeline = $1 and object = $2 and source_key = any($3)', [pipeline.name, obj.name, keys])
      ).rows.map((r) => [r.source_key as string, r]),
    );
    // Lookups of these rows, resolved in one query per referenced object set.
    const refs = new Map<string, LookupRef>();
    const parents = new Map<string, Map<string, ParentState>>();
    for (const [field, objects] of this.lookupObjects) {
      const wanted = rows.map((r) => r[field]).filter((v) => v !== null && v !== undefined).map(String);
      if (!wanted.length) continue;
      const res = await db.pool.query('select object, source_key, dest_id, dest_module from etl.id_map where pipeline = $1 and object = any($2) and source_key = any($3)', [pipeline.name, objects, wanted]);
      for (const r of res.rows) refs.set(`${field}\0${r.source_key}`, { id: r.dest_id, module: r.dest_module });
      // Parents not in the destination: their current state decides what the child does (engine/load/parents.ts).
      const missing = [...new Set(wanted.filter((v) => !refs.has(`${field}\0${v}`)))];
      if (missing.length) parents.set(field, await parentStates(db, pipeline.name, objects, missing));
    }
    const users = obj.owner ? await this.userMap() : new Map<string, string | null>();
    const keyField = destination.upsert && destination.idempotencyField ? destination.idempotencyField : undefined;

    const inserts: Pending[] = [];
    const updates: Pending[] = [];
    for (const row of rows) {
      const sourceKey = row.source_key as string;
      if (row._reject_reason) {
        await this.reject(sourceKey, String(row._reject_reason).split(':')[0]!, String(row._reject_reason));
        continue;
      }
      if (row._queue_reason) {
        await this.queue(sourceKey, 'record', sourceKey, String(row._queue_reason));
        continue;
      }
      if (row._skip_reason) {
        await this.skip(sourceKey, 'RULE', String(row._skip_reason));
        continue;
      }
      const fields: Payload = {};
      for (const [k, v] of Object.entries(row)) if (k !== 'source_key' && !k.startsWith('_')) fields[k] = jsonValue(v);

      // Custom fields: `_custom` holds {field: value}, already typed in SQL (the pipeline's
      // custom_values model, by the field's type and the source's conventions); written as is.
      if (row._custom && typeof row._custom === 'object')
        for (const [f, v] of Object.entries(row._custom as Record<string, unknown>)) if (v !== null && v !== undefined) fields[f] = v;

      // A parent that is not in the destination decides first (the queue contract,
      // engine/load/parents.ts): the child waits on a waiting parent, whoever owns it.
      let verdict: ParentVerdict | undefined;
      for (const [field] of this.lookupObjects) {
        const v = fields[field];
        if (v === null || v === undefined || refs.has(`${field}\0${String(v)}`)) continue;
        const vd = parentVerdict(obj.name, sourceKey, field, String(v), parents.get(field)?.get(String(v)));
        if (!verdict || verdictRank(vd) > verdictRank(verdict)) verdict = vd;
      }
      if (verdict?.action === 'queue') {
        await this.queue(sourceKey, verdict.kind, verdict.key, verdict.message, { reason: verdict.reason, message: verdict.message });
        continue;
      }
      if (verdict) {
        await this.reject(sourceKey, verdict.reason, verdict.message);
        continue;
      }

      // Owner: the source email, matched in the users step.
      let ownerId: string | undefined;
      if (obj.owner) {
        const email = typeof fields[obj.owner] === 'string' ? (fields[obj.owner] as string).trim().toLowerCase() : '';
        delete fields[obj.owner];
        if (email) {
          const id = users.get(email);
          if (id) ownerId = id;
          else if (this.ctx.fallbackOwner) ownerId = this.ctx.fallbackOwner;
          else {
            await this.queue(sourceKey, 'user', email, `owner ${email} has no active destination user`);
            continue;
          }
        } else if (this.ctx.fallbackOwner) ownerId = this.ctx.fallbackOwner;
      }
      const hashInput = { ...fields, __owner: ownerId ?? null };
      const lookups: Record<string, LookupRef> = {};
      // (every lookup resolves here: one that did not was decided above)
      for (const [field] of this.lookupObjects) {
        const v = fields[field];
        delete fields[field];
        if (v === null || v === undefined) continue;
        lookups[field] = refs.get(`${field}\0${String(v)}`)!;
      }
      const prev = existing.get(sourceKey);
      if (obj.attachment) {
        const r = await loadAttachmentRow(this, { sourceKey, row: row as AttachmentRow, lookups, prev, input: this.ctx.input });
        if (r) await this.recordOk([{ p: { sourceKey, hash: r.hash, shaped: r.payload }, id: r.id, action: 'insert', reason: r.reason }]);
        continue;
      }
      const hash = payloadHash(hashInput);
      if (prev && prev.payload_hash === hash) {
        counts.already_loaded++;
        continue;
      }
      const shaped = destination.shape(obj.module, fields, lookups, ownerId);
      if (keyField) shaped[keyField] = recordKey(pipeline.name, sourceKey);
      const pending: Pending = { sourceKey, hash, shaped };
      if (prev) {
        pending.existing = { dest_id: prev.dest_id, payload: prev.payload };
        updates.push(pending);
      } else inserts.push(pending);
    }

    const bulk =
      inserts.length > 0 && !!destination.bulkUpsert && !!keyField && !bulkRefused(destination).has(obj.module) &&
      (this.ctx.bulk !== undefined
        ? // A chunk of a bulk plan: one job, unless a resumed chunk has few first writes left (a
          // 500-credit job for them would cost more than their few batch calls).
          this.ctx.bulk && inserts.length >= Math.min(destination.bulkThreshold ?? Infinity, bulkMinChunk() / 2)
        : inserts.length >= (destination.bulkThreshold ?? Infinity) && (await bulkEligible(destination, obj.module)));
    if (bulk) {
      this.ctx.log?.(`  ${obj.name}: ${inserts.length} records through the bulk write API`);
      let outcomes: RecordOutcome[] | undefined;
      try {
        outcomes = await destination.bulkUpsert!(obj.module, inserts.map((p) => p.shaped));
      } catch (err) {
        if (!(err instanceof BulkWriteRefused)) throw err;
        // Nothing was written: the same records go in batches, and this process stops asking.
        const first = !bulkRefused(destination).has(obj.module);
        bulkRefused(destination).add(obj.module);
        if (first) this.ctx.log?.(`  ${obj.name}: ${err.message} (${err.code}); loading ${obj.module} in batches of ${destination.maxBatch} instead`);
      }
      if (outcomes) {
        const again = await this.record(inserts, outcomes, 'insert', RECORD_RETRIES);
        if (again.length) await this.sendInserts(again, keyField);
      } else await this.sendInserts(inserts, keyField);
    } else await this.sendInserts(inserts, keyField);

    let todo = updates;
    for (let round = 0; todo.length; round++) {
      const next: Pending[] = [];
      for (let i = 0; i < todo.length; i += destination.maxBatch) {
        const batch = todo.slice(i, i + destination.maxBatch);
        const changed = batch.map((p) => {
          const before = (p.existing!.payload ?? {}) as Payload;
          const diff: Payload = {};
          for (const [k, v] of Object.entries(p.shaped)) if (stableStringify(before[k]) !== stableStringify(v)) diff[k] = v;
          return { id: p.existing!.dest_id, fields: diff };
        });
        const outcomes = await destination.update(obj.module, changed);
        next.push(...(await this.record(batch, outcomes, 'update', RECORD_RETRIES - round)));
      }
      todo = next;
      if (todo.length) await new Promise((r) => setTimeout(r, 250 * 2 ** round));
    }
    await this.flush();
  }

  private async sendInserts(inserts: Pending[], keyField: string | undefined): Promise<void> {
    const { destination } = this.ctx;
    // No idempotent write: each create is entered in etl.load_intents first (engine/load/intents.ts).
    const intents = keyField ? undefined : WriteIntents.for(this.ctx, this.obj, this);
    let todo = inserts;
    for (let round = 0; todo.length; round++) {
      const next: Pending[] = [];
      if (intents) todo = await intents.resume(todo);
      for (let i = 0; i < todo.length; i += destination.maxBatch) {
        const batch = todo.slice(i, i + destination.maxBatch);
        const records = batch.map((p) => p.shaped);
        await intents?.before(batch);
        const outcomes = keyField ? await destination.upsert!(this.obj.module, records) : await destination.insert(this.obj.module, records);
        next.push(...(await this.record(batch, outcomes, 'insert', RECORD_RETRIES - round)));
        await intents?.after(batch, outcomes);
      }
      todo = next;
      if (todo.length) await new Promise((r) => setTimeout(r, 250 * 2 ** round));
    }
  }

  /** Record one call's outcomes; returns the records to send again (retryable, retries left). */
  private async record(batch: Pending[], outcomes: RecordOutcome[], action: 'insert' | 'update', retriesLeft: number): Promise<Pending[]> {
    const ok: { p: Pending; id: string; action: 'insert' | 'update'; reason?: string }[] = [];
    const again: Pending[] = [];
    for (const [i, p] of batch.entries()) {
      const o = outcomes[i];
      if (o?.ok && (o.id || p.existing)) {
        // An upsert that updated a record we meant to create: an earlier attempt (dropped
        // connection, killed run) did write it. Counted as loaded once, never duplicated.
        ok.push({ p, id: o.id || p.existing!.dest_id, action, reason: action === 'insert' && o.action === 'update' ? 'FOUND_BY_KEY' : undefined });
        continue;
      }
      if (o?.retryable && retriesLeft > 0) {
        again.push(p);
        continue;
      }
      // Refused now, but an earlier attempt whose answer was lost may have written it (same payload).
      const found = action === 'insert' && this.ctx.destination.findByKey ? await this.ctx.destination.findByKey(this.obj.module, recordKey(this.ctx.pipeline.name, p.sourceKey)) : null;
      if (found) ok.push({ p, id: found, action, reason: 'FOUND_BY_KEY' });
      else await this.reject(p.sourceKey, o?.code ?? 'NO_RESULT', `${o?.code ?? 'NO_RESULT'}: ${o?.message ?? 'no result for this record'}${o?.field ? ` (field ${o.field})` : ''}`, o?.field);
    }
    await this.recordOk(ok);
    return again;
  }

  async recordOk(ok: { p: Pending; id: string; action: 'insert' | 'update'; reason?: string }[]): Promise<void> {
    if (!ok.length) return;
    const { db, pipeline, runId } = this.ctx;
    await this.log(ok.map(({ p, id, action, reason }) => ({ sourceKey: p.sourceKey, destId: id, action, reason: reason ?? null, before: action === 'update' ? p.existing!.payload : null })));
    // Its current state: loaded. A record that waited on a queue item (owner without a user,
    // parent not yet loaded) stops waiting by this alone; the item resolves when nothing waits.
    await setStatus(db, pipeline.name, this.obj.name, runId, 'loaded', ok.map(({ p, id }) => ({ source_key: p.sourceKey, dest_id: id, dest_module: this.obj.module })));
    await resolveQueueItems(db, pipeline.name);
    // etl.id_map last: a record found there is recorded in full (a run killed in between writes
    // its log and state again on the next pass, never leaves it mapped without a state).
    await db.pool.query(
      `insert into etl.id_map (pipeline, object, source_key, dest_module, dest_id, payload_hash, payload, run_id)
       select $1, $2, r.source_key, $3, r.dest_id, r.hash, r.payload, $4
         from jsonb_to_recordset($5::jsonb) as r(source_key text, dest_id text, hash text, payload jsonb)
       on conflict (pipeline, object, source_key) do update
         set dest_id = excluded.dest_id, payload_hash = excluded.payload_hash, payload = excluded.payload,
             run_id = excluded.run_id, updated_at = now()`,
      [pipeline.name, this.obj.name, this.obj.module, runId, JSON.stringify(ok.map(({ p, id }) => ({ source_key: p.sourceKey, dest_id: id, hash: p.hash, payload: p.shaped })))],
    );
    for (const o of ok) {
      if (o.action === 'insert') this.counts.inserted++;
      else this.counts.updated++;
      this.counts.loaded++;
    }
  }
}

type StatusRow = { source_key: string; reason?: string | null; message?: string | null; dest_id?: string | null; dest_module?: string | null; queue_id?: number | null };

/** Upsert the current state of these records (one statement). */
export async function setStatus(db: Db, pipeline: string, object: string, runId: number, state: 'loaded' | 'rejected' | 'queued' | 'skipped', rows: StatusRow[]): Promise<void> {
  if (!rows.length) return;
  await db.pool.query(
    `insert into etl.record_status (pipeline, object, source_key, state, dest_module, dest_id, reason_code, message, queue_id, run_id, updated_at)
     select $1, $2, r.source_key, $3, r.dest_module, r.dest_id, r.reason, r.message, r.queue_id, $4, now()
       from jsonb_to_recordset($5::jsonb) as r(source_key text, dest_module text, dest_id text, reason text, message text, queue_id bigint)
      order by r.source_key
     on conflict (pipeline, object, source_key) do update
       set state = excluded.state, dest_module = coalesce(excluded.dest_module, etl.record_status.dest_module),
           dest_id = case when excluded.state = 'loaded' then excluded.dest_id else etl.record_status.dest_id end,
           reason_code = excluded.reason_code, message = excluded.message, queue_id = excluded.queue_id,
           run_id = excluded.run_id, updated_at = now()`,
    [pipeline, object, state, runId, JSON.stringify(rows)],
  );
}

/**
 * Close the open queue items of the pipeline that nothing waits on any more: every record they
 * held was written. Owner items (opened by the users step before any of their records is met)
 * only at the end of a whole load (`owners`), when every record of theirs has been met.
 */
export async function resolveQueueItems(db: Db, pipeline: string, opts: { owners?: boolean } = {}): Promise<void> {
  await db.pool.query(
    `update etl.queue_items q set status = 'resolved', resolution = 'every held record was written', resolved_at = now()
      where q.pipeline = $1 and q.status = 'open' and ($2 or q.kind <> 'user')
        and not exists (select 1 from etl.record_status s where s.queue_id = q.id and s.state = 'queued')`,
    [pipeline, opts.owners ?? false],
  );
}

/**
 * Load the whole view (or only `onlyKeys`) in this process, page by page, from a snapshot of it
 * taken first (so the view is read once, not once per page).
 */
export async function loadObject(ctx: LoadContext, obj: LoadObject): Promise<ObjectCounts> {
  const loader = new ObjectLoader(ctx, obj);
  const name = `run_${ctx.runId}_${ctx.pipeline.name.replace(/\W/g, '_')}_${obj.name}`;
  const client = await ctx.db.pool.connect();
  let total: number;
  try {
    total = await takeSnapshot(client, loader.view, name, ctx.onlyKeys ? [...ctx.onlyKeys] : undefined);
  } finally {
    client.release();
  }
  loader.source = snapshotRelation(name);
  try {
    let after = '';
    for (;;) {
      const page = await loader.rows(after, null, 1000);
      if (!page.length) break;
      after = page[page.length - 1]!.source_key as string;
      await loader.process(page);
      ctx.onProgress?.(loader.counts.extracted, total);
    }
  } finally {
    await dropSnapshot(ctx.db.pool, name);
  }
  checkConservation(loader.counts, `load ${obj.name}`);
  return loader.counts;
}

/** Load the rows lo < source_key <= hi (one chunk) of the plan's snapshot (or of the view). */
export async function loadChunk(ctx: LoadContext, obj: LoadObject, lo: string, hi: string, snapshot?: string | null): Promise<ObjectCounts> {
  const loader = new ObjectLoader(ctx, obj);
  if (snapshot) loader.source = snapshotRelation(snapshot);
  await loader.process(await loader.rows(lo, hi));
  checkConservation(loader.counts, `load ${obj.name} chunk (${lo || 'start'}, ${hi}]`);
  return loader.counts;
}

export type { Pending };
