/**
 * `sample --size N`: a representative slice of every object (each value of every picklist-like
 * column, each record a data-quality view flags, everything those records reference), filled
 * at random to N per object, loaded alone, then verified.
 */
import type { Db } from '../db/connection.ts';
import type { LoadObject, PipelineDefinition } from '../pipeline.ts';
import { modelSchemas } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';
import { loadObject, type ObjectCounts } from '../load/load-object.ts';
import { recordStep } from '../runs.ts';
import { UsageError } from '../errors.ts';
import type { StepContext } from '../steps/context.ts';
import { picklistColumns, relationExists, viewName } from './common.ts';
import { mappingHash } from './approval.ts';
import { reconcileObject } from './reconcile.ts';
import { runVerify } from './verify.ts';

export const DEFAULT_SAMPLE_SIZE = 200;

type Picked = Map<string, Map<string, string>>; // object -> source_key -> reason

/** Records per kind of finding (object, category, field) a sample takes: a few show the case. */
export const PER_FINDING_KIND = 3;

/** dq_* views of the pipeline with the finding columns (object, source_key), and which of category/field they have. */
async function dqViews(db: Db, p: PipelineDefinition): Promise<{ view: string; kind: string[] }[]> {
  const schemas = modelSchemas(p).filter((s) => s.startsWith('dq_'));
  const { rows } = await db.pool.query(
    `select table_schema, table_name, array_agg(column_name::text) as cols from information_schema.columns
      where table_schema = any($1) group by table_schema, table_name order by 1, 2`,
    [schemas],
  );
  return rows
    .filter((r) => r.cols.includes('object') && r.cols.includes('source_key'))
    .map((r) => ({ view: `${ident(r.table_schema)}.${ident(r.table_name)}`, kind: ['category', 'field'].filter((c) => r.cols.includes(c)) }));
}

export async function pickSample(db: Db, p: PipelineDefinition, size: number): Promise<Picked> {
  const picked: Picked = new Map(p.objects.map((o) => [o.name, new Map()]));
  const add = (o: string, key: string, reason: string) => {
    const m = picked.get(o);
    if (m && !m.has(key)) m.set(key, reason);
  };
  const present = new Map<string, LoadObject>();
  for (const o of p.objects) if (await relationExists(db, viewName(p, o).sql)) present.set(o.name, o);

  // Every value of every picklist-like column: one record per value.
  for (const o of present.values()) {
    const v = viewName(p, o);
    for (const col of await picklistColumns(db, p, o)) {
      const { rows } = await db.pool.query(
        `select distinct on (${ident(col)}) source_key, ${ident(col)}::text as value from ${v.sql} order by ${ident(col)}, md5(source_key)`,
      );
      for (const r of rows) add(o.name, r.source_key, `value ${col}=${r.value ?? '(empty)'}`);
    }
  }
  // The hard cases the data-quality views found (object named as the load object or its view).
  const viewToObject = new Map<string, string>();
  for (const o of present.values()) {
    viewToObject.set(o.name, o.name);
    viewToObject.set(o.view ?? o.name, o.name);
  }
  for (const dq of await dqViews(db, p)) {
    const part = ['object', ...dq.kind].map((c) => `${ident(c)}::text`).join(', ');
    const { rows } = await db.pool.query(
      `select object, source_key, reason from (
         select object::text as object, source_key::text as source_key, concat_ws(' ', ${part}) as reason,
                row_number() over (partition by ${part} order by md5(source_key::text)) as n
           from (select distinct ${part}, source_key from ${dq.view} where source_key is not null) f) x
        where n <= ${PER_FINDING_KIND}`,
    );
    for (const r of rows) {
      const obj = viewToObject.get(r.object);
      if (!obj) continue;
      const o = present.get(obj)!;
      // A finding may name the source record by its id alone; match it to the view's key.
      const { rows: hit } = await db.pool.query(`select source_key from ${viewName(p, o).sql} where source_key = $1 or source_key like '%:' || $1 limit 1`, [r.source_key]);
      if (hit[0]) add(obj, hit[0].source_key, `dq ${r.reason}`);
    }
  }
  // Random fill to N per object (md5 order: random-looking, yet the same slice each time).
  for (const o of present.values()) {
    const have = picked.get(o.name)!;
    const need = size - have.size;
    if (need <= 0) continue;
    const { rows } = await db.pool.query(
      `select source_key from ${viewName(p, o).sql} where not (source_key = any($1)) order by md5(source_key) limit ${need}`,
      [[...have.keys()]],
    );
    for (const r of rows) add(o.name, r.source_key, 'random');
  }
  // Everything the chosen records reference, transitively (parents load before children).
  for (let changed = true; changed; ) {
    changed = false;
    for (const o of present.values()) {
      const keys = [...picked.get(o.name)!.keys()];
      for (const [field, target] of Object.entries(o.lookups ?? {})) {
        const targets = (Array.isArray(target) ? target : [target]).filter((t) => present.has(t));
        if (!targets.length || !keys.length) continue;
        const { rows } = await db.pool.query(
          `select distinct ${ident(field)}::text as ref from ${viewName(p, o).sql} where source_key = any($1) and ${ident(field)} is not null`,
          [keys],
        );
        for (const r of rows)
          for (const t of targets) {
            const exists = await db.pool.query(`select 1 from ${viewName(p, present.get(t)!).sql} where source_key = $1`, [r.ref]);
            if (exists.rowCount && !picked.get(t)!.has(r.ref)) {
              add(t, r.ref, `referenced by ${o.name}.${field}`);
              changed = true;
            }
          }
      }
    }
  }
  return picked;
}

