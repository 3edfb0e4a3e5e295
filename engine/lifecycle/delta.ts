/**
 * `delta --input DIR`: the cut-over export. Extract and transform it, then per object compare
 * the view with etl.id_map by source_key: not mapped yet -> new; mapped with another payload
 * hash -> changed (both decided and written by the loader, which updates only the fields that
 * changed); mapped but gone from the view -> deleted. Deleted ones are reported
 * for a person to decide, never deleted in the destination. A delta with no changes writes
 * nothing to the destination.
 */
import path from 'node:path';
import { loadObject, type ObjectCounts } from '../load/load-object.ts';
import { recordStep } from '../runs.ts';
import { extract } from '../steps/extract.ts';
import { transform } from '../steps/transform.ts';
import type { StepContext } from '../steps/context.ts';
import { outDir, relationExists, viewName } from './common.ts';
import { writeCsvFile } from '../util/csv-write.ts';
import { reconcileObject } from './reconcile.ts';
import { checkRejectThreshold, loadGates } from '../steps/load.ts';

export interface DeltaObject {
  object: string;
  new: string[];
  changed: string[];
  unchanged: number;
  held: number;
  deleted: { source_key: string; dest_module: string; dest_id: string }[];
  counts?: ObjectCounts;
}

export async function runDelta(ctx: StepContext): Promise<DeltaObject[]> {
  const { db, pipeline } = ctx;
  await extract(ctx);
  await transform(ctx);
  // A delta writes like a load, behind the same gates (approved sample, confirmed mapping, a real
  // fallback owner or no unmatched owners, idempotency fields).
  const { dest, fallbackOwner } = await loadGates(ctx);

  const result: DeltaObject[] = [];
  for (const obj of pipeline.objects) {
    const v = viewName(pipeline, obj);
    if (!(await relationExists(db, v.sql))) continue;
    // Deleted: mapped records whose source_key the new export no longer has.
    const deleted = (
      await db.pool.query(
        `select m.source_key, m.dest_module, m.dest_id from etl.id_map m
          where m.pipeline = $1 and m.object = $2 and not exists (select 1 from ${v.sql} x where x.source_key = m.source_key)
          order by m.source_key`,
        [pipeline.name, obj.name],
      )
    ).rows as DeltaObject['deleted'];
    // New and changed: the loader compares each row's payload hash with etl.id_map and writes
    // only what differs (inserts for unmapped keys, updates of the changed fields).
    const item = { kind: 'object', n: pipeline.objects.indexOf(obj) + 1, of: pipeline.objects.length };
    const onProgress = ctx.progress && ((done: number, total: number) => ctx.progress!({ label: obj.name, item, done, total, unit: 'records' }));
    const counts = await loadObject({ db, pipeline, destination: dest, runId: ctx.runId, fallbackOwner, input: ctx.input, log: ctx.log, onProgress }, obj);
    await recordStep(db, ctx.runId, `delta:${obj.name}`, 'done', counts);
    const written = (
      await db.pool.query(`select action, source_key from etl.load_log where run_id = $1 and pipeline = $2 and object = $3 and action in ('insert','update') order by source_key`, [
        ctx.runId,
        pipeline.name,
        obj.name,
      ])
    ).rows;
    const d: DeltaObject = {
      object: obj.name,
      new: written.filter((r) => r.action === 'insert').map((r) => r.source_key),
      changed: written.filter((r) => r.action === 'update').map((r) => r.source_key),
      unchanged: counts.already_loaded,
      held: counts.rejected + counts.queued + counts.skipped,
      deleted,
      counts,
    };
    if (d.new.length || d.changed.length) await reconcileObject({ db, pipeline, destination: dest, runId: ctx.runId, log: ctx.log, summary: ctx.summary }, obj, counts);
    if (d.deleted.length)
      await db.pool.query(
        `insert into etl.delta_deleted (run_id, pipeline, object, source_key, dest_module, dest_id)
         select $1, $2, $3, r.source_key, r.dest_module, r.dest_id from jsonb_to_recordset($4::jsonb) as r(source_key text, dest_module text, dest_id text)
         on conflict do nothing`,
        [ctx.runId, pipeline.name, obj.name, JSON.stringify(d.deleted)],
      );
    ctx.log(`delta ${obj.name.padEnd(18)} new ${d.new.length}  changed ${d.changed.length}  unchanged ${d.unchanged}  held ${d.held}  deleted in source ${d.deleted.length}`);
    result.push(d);
  }
  const dir = outDir(ctx, 'delta');
  const file = path.join(dir, 'deleted.csv');
  writeCsvFile(
    file,
    ['object', 'source_key', 'dest_module', 'dest_id', 'decision'],
    result.flatMap((d) => d.deleted.map((x) => [d.object, x.source_key, x.dest_module, x.dest_id, ''])),
  );
  const deletedTotal = result.reduce((n, d) => n + d.deleted.length, 0);
  if (deletedTotal) ctx.log(`delta: ${deletedTotal} records are gone from the source export; they stay in the destination. Decide each in ${file}.`);
  ctx.summary.delta = {
    deleted_csv: file,
    objects: Object.fromEntries(
      result.map((d) => [d.object, { new: d.new, changed: d.changed, unchanged: d.unchanged, held: d.held, deleted: d.deleted.map((x) => x.source_key) }]),
    ),
  };
  ctx.summary.objects = result.map((d) => d.counts!);
  checkRejectThreshold(ctx, result.map((d) => d.counts!));
  return result;
}
