/**
 * Load work as graphile-worker jobs in the staging database, so several processes (on one
 * machine or several sharing the database) share one load without double writes.
 *
 * Per object, in the pipeline's order:
 *   1. Under an advisory lock: an open plan for the object that live workers are running is
 *      joined; an open plan nobody runs any more (its processes died) is superseded; otherwise
 *      a plan is made: the view's source keys cut into chunks (key ranges), one job per chunk.
 *   2. This process's workers (--workers N, each a graphile-worker runner with its own id)
 *      take jobs. A worker claims a chunk in etl.load_chunks before loading it, so a chunk
 *      runs once even if its job were duplicated; superseded plans' jobs do nothing.
 *   3. Every worker beats in etl.load_workers and holds a session advisory lock of its own on
 *      a connection kept for the run (the server releases it the moment the process dies). A
 *      worker whose heartbeat is older than CRM_WORKER_STALE_SECONDS (default 10) *and* whose
 *      lock nobody holds is dead (kill -9, machine lost): its running chunks go back to pending
 *      with a new job (its own job stays locked by the dead process's graphile-worker pool,
 *      whose id no other process knows) and another worker reloads them. A live process whose
 *      beats are late (a loaded machine) is never taken for dead: its chunks are not handed to
 *      a second worker, nor its plans superseded, which on a destination without idempotent
 *      writes would create the same records twice.
 *      Reloading is safe: rows already recorded in etl.id_map count as already loaded, and rows
 *      written but not recorded are upserts keyed on the idempotency field (no duplicate).
 *   4. The coordinator waits until every chunk is done, sums their counts and checks
 *      conservation. A failed chunk fails the step; a chunk stopped by the credit budget stops
 *      it (exit 1, resumable).
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { run, makeWorkerUtils, Logger, type Runner, type WorkerUtils, type Task } from 'graphile-worker';
import type { Db } from '../db/connection.ts';
import type { Destination } from '../destination.ts';
import { viewOf, type LoadObject, type PipelineDefinition } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';
import { asCliError } from '../error-map.ts';
import { CliError } from '../errors.ts';
import { redactSecrets } from '../secrets.ts';
import { addCounts, bulkEligible, bulkMinChunk, checkConservation, emptyCounts, loadChunk, type ObjectCounts } from './load-object.ts';
import { dropSnapshot, snapshotRelation, takeSnapshot } from './snapshot.ts';
import { lockSourceShared, requireOwnLanding } from '../landing.ts';

export interface RunLoadOptions {
  db: Db;
  pipeline: PipelineDefinition;
  destination: Destination;
  runId: number;
  workers: number;
  fallbackOwner?: string;
  input?: string;
  log: (msg: string) => void;
  /** Rows of the object's plan done so far (chunks finished, by any process), as they finish. */
  onProgress?: (p: { object: string; done: number; total: number }) => void;
  /** Errors of the job queue itself (default: the log). */
  logError?: (msg: string) => void;
  /** Called after each object with its counts. */
  onObject?: (obj: LoadObject, counts: ObjectCounts) => Promise<void>;
}

const env = (k: string, d: number) => (process.env[k] && Number.isFinite(Number(process.env[k])) ? Number(process.env[k]) : d);

/** First key of the session advisory lock a live worker holds (second: hashtext(worker_id)). */
const LIVE_LOCK = 0x6372_6d4c; // 'crmL'

/**
 * SQL: the worker `col` names is alive: its process holds its lock in this database. pg_locks
 * shows a two-key advisory lock as classid = key 1, objid = key 2, objsubid = 2.
 */
export const workerAlive = (col: string) =>
  `exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.objsubid = 2 and l.classid = ${LIVE_LOCK}::oid
            and l.objid = hashtext(${col})::oid and l.database = (select oid from pg_database where datname = current_database()))`;

/** SQL: the worker row `w` is live: beating, or beating late but its process still holds its lock. */
const liveWorker = (w: string, staleParam: string) => `(${w}.heartbeat_at >= now() - make_interval(secs => ${staleParam}) or ${workerAlive(`${w}.worker_id`)})`;

