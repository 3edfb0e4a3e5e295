/**
 * Reconciliation per phase: after an object's load, how many records the source export has,
 * how many the view shaped, what the run did with them (loaded, already loaded, rejected,
 * queued, skipped) and how many of the pipeline's records the destination still holds. Every
 * gap is named. Rows go to etl.reconciliation.
 */
import type { Db } from '../db/connection.ts';
import { recordKey, type Destination } from '../destination.ts';
import type { LoadObject, PipelineDefinition } from '../pipeline.ts';
import type { ObjectCounts } from '../load/load-object.ts';
import { ident } from '../extract/headers.ts';
import { CliError } from '../errors.ts';
import type { StepContext } from '../steps/context.ts';
import { relationExists, viewName } from './common.ts';

export interface ReconciliationRow {
  object: string;
  source_count: number | null;
  view_count: number;
  extracted: number;
  loaded: number;
  already_loaded: number;
  rejected: number;
  queued: number;
  skipped: number;
  /** The pipeline's records of this object in etl.id_map. */
  mapped: number;
  /** Of those, how many the destination holds (extrapolated when only `checked` were read). */
  in_destination: number | null;
  checked: number;
  /** How in_destination was counted: listed (exact, by key), read back (every record, exact) or sampled (an estimate). */
  method: 'listed' | 'read back' | 'sampled';
  gaps: string[];
}

/** Reading every record back costs one call each: above this, a random sample is read. */
const CHECK_ALL_UP_TO = 100;
const CHECK_SAMPLE = 50;

export interface ReconcileContext {
  db: Db;
  pipeline: PipelineDefinition;
  destination: Destination;
  runId: number;
  log?: (msg: string) => void;
  /** The run's summary: each row is appended to its `reconciliation` list (the run report). */
  summary?: Record<string, unknown>;
}

async function countOf(db: Db, relation: string): Promise<number | null> {
  const [s, t] = relation.includes('.') ? relation.split('.') : ['public', relation];
  const q = `${ident(s!)}.${ident(t!)}`;
  if (!(await relationExists(db, q))) return null;
  return (await db.pool.query(`select count(*)::bigint as n from ${q}`)).rows[0].n as number;
}

/**
 * Reconcile one object after its load phase (call it per object, with the counts loadObject
 * returned; without counts they are read from etl.load_log for the run).
 */
