import { runLoad } from '../load/runner.ts';
import { resolveQueueItems, type ObjectCounts } from '../load/load-object.ts';
import { recordStep } from '../runs.ts';
import type { Step, StepContext } from './context.ts';
import type { Destination } from '../destination.ts';
import { CliError, UsageError } from '../errors.ts';
import { gate } from '../gates.ts';
import { requireApprovedSample, reconcileObject } from '../lifecycle/index.ts';
import { requireConfirmedCustomFields } from '../discover/index.ts';
import { requireIdempotencyFields } from './setup.ts';
import { writeReport } from './report.ts';

/**
 * What must hold before any record is written, for `load` and `delta` alike: the custom-field
 * mapping confirmed, the sample approved, a --fallback-owner that is an active destination user
 * (else no owner without a destination user), and the idempotency fields in place. Returns the
 * destination and the fallback owner's id.
 */
export async function loadGates(ctx: StepContext): Promise<{ dest: Destination; fallbackOwner?: string }> {
  await requireConfirmedCustomFields(ctx);
  await requireApprovedSample(ctx);
  const dest = await ctx.destination();
  let fallbackOwner: string | undefined;
  if (ctx.flags.fallbackOwner) {
    const u = (await dest.listUsers()).find((x) => x.email.toLowerCase() === ctx.flags.fallbackOwner);
    if (!u) throw new CliError('FALLBACK_OWNER_UNKNOWN', `--fallback-owner ${ctx.flags.fallbackOwner} is not a ${dest.name} user; name an existing user.`, { exitCode: 2 });
    if (!u.active) throw new CliError('FALLBACK_OWNER_INACTIVE', `--fallback-owner ${ctx.flags.fallbackOwner} is an inactive ${dest.name} user; name an active one.`, { exitCode: 2 });
    fallbackOwner = u.id;
    ctx.summary.fallback_owner = { email: ctx.flags.fallbackOwner, id: u.id };
    await ctx.db.pool.query(`update etl.runs set args = args || jsonb_build_object('fallback_owner_id', $2::text) where run_id = $1`, [ctx.runId, u.id]);
  } else {
    // Owners with no destination user stop the load until a person decides (or names a fallback).
    const open = await ctx.db.pool.query(
      `select key, greatest(held, (select count(*) from etl.record_status s where s.queue_id = q.id and s.state = 'queued'))::int as n
         from etl.queue_items q where pipeline = $1 and kind = 'user' and status = 'open' order by key`,
      [ctx.pipeline.name],
    );
    if (open.rowCount)
      await gate(
        ctx,
        'OWNERS_UNMATCHED',
        `${open.rowCount} source owner(s) have no ${dest.name} user (${open.rows.map((r) => `${r.key}: ${r.n} records`).join(', ')}). Create or invite them and re-run users, resolve the rows in etl.queue_items, or load with --fallback-owner EMAIL.`,
      );
  }
  await requireIdempotencyFields(ctx, dest);
  return { dest, fallbackOwner };
}

/** Default share of an object's records whose rejection fails the run (--reject-threshold). */
export const DEFAULT_REJECT_THRESHOLD = 0.5;

/**
 * A run that rejected more than the threshold of any object's records is not a success, even
 * though every record is accounted for: exit 1 with the counts (the records written stay written).
 */
export function checkRejectThreshold(ctx: StepContext, objects: ObjectCounts[]): void {
  const threshold = ctx.flags.rejectThreshold === undefined ? DEFAULT_REJECT_THRESHOLD : Number(ctx.flags.rejectThreshold);
  const over = objects.filter((o) => o.extracted > 0 && o.rejected / o.extracted > threshold);
  if (over.length)
    throw new CliError(
      'REJECT_THRESHOLD',
      `${over.map((o) => `${o.object}: ${o.rejected} of ${o.extracted} rejected (${Math.round((100 * o.rejected) / o.extracted)}%)`).join('; ')}: more than ${Math.round(threshold * 100)}% of the records of ${over.length === 1 ? 'an object' : 'these objects'} were refused. Fix the causes in etl.rejects (or raise --reject-threshold) and run again; what was written stays written.`,
    );
}

/**
 * Load every object of the pipeline in dependency order (pipeline.objects), as chunks on the
 * job queue shared by every process loading this pipeline (--workers N per process), with a
 * conservation check per object and for the step.
 */
export const load: Step = async (ctx) => {
  const { dest, fallbackOwner } = await loadGates(ctx);
  ctx.log(`load: into ${dest.target}`);
  const workers = ctx.flags.workers === undefined ? 1 : Number(ctx.flags.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('--workers takes a whole number from 1 to 64.');
  const objects: ObjectCounts[] = [];
  const objectItem = (name: string) => ({ kind: 'object', n: ctx.pipeline.objects.findIndex((o) => o.name === name) + 1, of: ctx.pipeline.objects.length });
  const before = dest.stats?.();
  await runLoad({
    db: ctx.db,
    pipeline: ctx.pipeline,
    destination: dest,
    runId: ctx.runId,
    workers,
    fallbackOwner,
    input: ctx.input,
    log: ctx.log,
    logError: ctx.logAt && ((m) => ctx.logAt!('error', m)),
    onProgress: ctx.progress && (({ object, done, total }) => ctx.progress!({ label: object, item: objectItem(object), done, total, unit: 'records' })),
    async onObject(obj, counts) {
      objects.push(counts);
      await recordStep(ctx.db, ctx.runId, `load:${obj.name}`, 'done', counts);
      await reconcileObject({ db: ctx.db, pipeline: ctx.pipeline, destination: dest, runId: ctx.runId, log: ctx.log, summary: ctx.summary }, obj, counts);
      ctx.log(
        `  ${obj.name.padEnd(20)} extracted ${counts.extracted}  loaded ${counts.loaded}  already loaded ${counts.already_loaded}  rejected ${counts.rejected}  queued ${counts.queued}  skipped ${counts.skipped}`,
      );
    },
  });
  // Every record has been met. With a fallback owner, an owner item no record waits on any more
  // is done (all their records went to the fallback); without one their records cannot be
  // written at all, so the item stays open whatever they wait on first (a queued parent).
  await resolveQueueItems(ctx.db, ctx.pipeline.name, { owners: !!fallbackOwner });
  // The step's own conservation: the sum over objects balances too.
  const t = objects.reduce((a, c) => ({ e: a.e + c.extracted, acc: a.acc + c.loaded + c.already_loaded + c.rejected + c.queued + c.skipped }), { e: 0, acc: 0 });
  if (t.e !== t.acc) throw new CliError('CONSERVATION', `load: ${t.e} records extracted across objects but ${t.acc} accounted for`);
  const after = dest.stats?.();
  if (before && after) {
    const calls = after.writeCalls - before.writeCalls;
    const recs = after.recordsWritten - before.recordsWritten;
    ctx.summary.write_calls = { calls, records: recs, per_call: calls ? Math.round((recs / calls) * 10) / 10 : 0, retries: after.retries - before.retries };
  }
  ctx.summary.objects = objects;
  // The report shows what is now true of every record (etl.record_status), not what it was before the load.
  await writeReport(ctx, 'after load');
  checkRejectThreshold(ctx, objects);
};