export async function runLoad(o: RunLoadOptions): Promise<ObjectCounts[]> {
  const { db, pipeline } = o;
  const staleSeconds = env('CRM_WORKER_STALE_SECONDS', 10);
  const task = `crm_load_${pipeline.name.replace(/\W/g, '_')}`;
  // graphile-worker's own messages would go to stdout; keep errors only, on stderr, redacted.
  const logger = new Logger(() => (level: string, message: string) => {
    if (level === 'error') (o.logError ?? o.log)(redactSecrets(`worker: ${message}`));
  });
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString: db.url, logger });
  await utils.migrate();
  const me = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const workerIds = Array.from({ length: Math.max(1, o.workers) }, (_, i) => `crm-${me}:${i}`);
  // Each worker's lock, held by a connection of its own for the whole run: the proof of life
  // that no late heartbeat can take away. The server drops a vanished client's connection after
  // about a minute of silence (keepalives), a killed process's at once.
  const alive = new pg.Client({ connectionString: db.url, keepAlive: true });
  alive.on('error', () => {});
  await alive.connect();
  try {
    await alive.query(`set tcp_keepalives_idle = 30; set tcp_keepalives_interval = 10; set tcp_keepalives_count = 3`).catch(() => {});
    for (const w of workerIds) await alive.query(`select pg_advisory_lock($1, hashtext($2))`, [LIVE_LOCK, w]);
    await db.pool.query(
      `insert into etl.load_workers (worker_id, pipeline, run_id, pid, host) select unnest($1::text[]), $2, $3, $4, $5`,
      [workerIds, pipeline.name, o.runId, process.pid, os.hostname()],
    );
  } catch (err) {
    await alive.end().catch(() => {});
    await utils.release();
    throw err;
  }
  const beat = setInterval(() => {
    db.pool.query(`update etl.load_workers set heartbeat_at = now() where worker_id = any($1)`, [workerIds]).catch(() => {});
  }, 1000);

  const reap = async () => {
    const { rows } = await db.pool.query(
      `delete from etl.load_workers w where not ${liveWorker('w', '$1')} and not (worker_id = any($2)) returning worker_id`,
      [staleSeconds, workerIds],
    );
    if (rows.length) o.log(`load: ${rows.length} worker(s) stopped beating; their chunks are picked up again`);
    // Running chunks of open plans whose worker is gone (reaped now, or earlier by a process
    // that died before re-queueing them) get a fresh job; the claim lets one worker take each.
    const orphaned = await db.pool.query(
      `update etl.load_chunks c set status = 'pending', updated_at = now()
         from etl.load_plans p
        where p.plan_id = c.plan_id and p.pipeline = $1 and p.status = 'open' and c.status = 'running'
          and (c.worker_id is null or not exists (select 1 from etl.load_workers w where w.worker_id = c.worker_id))
        returning c.plan_id, c.chunk_no, c.attempts`,
      [pipeline.name],
    );
    for (const r of orphaned.rows) await utils.addJob(task, { planId: r.plan_id, chunkNo: r.chunk_no }, { jobKey: `load:${r.plan_id}:${r.chunk_no}:${r.attempts}`, maxAttempts: 25 });
  };

  // One handler per runner, bound to the id that runner beats under in etl.load_workers:
  // graphile-worker locks jobs under its own pool id, which etl.load_workers does not know, and
  // a chunk claimed under an unknown id would look orphaned to every other worker.
  const handlerFor = (workerId: string): Task => async (payload) => {
    const { planId, chunkNo } = payload as { planId: number; chunkNo: number };
    const claim = await db.pool.query(
      `update etl.load_chunks c set status = 'running', worker_id = $3, attempts = attempts + 1, updated_at = now()
         from etl.load_plans p
        where c.plan_id = $1 and c.chunk_no = $2 and p.plan_id = c.plan_id and p.status = 'open'
          and (c.status in ('pending','failed') or (c.status = 'running' and (c.worker_id is null or c.worker_id not in (select worker_id from etl.load_workers))))
        returning c.lo_key, c.hi_key, p.object, p.fallback_owner, p.snapshot, p.total`,
      [planId, chunkNo, workerId],
    );
    if (!claim.rowCount) return; // done, superseded, or another live worker has it
    const c = claim.rows[0];
    const obj = pipeline.objects.find((x) => x.name === c.object);
    try {
      if (!obj) throw new CliError('LOAD_PLAN_UNKNOWN_OBJECT', `load plan ${planId} names object ${c.object}, which ${pipeline.name} does not have`);
      // The plan's size decides the path (as when it was cut), so every chunk of a bulk plan is one job.
      const bulk = Number(c.total) >= (o.destination.bulkThreshold ?? Infinity) && (await bulkEligible(o.destination, obj.module));
      const counts = await loadChunk(
        { db, pipeline, destination: o.destination, runId: o.runId, fallbackOwner: c.fallback_owner ?? undefined, input: o.input, log: o.log, bulk },
        obj,
        c.lo_key,
        c.hi_key,
        c.snapshot,
      );
      await db.pool.query(`update etl.load_chunks set status = 'done', counts = $3, error = null, updated_at = now() where plan_id = $1 and chunk_no = $2`, [planId, chunkNo, JSON.stringify(counts)]);
    } catch (err) {
      // The coordinator decides what a failure means; the job itself completes so the queue
      // does not retry behind its back.
      // Recorded under a documented code (a destination refusing the credentials, the database
      // out of disk...): the coordinator relays it.
      const { code, message } = asCliError(err);
      await db.pool.query(`update etl.load_chunks set status = $3, error = $4, updated_at = now() where plan_id = $1 and chunk_no = $2`, [
        planId,
        chunkNo,
        code === 'CREDIT_BUDGET' ? 'stopped' : 'failed',
        JSON.stringify({ code, message: redactSecrets(message) }),
      ]);
    }
  };

  const runners: Runner[] = [];
  try {
    await reap();
    for (const workerId of workerIds)
      runners.push(
        await run({
          connectionString: db.url,
          concurrency: 1,
          noHandleSignals: true,
          pollInterval: 250,
          logger,
          taskList: { [task]: handlerFor(workerId) },
          workerId,
          maxPoolSize: 2,
        } as Parameters<typeof run>[0]),
      );
    const results: ObjectCounts[] = [];
    for (const obj of pipeline.objects) {
      const planId = await planFor(o, obj, task, utils, staleSeconds, workerIds);
      const counts = await waitForPlan(o, obj, planId, reap);
      results.push(counts);
      await o.onObject?.(obj, counts);
    }
    return results;
  } finally {
    clearInterval(beat);
    await Promise.allSettled(runners.map((r) => r.stop()));
    await db.pool.query(`delete from etl.load_workers where worker_id = any($1)`, [workerIds]).catch(() => {});
    await alive.end().catch(() => {});
    await utils.release();
  }
}

