/**
 * Exactly-once first writes for destinations that have no idempotent write (no upsert): a
 * write-ahead entry in etl.load_intents before each create call, removed once the record's id is
 * in etl.id_map (or the destination said nothing was written).
 *
 * An entry found before sending means an earlier attempt may have created the record and died
 * before recording it (kill -9 between the call and etl.id_map, or an answer that was lost).
 * The destination lists what was created since that attempt (`createdSince`); a record that is
 * the one sent (`isSameRecord`, against the payload the entry kept) and that no other source
 * record of the pipeline already owns (etl.id_map) is taken as written: recorded, not sent again
 * (load log reason FOUND_WRITTEN). Several entries compete for the listed records one to one, in
 * source_key order, so two identical records sent by two source records are two records. Where
 * the destination cannot list a module (e.g. notes), the record is queued
 * (`ambiguous_write`) for a person instead of being written a second time.
 */
import type { LoadContext, ObjectLoader, Pending } from './load-object.ts';
import type { LoadObject } from '../pipeline.ts';
import { recordKey, type Payload, type RecordOutcome } from '../destination.ts';

/** Clock difference allowed between this machine's database and the destination's createdTime. */
const SKEW_MS = 10 * 60_000;

export class WriteIntents {
  constructor(
    private readonly ctx: LoadContext,
    private readonly obj: LoadObject,
    private readonly loader: ObjectLoader,
  ) {}

  static for(ctx: LoadContext, obj: LoadObject, loader: ObjectLoader): WriteIntents | undefined {
    const d = ctx.destination;
    return !d.upsert && d.createdSince && d.isSameRecord ? new WriteIntents(ctx, obj, loader) : undefined;
  }

  /**
   * Of these records about to be created, those an earlier attempt may have written are looked
   * for first; what was found is recorded (or queued), and the rest is returned, to be sent.
   */
  async resume(waiting: Pending[]): Promise<Pending[]> {
    if (!waiting.length) return waiting;
    const { db, pipeline, destination } = this.ctx;
    // Entries of records already in etl.id_map are stale (a kill between the two writes).
    await db.pool.query(
      `delete from etl.load_intents i using etl.id_map m
        where i.pipeline = $1 and i.object = $2 and m.pipeline = i.pipeline and m.object = i.object and m.source_key = i.source_key`,
      [pipeline.name, this.obj.name],
    );
    const prior = (
      await db.pool.query<{ source_key: string; payload_hash: string; payload: Payload; sent_at: Date }>(
        `select source_key, payload_hash, payload, sent_at from etl.load_intents
          where pipeline = $1 and object = $2 and source_key = any($3) order by source_key`,
        [pipeline.name, this.obj.name, waiting.map((p) => p.sourceKey)],
      )
    ).rows;
    if (!prior.length) return waiting;
    const since = new Date(Math.min(...prior.map((r) => r.sent_at.getTime())) - SKEW_MS);
    const listed = await destination.createdSince!(this.obj.module, since);
    const byKey = new Map(waiting.map((p) => [p.sourceKey, p]));
    const settled = new Set<string>();
    if (listed === null) {
      for (const r of prior) {
        await this.loader.queue(
          r.source_key,
          'ambiguous_write',
          `${this.obj.name}:${r.source_key}`,
          `a ${this.obj.module} write of ${r.source_key} was interrupted (since ${r.sent_at.toISOString()}) and ${destination.name} cannot list ${this.obj.module} to tell whether it landed: check the record it belongs to, then delete its row from etl.load_intents to have it sent again`,
        );
        settled.add(r.source_key);
      }
      return waiting.filter((p) => !settled.has(p.sourceKey));
    }
    const ids = listed.map((r) => String(r.id));
    const taken = new Set(
      (await db.pool.query<{ dest_id: string }>('select dest_id from etl.id_map where pipeline = $1 and dest_module = $2 and dest_id = any($3)', [pipeline.name, this.obj.module, ids])).rows.map((r) => r.dest_id),
    );
    const free = listed.filter((r) => !taken.has(String(r.id)));
    const found: { p: Pending; id: string; action: 'insert'; reason: string }[] = [];
    for (const r of prior) {
      const i = free.findIndex((c) => destination.isSameRecord!(this.obj.module, r.payload, c));
      if (i < 0) continue;
      const [c] = free.splice(i, 1);
      // Recorded with what was sent then: a view changed since is an update on the next pass.
      found.push({ p: { ...byKey.get(r.source_key)!, hash: r.payload_hash, shaped: r.payload }, id: String(c!.id), action: 'insert', reason: 'FOUND_WRITTEN' });
      settled.add(r.source_key);
    }
    if (found.length) {
      this.ctx.log?.(`  ${this.obj.name}: ${found.length} record(s) an interrupted attempt had written found in ${destination.name}, not written again`);
      await this.loader.recordOk(found);
      await this.forget(found.map((f) => f.p.sourceKey));
    }
    return waiting.filter((p) => !settled.has(p.sourceKey));
  }

  /** Enter these records before their create call is sent (an entry already there keeps its time). */
  async before(batch: Pending[]): Promise<void> {
    if (!batch.length) return;
    const { db, pipeline, runId } = this.ctx;
    await db.pool.query(
      `insert into etl.load_intents (pipeline, object, source_key, dest_module, record_key, payload_hash, payload, run_id)
       select $1, $2, r.source_key, $3, r.record_key, r.hash, r.payload, $4
         from jsonb_to_recordset($5::jsonb) as r(source_key text, record_key text, hash text, payload jsonb)
       on conflict (pipeline, object, source_key) do nothing`,
      [pipeline.name, this.obj.name, this.obj.module, runId, JSON.stringify(batch.map((p) => ({ source_key: p.sourceKey, record_key: recordKey(pipeline.name, p.sourceKey), hash: p.hash, payload: p.shaped })))],
    );
  }

  /** After the call's outcomes are recorded: entries of records now in etl.id_map, or surely not written, go. */
  async after(batch: Pending[], outcomes: RecordOutcome[]): Promise<void> {
    await this.forget(batch.filter((_, i) => outcomes[i]?.ok || !outcomes[i]?.maybeWritten).map((p) => p.sourceKey));
  }

  private async forget(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.ctx.db.pool.query('delete from etl.load_intents where pipeline = $1 and object = $2 and source_key = any($3)', [this.ctx.pipeline.name, this.obj.name, keys]);
  }
}