export async function reconcileObject(rc: ReconcileContext, obj: LoadObject, counts?: ObjectCounts): Promise<ReconciliationRow> {
  const { db, pipeline, destination, runId } = rc;
  const v = viewName(pipeline, obj);
  const viewCount = Number((await countOf(db, `${v.schema}.${v.name}`)) ?? 0);
  const sourceCount = obj.sourceCount ? await countOf(db, obj.sourceCount) : null;
  let c = counts;
  if (!c) {
    const { rows } = await db.pool.query(
      `select count(*) filter (where action in ('insert','update'))::int as loaded, count(*) filter (where action = 'insert')::int as inserted,
              count(*) filter (where action = 'update')::int as updated, count(*) filter (where action = 'reject')::int as rejected,
              count(*) filter (where action = 'queue')::int as queued, count(*) filter (where action = 'skip')::int as skipped
         from etl.load_log where run_id = $1 and pipeline = $2 and object = $3`,
      [runId, pipeline.name, obj.name],
    );
    const r = rows[0];
    const stepCounts = (await db.pool.query(`select counts from etl.run_steps where run_id = $1 and name in ($2, $3) limit 1`, [runId, `load:${obj.name}`, `sample:${obj.name}`])).rows[0]?.counts;
    c = stepCounts ?? { object: obj.name, extracted: NaN, already_loaded: NaN, ...r };
  }
  const mappedRows = (await db.pool.query('select dest_id, payload from etl.id_map where pipeline = $1 and object = $2 order by md5(dest_id)', [pipeline.name, obj.name])).rows as {
    dest_id: string;
    payload: Record<string, unknown> | null;
  }[];
  const toCheck = mappedRows.length <= CHECK_ALL_UP_TO ? mappedRows : mappedRows.slice(0, CHECK_SAMPLE);
  let checked = toCheck.length;
  let method: ReconciliationRow['method'] = 'read back';
  let found = 0;
  let inDest: number | null;
  if (obj.attachment) {
    // Files hang off their parent record: read the parent's attachment list when the
    // destination offers one (the parent is in the payload the loader kept).
    if (destination.listAttachments) {
      for (const r of toCheck) {
        const pm = r.payload?.parent_module;
        const pid = r.payload?.parent_id;
        if (typeof pm !== 'string' || typeof pid !== 'string') continue;
        const list = await destination.listAttachments(pm, pid).catch(() => []);
        if (list.some((a) => String(a.id) === String(r.dest_id))) found++;
      }
      inDest = toCheck.length === mappedRows.length ? found : Math.round((found / Math.max(1, toCheck.length)) * mappedRows.length);
    } else inDest = null;
  } else if (destination.listIdsByKeyPrefix && destination.idempotencyField) {
    // Exact: every id the destination holds under this pipeline's keys, listed in pages.
    const held = await destination.listIdsByKeyPrefix(obj.module, recordKey(pipeline.name, ''));
    found = mappedRows.filter((r) => held.has(String(r.dest_id))).length;
    inDest = found;
    checked = mappedRows.length;
    method = 'listed';
  } else {
    for (const r of toCheck) if (await destination.get(obj.module, r.dest_id)) found++;
    inDest = toCheck.length === mappedRows.length ? found : Math.round((found / Math.max(1, toCheck.length)) * mappedRows.length);
  }
  if (method !== 'listed') method = toCheck.length === mappedRows.length ? 'read back' : 'sampled';

  const gaps: string[] = [];
  const extracted = Number(c!.extracted);
  const accounted = c!.loaded + c!.already_loaded + c!.rejected + c!.queued + c!.skipped;
  if (Number.isFinite(extracted) && accounted !== extracted) gaps.push(`unaccounted: ${extracted - accounted} of ${extracted} rows were neither loaded, already loaded, rejected, queued nor skipped`);
  if (inDest !== null && inDest < mappedRows.length)
    gaps.push(`missing in destination: ${mappedRows.length - inDest} of ${mappedRows.length} mapped records not found${method === 'sampled' ? ` (estimated from a sample of ${checked} read back)` : ''}`);
  if (sourceCount !== null && Number(sourceCount) > viewCount) {
    // Rows the extract or the SQL rejected explain a smaller view; anything beyond is a gap.
    const explained = Number(
      (await db.pool.query(`select count(*)::int as n from etl.rejects where pipeline is not distinct from $1 and stage in ('extract','transform') and (object = $2 or object is null)`, [pipeline.name, obj.name])).rows[0].n,
    );
    if (Number(sourceCount) - viewCount > explained) gaps.push(`source has ${sourceCount} rows, the view ${viewCount} (${explained} rejected before the view; the rest merged or filtered by the SQL)`);
  }
  const row: ReconciliationRow = {
    object: obj.name,
    source_count: sourceCount === null ? null : Number(sourceCount),
    view_count: viewCount,
    extracted: Number.isFinite(extracted) ? extracted : 0,
    loaded: c!.loaded,
    already_loaded: Number.isFinite(Number(c!.already_loaded)) ? Number(c!.already_loaded) : 0,
    rejected: c!.rejected,
    queued: c!.queued,
    skipped: c!.skipped,
    mapped: mappedRows.length,
    in_destination: inDest,
    checked,
    method,
    gaps,
  };
  await db.pool.query(
    `insert into etl.reconciliation (run_id, pipeline, object, source_count, view_count, extracted, loaded, already_loaded, rejected, queued, skipped, mapped, in_destination, checked, gaps, method)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)
     on conflict (run_id, object) do update set source_count = excluded.source_count, view_count = excluded.view_count, extracted = excluded.extracted,
       loaded = excluded.loaded, already_loaded = excluded.already_loaded, rejected = excluded.rejected, queued = excluded.queued, skipped = excluded.skipped,
       mapped = excluded.mapped, in_destination = excluded.in_destination, checked = excluded.checked, gaps = excluded.gaps, method = excluded.method, at = now()`,
    [runId, pipeline.name, obj.name, row.source_count, row.view_count, row.extracted, row.loaded, row.already_loaded, row.rejected, row.queued, row.skipped, row.mapped, row.in_destination, row.checked, row.gaps, row.method],
  );
  if (rc.summary) ((rc.summary.reconciliation as ReconciliationRow[] | undefined) ??= []).push(row);
  rc.log?.(
    `  reconcile ${obj.name.padEnd(18)} source ${row.source_count ?? '-'}  view ${row.view_count}  loaded ${row.loaded}  already ${row.already_loaded}  rejected ${row.rejected}  queued ${row.queued}  skipped ${row.skipped}  in destination ${row.in_destination}/${row.mapped}${method === 'sampled' ? ` (estimated from a sample of ${checked})` : ''}${gaps.length ? `  GAP: ${gaps.join('; ')}` : ''}`,
  );
  return row;
}

