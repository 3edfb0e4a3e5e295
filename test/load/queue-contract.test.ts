/**
 * The queue contract (docs/load.md), one rule for every pipeline, on each pipeline's bundled
 * sample against its sandbox (real PostgreSQL, real HTTP):
 *   - a child of a queued parent waits (WAITING_FOR_PARENT) on an item for that parent (kind
 *     parent), and is written once its parent is; the item resolves when nothing waits on it;
 *   - a child of a rejected parent is rejected PARENT_REJECTED with the parent's reason.
 * The parents are held by the loader's own queue and reject (the path a `_queue_reason`, an
 * owner without a user or a destination refusal takes); every object is loaded by the engine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { prepare } from './harness.ts';
import { registry } from '../../pipelines/registry.ts';
import { ObjectLoader, loadObject, type LoadContext } from '../../engine/load/load-object.ts';
import { viewOf, type LoadObject, type PipelineDefinition } from '../../engine/pipeline.ts';
import { startRun } from '../../engine/runs.ts';
import { ident } from '../../engine/extract/headers.ts';
import { parentItemKey } from '../../engine/load/parents.ts';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const rel = (p: PipelineDefinition, o: LoadObject) => viewOf(p, o).split('.').map(ident).join('.');
const held = `coalesce(v.j->>'_reject_reason', v.j->>'_queue_reason', v.j->>'_skip_reason') is null`;

interface Pick {
  child: LoadObject;
  field: string;
  parent: LoadObject;
  /** parents with children, each with its children's keys */
  parents: { key: string; children: string[] }[];
}

/** The first lookup (child object, field) whose parents, written by an earlier object, have children the SQL does not hold back. */
async function pick(db: TestDb, p: PipelineDefinition): Promise<Pick> {
  for (const [ci, child] of p.objects.entries())
    for (const [field, objs] of Object.entries(child.lookups ?? {}))
      for (const name of [objs].flat()) {
        const pi = p.objects.findIndex((o) => o.name === name);
        if (pi < 0 || pi >= ci) continue;
        const parent = p.objects[pi]!;
        const rows = (
          await db.pool.query(
            `with c as (select v.j->>'source_key' as key, v.j->>$1 as ref from (select to_jsonb(x) as j from ${rel(p, child)} x) v where v.j->>$1 is not null and ${held}),
                  pa as (select v.j->>'source_key' as key from (select to_jsonb(x) as j from ${rel(p, parent)} x) v where ${held})
             select pa.key, array_agg(c.key order by c.key) as children from pa join c on c.ref = pa.key group by pa.key order by count(*) desc, pa.key limit 2`,
            [field],
          )
        ).rows;
        if (rows.length === 2) return { child, field, parent, parents: rows };
      }
  throw new Error(`${p.name}: no lookup with two parents that have children`);
}