export async function runSample(ctx: StepContext): Promise<void> {
  const size = ctx.flags.size === undefined ? DEFAULT_SAMPLE_SIZE : Number(ctx.flags.size);
  if (!Number.isInteger(size) || size < 1) throw new UsageError('--size must be a whole number of records per object, 1 or more.');
  const { db, pipeline } = ctx;
  const picked = await pickSample(db, pipeline, size);
  const rows = [...picked].flatMap(([object, keys]) => [...keys].map(([source_key, reason]) => ({ object, source_key, reason })));
  await db.pool.query(
    `insert into etl.sample_keys (run_id, pipeline, object, source_key, reason)
     select $1, $2, r.object, r.source_key, r.reason from jsonb_to_recordset($3::jsonb) as r(object text, source_key text, reason text)
     on conflict do nothing`,
    [ctx.runId, pipeline.name, JSON.stringify(rows)],
  );
  await db.pool.query(`insert into etl.samples (run_id, pipeline, size, mapping_hash, keys) values ($1,$2,$3,$4,$5)`, [ctx.runId, pipeline.name, size, mappingHash(pipeline, ctx.flags.out), rows.length]);
  ctx.log(`sample: ${rows.length} records (size ${size} per object): ${[...picked].map(([o, k]) => `${o} ${k.size}`).join(', ')}`);

  const dest = await ctx.destination();
  let fallbackOwner: string | undefined;
  if (ctx.flags.fallbackOwner) fallbackOwner = (await dest.listUsers()).find((u) => u.email === ctx.flags.fallbackOwner)?.id;
  const objects: ObjectCounts[] = [];
  for (const obj of pipeline.objects) {
    const keys = picked.get(obj.name);
    if (!keys?.size) continue;
    const item = { kind: 'object', n: pipeline.objects.indexOf(obj) + 1, of: pipeline.objects.length };
    const onProgress = ctx.progress && ((done: number, total: number) => ctx.progress!({ label: obj.name, item, done, total, unit: 'records' }));
    const counts = await loadObject({ db, pipeline, destination: dest, runId: ctx.runId, fallbackOwner, input: ctx.input, onlyKeys: new Set(keys.keys()), log: ctx.log, onProgress }, obj);
    objects.push(counts);
    await recordStep(db, ctx.runId, `sample:${obj.name}`, 'done', counts);
    await reconcileObject({ db, pipeline, destination: dest, runId: ctx.runId, log: ctx.log, summary: ctx.summary }, obj, counts);
  }
  ctx.summary.sample = { run_id: ctx.runId, size, records: rows.length, objects };

  // In an all-steps run the verify step follows; run alone, sample verifies its own slice.
  const step = (await db.pool.query('select step from etl.runs where run_id = $1', [ctx.runId])).rows[0]?.step;
  if (step !== 'all') await runVerify(ctx);
}