/**
 * `reconcile [--run ID]`: without --run, every object as it stands now: the view's records by
 * their current state (etl.record_status), against what the destination holds. With --run ID,
 * what that load run did (its own counts). Either way the rows are recorded under the reconcile
 * run itself, so an earlier run's figures are never rewritten.
 */
export async function runReconcile(ctx: StepContext): Promise<ReconciliationRow[]> {
  const { db, pipeline } = ctx;
  const runFlag = ctx.flags.run === undefined ? undefined : Number(ctx.flags.run);
  const anyLoad = (
    await db.pool.query(`select max(run_id) as run_id from etl.load_log where pipeline = $1 and action in ('insert','update','reject','queue','skip') and rollback_of is null`, [pipeline.name])
  ).rows[0]?.run_id;
  if (runFlag === undefined && (anyLoad === null || anyLoad === undefined)) throw new CliError('NO_LOAD_RUN', `${pipeline.name} has no load run to reconcile yet: run \`load\` first.`);
  const dest = await ctx.destination();
  const rows: ReconciliationRow[] = [];
  ctx.log(runFlag === undefined ? 'reconcile: every record as it stands now (etl.record_status)' : `reconcile: what run ${runFlag} did`);
  for (const obj of pipeline.objects) {
    const v = viewName(pipeline, obj);
    if (!(await relationExists(db, v.sql))) continue;
    let counts: ObjectCounts | undefined;
    if (runFlag === undefined) {
      const r = (
        await db.pool.query(
          `select count(*)::int as extracted,
                  count(*) filter (where s.state = 'loaded')::int as loaded,
                  count(*) filter (where s.state = 'rejected')::int as rejected,
                  count(*) filter (where s.state = 'queued')::int as queued,
                  count(*) filter (where s.state = 'skipped')::int as skipped
             from ${v.sql} x left join etl.record_status s on s.pipeline = $1 and s.object = $2 and s.source_key = x.source_key`,
          [pipeline.name, obj.name],
        )
      ).rows[0];
      counts = { object: obj.name, extracted: r.extracted, loaded: r.loaded, inserted: 0, updated: 0, already_loaded: 0, rejected: r.rejected, queued: r.queued, skipped: r.skipped };
    } else {
      const step = (await db.pool.query(`select counts from etl.run_steps where run_id = $1 and name in ($2, $3) limit 1`, [runFlag, `load:${obj.name}`, `sample:${obj.name}`])).rows[0]?.counts;
      if (step) counts = step as ObjectCounts;
      else {
        const r = (
          await db.pool.query(
            `select count(*) filter (where action in ('insert','update'))::int as loaded, count(*) filter (where action = 'insert')::int as inserted,
                    count(*) filter (where action = 'update')::int as updated, count(*) filter (where action = 'reject')::int as rejected,
                    count(*) filter (where action = 'queue')::int as queued, count(*) filter (where action = 'skip')::int as skipped
               from etl.load_log where run_id = $1 and pipeline = $2 and object = $3`,
            [runFlag, pipeline.name, obj.name],
          )
        ).rows[0];
        counts = { object: obj.name, extracted: NaN, already_loaded: NaN, ...r };
      }
    }
    rows.push(await reconcileObject({ db, pipeline, destination: dest, runId: ctx.runId, log: ctx.log }, obj, counts));
  }
  ctx.summary.reconciliation = { run_id: ctx.runId, of_run: runFlag ?? null, current_state: runFlag === undefined, objects: rows, gaps: rows.reduce((n, r) => n + r.gaps.length, 0) };
  return rows;
}