describe('the queue contract, on every pipeline', () => {
  it.each(registry.pipelines.map((p) => [p.name, p] as const))(
    '%s: children of a queued parent wait for it and load with it; children of a rejected parent are rejected with its reason',
    async (_n, p) => {
      const db = await createTestDb();
      cleanup.push(() => db.drop());
      await prepare(db, p, p.source.sampleDir);
      const destination = await p.destination.connect({ databaseUrl: db.url, env: process.env, log: () => {} });
      cleanup.push(() => destination.close());
      const owner = (await destination.listUsers()).filter((u) => u.active).sort((a, b) => a.email.localeCompare(b.email))[0]!.id;
      const runId = await startRun(db, p.name, 'load', {});
      const ctx: LoadContext = { db, pipeline: p, destination, runId, fallbackOwner: owner, input: p.source.sampleDir };
      const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;

      const { child, field, parent, parents } = await pick(db, p);
      const [waiting, refused] = parents as [Pick['parents'][0], Pick['parents'][0]];
      const ci = p.objects.indexOf(child);
      const pi = p.objects.indexOf(parent);

      // Every object up to the child, in order; the two parents held by the loader itself.
      for (const o of p.objects.slice(0, ci + 1)) {
        if (o !== parent) {
          await loadObject(ctx, o);
          continue;
        }
        const keys = (await q(`select source_key from ${rel(p, o)}`)).map((r) => r.source_key as string).filter((k) => k !== waiting.key && k !== refused.key);
        await loadObject({ ...ctx, onlyKeys: new Set(keys) }, o);
        const loader = new ObjectLoader(ctx, o);
        await loader.queue(waiting.key, 'record', waiting.key, 'RECORD: held for a person');
        await loader.reject(refused.key, 'TEST_REFUSED', 'TEST_REFUSED: the destination refused this record');
        await loader.flush();
      }

      const state = async (keys: string[]) =>
        q(`select s.source_key, s.state, s.reason_code, s.message, s.queue_id, q.status from etl.record_status s left join etl.queue_items q on q.id = s.queue_id
            where s.pipeline = $1 and s.object = $2 and s.source_key = any($3) order by s.source_key`, [p.name, child.name, keys]);
      // the children wait on an item of the parent's own (kind parent), not on whatever holds the parent
      const parentItem = (await q(`select id from etl.queue_items where pipeline = $1 and kind = 'parent' and key = $2`, [p.name, parentItemKey(parent.name, waiting.key)]))[0]?.id;
      expect(parentItem, `queue item parent ${parentItemKey(parent.name, waiting.key)}`).toBeDefined();

      // queued parent: its children wait on its item, never rejected for the lookup
      const w = await state(waiting.children);
      expect(w.length, `${child.name} children of ${waiting.key}`).toBe(waiting.children.length);
      for (const r of w) {
        expect(r.reason_code === 'LOOKUP_UNRESOLVED' || r.state === 'loaded', JSON.stringify(r)).toBe(false);
        if (r.state === 'queued' && r.reason_code === 'WAITING_FOR_PARENT') {
          expect(r.queue_id, JSON.stringify(r)).toBe(parentItem);
          expect(r.message).toContain(waiting.key);
        }
      }
      expect(w.some((r) => r.reason_code === 'WAITING_FOR_PARENT'), JSON.stringify(w)).toBe(true);

      // rejected parent: its children are rejected with its reason
      const rj = await state(refused.children);
      expect(rj.length).toBe(refused.children.length);
      expect(rj.some((r) => r.state === 'rejected' && r.reason_code === 'PARENT_REJECTED' && r.message.includes('TEST_REFUSED: the destination refused this record') && r.message.includes(refused.key)), JSON.stringify(rj)).toBe(true);
      for (const r of rj) expect(r.state === 'loaded' || r.reason_code === 'LOOKUP_UNRESOLVED' || r.reason_code === 'WAITING_FOR_PARENT', JSON.stringify(r)).toBe(false);
      const rejects = await q(`select count(*)::int as n from etl.rejects where pipeline = $1 and object = $2 and reason_code = 'PARENT_REJECTED' and source_key = any($3)`, [p.name, child.name, refused.children]);
      expect(rejects[0].n).toBeGreaterThan(0);

      // The parent is released (its next load writes it): the load that writes it writes the
      // children that waited, and the item resolves once nothing waits on it.
      const run2 = await startRun(db, p.name, 'load', {});
      const ctx2: LoadContext = { ...ctx, runId: run2 };
      for (const o of p.objects.slice(pi, ci + 1)) await loadObject(ctx2, o);
      const after = await state(waiting.children.filter((k) => w.find((r) => r.source_key === k)?.reason_code === 'WAITING_FOR_PARENT'));
      expect(after.length).toBeGreaterThan(0);
      for (const r of after) expect(r.state, JSON.stringify(r)).toBe('loaded');
      const item = (await q(`select status, (select count(*)::int from etl.record_status s where s.queue_id = q.id and s.state = 'queued') as waiting from etl.queue_items q where id = $1`, [parentItem]))[0]!;
      expect(item.status === 'resolved', JSON.stringify(item)).toBe(item.waiting === 0);
      expect(item.waiting).toBe(0);
    },
    240_000,
  );
});