/** Join the object's open plan if live workers run it; else supersede it and make a new one. */
async function planFor(o: RunLoadOptions, obj: LoadObject, task: string, utils: WorkerUtils, staleSeconds: number, mine: string[]): Promise<number> {
  const { db, pipeline } = o;
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtext($1))`, [`crm-load:${pipeline.name}:${obj.name}`]);
    // The snapshot below is taken from this pipeline's own landing, and no extract or transform
    // can change it until this transaction ends (engine/landing.ts).
    await lockSourceShared(client, pipeline.source.name);
    await requireOwnLanding(client, pipeline, { built: true });
    const open = await client.query(`select plan_id from etl.load_plans where pipeline = $1 and object = $2 and status = 'open' order by plan_id desc`, [pipeline.name, obj.name]);
    const others = await client.query(
      `select count(*)::int as n from etl.load_workers w where pipeline = $1 and not (worker_id = any($2)) and ${liveWorker('w', '$3')}`,
      [pipeline.name, mine, staleSeconds],
    );
    // A chunk of the open plan that a live worker runs (this process's too: its reaper may have
    // handed it a dead process's chunk before this object's turn) means the plan is joined, never
    // superseded under that worker: a second plan would load the same keys beside it.
    const running = open.rowCount
      ? await client.query(
          `select count(*)::int as n from etl.load_chunks c join etl.load_workers w on w.worker_id = c.worker_id
            where c.plan_id = $1 and c.status = 'running' and ${liveWorker('w', '$2')}`,
          [open.rows[0].plan_id, staleSeconds],
        )
      : undefined;
    if (open.rowCount && (others.rows[0].n > 0 || running!.rows[0].n > 0)) {
      const planId = open.rows[0].plan_id as number;
      await client.query('commit');
      o.log(`load: ${obj.name}: joining plan ${planId}, already running in another process`);
      // Chunks still pending get their job again (the plan's maker may have died while adding them).
      const pending = await db.pool.query(`select chunk_no from etl.load_chunks where plan_id = $1 and status = 'pending'`, [planId]);
      for (const r of pending.rows) await utils.addJob(task, { planId, chunkNo: r.chunk_no }, { jobKey: `load:${planId}:${r.chunk_no}`, jobKeyMode: 'preserve_run_at', maxAttempts: 25 });
      return planId;
    }
    if (open.rowCount) {
      await client.query(`update etl.load_plans set status = 'superseded', finished_at = now() where plan_id = any($1)`, [open.rows.map((r) => r.plan_id)]);
      o.log(`load: ${obj.name}: an interrupted load was found; resuming it (records already written are not written again)`);
    }
    // Old plans' snapshots go; this plan reads its own, taken now (the view is read once).
    const old = await client.query(`select plan_id, snapshot from etl.load_plans where pipeline = $1 and object = $2 and snapshot is not null and status <> 'open'`, [pipeline.name, obj.name]);
    for (const r of old.rows) await dropSnapshot(client, r.snapshot);
    if (old.rowCount) await client.query(`update etl.load_plans set snapshot = null where plan_id = any($1)`, [old.rows.map((r) => r.plan_id)]);
    const plan = await client.query(`insert into etl.load_plans (pipeline, object, run_id, total, fallback_owner) values ($1,$2,$3,0,$4) returning plan_id`, [
      pipeline.name,
      obj.name,
      o.runId,
      o.fallbackOwner ?? null,
    ]);
    const planId = plan.rows[0].plan_id as number;
    const snapshot = `plan_${planId}`;
    const total = await takeSnapshot(client, viewOf(pipeline, obj), snapshot);
    await client.query(`update etl.load_plans set total = $2, snapshot = $3 where plan_id = $1`, [planId, total, snapshot]);
    // Big objects that will go through the bulk API: one job per chunk, cut so that every worker
    // of this process has one (a 25k object on 5 workers: five jobs of 5,000 run side by side),
    // no job above the API's 25,000 rows and none below CRM_BULK_MIN_CHUNK (1,000).
    const big = !!o.destination.bulkUpsert && total >= (o.destination.bulkThreshold ?? Infinity);
    const bulk = big && (await bulkEligible(o.destination, obj.module));
    if (big && !bulk) o.log(`load: ${obj.name}: ${total} records, but ${obj.module} does not take bulk jobs (destination metadata); loading in batches of ${o.destination.maxBatch}`);
    const size = bulk ? Math.min(25_000, Math.max(bulkMinChunk(), Math.ceil(total / Math.max(1, o.workers)))) : env('CRM_LOAD_CHUNK', 500);
    const bounds = await client.query(
      `select source_key, rn from (select source_key, row_number() over (order by source_key) as rn, count(*) over () as n from ${snapshotRelation(snapshot)}) s
        where rn % $1 = 0 or rn = n order by rn`,
      [size],
    );
    let lo = '';
    let prevRn = 0;
    const chunks: { no: number; lo: string; hi: string; rows: number }[] = [];
    for (const [i, b] of bounds.rows.entries()) {
      chunks.push({ no: i, lo, hi: b.source_key, rows: Number(b.rn) - prevRn });
      lo = b.source_key;
      prevRn = Number(b.rn);
    }
    // A short tail would cost a call with a few records: it joins the chunk before it.
    // (Never past a bulk file's 25,000 rows.)
    if (chunks.length >= 2 && chunks[chunks.length - 1]!.rows < size / 2 && (!bulk || chunks[chunks.length - 1]!.rows + chunks[chunks.length - 2]!.rows <= 25_000)) {
      const tail = chunks.pop()!;
      const prev = chunks[chunks.length - 1]!;
      prev.hi = tail.hi;
      prev.rows += tail.rows;
    }
    if (chunks.length)
      await client.query(
        `insert into etl.load_chunks (plan_id, chunk_no, lo_key, hi_key, rows) select $1, r.no, r.lo, r.hi, r.rows from jsonb_to_recordset($2::jsonb) as r(no int, lo text, hi text, rows int)`,
        [planId, JSON.stringify(chunks)],
      );
    await client.query('commit');
    for (const ch of chunks) await utils.addJob(task, { planId, chunkNo: ch.no }, { jobKey: `load:${planId}:${ch.no}`, maxAttempts: 25 });
    return planId;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function waitForPlan(o: RunLoadOptions, obj: LoadObject, planId: number, reap: () => Promise<void>): Promise<ObjectCounts> {
  const { db } = o;
  const plan = (await db.pool.query(`select total from etl.load_plans where plan_id = $1`, [planId])).rows[0];
  const total = plan.total as number;
  o.onProgress?.({ object: obj.name, done: 0, total });
  let lastReap = 0;
  for (;;) {
    const { rows } = await db.pool.query(`select chunk_no, rows, status, counts, error from etl.load_chunks where plan_id = $1`, [planId]);
    const done = rows.filter((r) => r.status === 'done');
    const doneRows = done.reduce((s, r) => s + (r.rows as number), 0);
    o.onProgress?.({ object: obj.name, done: doneRows, total });
    const bad = rows.find((r) => r.status === 'failed' || r.status === 'stopped');
    if (bad) {
      let e: { code?: string; message?: string } = {};
      try {
        e = JSON.parse(String(bad.error ?? '{}'));
      } catch {
        e = { message: String(bad.error) };
      }
      await db.pool.query(`update etl.load_plans set status = $2, error = $3, finished_at = now() where plan_id = $1 and status = 'open'`, [planId, bad.status, e.message ?? null]);
      const message = `load ${obj.name}, chunk ${bad.chunk_no}: ${e.message ?? 'failed'}. Records written so far are recorded; run the same command again to resume.`;
      // The chunk's own code (recorded through asCliError) when it has one worth more than "a bug".
      throw e.code && e.code !== 'UNEXPECTED' ? new CliError(e.code, message) : new CliError('LOAD_CHUNK_FAILED', message);
    }
    if (done.length === rows.length) {
      const counts = emptyCounts(obj.name);
      for (const r of done) addCounts(counts, r.counts as ObjectCounts);
      await db.pool.query(`update etl.load_plans set status = 'done', finished_at = now() where plan_id = $1 and status = 'open'`, [planId]);
      const snap = (await db.pool.query(`select snapshot from etl.load_plans where plan_id = $1`, [planId])).rows[0]?.snapshot;
      await dropSnapshot(db.pool, snap);
      await db.pool.query(`update etl.load_plans set snapshot = null where plan_id = $1`, [planId]);
      if (counts.extracted !== total)
        throw new CliError('CONSERVATION', `load ${obj.name}: the plan counted ${total} records but its chunks read ${counts.extracted}; its snapshot (load_snapshots) changed during the load. Run load again.`);
      checkConservation(counts, `load ${obj.name}`);
      return counts;
    }
    const status = (await db.pool.query(`select status from etl.load_plans where plan_id = $1`, [planId])).rows[0]?.status;
    if (status === 'superseded') throw new CliError('LOAD_SUPERSEDED', `load ${obj.name}: another process took over this load (plan ${planId}); let it finish or run load again.`);
    if (Date.now() - lastReap > 1000) {
      lastReap = Date.now();
      await reap();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
