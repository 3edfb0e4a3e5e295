/**
 * The queue contract, one rule for every pipeline: what happens to a record whose lookup names a
 * parent that is not in the destination (no etl.id_map row). The parent's current state
 * (etl.record_status) decides:
 *
 *   queued    the child waits (WAITING_FOR_PARENT, on an item of kind parent) and is written by
 *             the load that writes its parent; the item resolves when nothing waits on it;
 *   rejected  the child is rejected PARENT_REJECTED, with the parent's reason (a parent the SQL
 *             or the destination refused);
 *   skipped   the child is rejected PARENT_SKIPPED, with the parent's reason;
 *   not met   the child is rejected LOOKUP_UNRESOLVED: no load has met the parent (a later
 *             object, or a sample that left it out), and the next `load` writes the child.
 *
 * A parent a pipeline's SQL never shapes (rejected at extract, absent from the export) is the
 * SQL's to say: lib.parent_missing (sql/lib/075_parents.sql) words that reason the same way
 * for every pipeline.
 */
import type { Db } from '../db/connection.ts';

export interface ParentState {
  object: string;
  state: 'queued' | 'rejected' | 'skipped';
  reason_code: string | null;
  message: string | null;
  /** the queue item the parent waits on (queued) */
  queue_kind: string | null;
  queue_key: string | null;
}

export type ParentVerdict =
  | { action: 'queue'; kind: string; key: string; reason: string; message: string }
  | { action: 'reject'; reason: string; message: string };

/** Current states of these parents (keys of any of `objects`), by source key. */
export async function parentStates(db: Db, pipeline: string, objects: string[], keys: string[]): Promise<Map<string, ParentState>> {
  const out = new Map<string, ParentState>();
  if (!keys.length) return out;
  const res = await db.pool.query(
    `select s.source_key, s.object, s.state, s.reason_code, s.message, q.kind as queue_kind, q.key as queue_key
       from etl.record_status s left join etl.queue_items q on q.id = s.queue_id
      where s.pipeline = $1 and s.object = any($2) and s.source_key = any($3) and s.state <> 'loaded'
      order by array_position($2, s.object)`,
    [pipeline, objects, keys],
  );
  // With several possible objects (a note's parent is a deal, a contact or an account), the
  // first object listed that has the key speaks.
  for (const r of res.rows) if (!out.has(r.source_key)) out.set(r.source_key, r as ParentState);
  return out;
}

/** What to do with a child (`object` `sourceKey`) whose lookup `field` -> `parentKey` is not in the destination. */
export function parentVerdict(object: string, sourceKey: string, field: string, parentKey: string, parent: ParentState | undefined): ParentVerdict {
  const why = (p: ParentState) => [p.reason_code, p.message].filter((x) => x && String(x).trim()).join(': ') || 'no reason recorded';
  if (parent?.state === 'queued')
    return {
      action: 'queue',
      // an item of its own per parent (kind parent), so an owner's item holds only what that
      // owner owns; it resolves when the children it holds are written
      kind: 'parent',
      key: parentItemKey(parent.object, parentKey),
      reason: 'WAITING_FOR_PARENT',
      message: `WAITING_FOR_PARENT: its ${field} ${parent.object} ${parentKey} waits in the queue (${why(parent)}); it is written by the load that writes its parent`,
    };
  if (parent?.state === 'rejected')
    return { action: 'reject', reason: 'PARENT_REJECTED', message: `PARENT_REJECTED: ${object} ${sourceKey}: its ${field} ${parent.object} ${parentKey} was rejected (${why(parent)})` };
  if (parent?.state === 'skipped')
    return { action: 'reject', reason: 'PARENT_SKIPPED', message: `PARENT_SKIPPED: ${object} ${sourceKey}: its ${field} ${parent.object} ${parentKey} is not written (${why(parent)})` };
  return {
    action: 'reject',
    reason: 'LOOKUP_UNRESOLVED',
    message: `${object} ${sourceKey}: referenced record not loaded (${field} -> ${parentKey}): no load has met it yet; the next load writes this record after it`,
  };
}

/** Several lookups unresolved: a parent refused for good (3) speaks over one that waits (2), over one not met yet (1). */
export function verdictRank(v: ParentVerdict): number {
  return v.action === 'queue' ? 2 : v.reason === 'LOOKUP_UNRESOLVED' ? 1 : 3;
}

/** The key of the queue item a queued parent's children wait on: the parent's object and key (once). */
export function parentItemKey(object: string, key: string): string {
  return key.startsWith(`${object}:`) ? key : `${object}:${key}`;
}
