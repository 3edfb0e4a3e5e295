/**
 * `rollback --run ID` / `rollback --all`: undo what runs wrote. Records a run created are
 * deleted (children before parents: reverse of pipeline.objects); records it updated get their
 * previous values back (etl.load_log.before) and their id_map row its previous hash
 * (etl.id_map_history), so a later load sees the destination as it is. Each action is logged
 * in etl.load_log (delete / restore, rollback_of = the run undone); a re-run skips what is done.
 * With --all, runs are undone newest first.
 */
import { inTransaction } from '../db/connection.ts';
import type { Payload } from '../destination.ts';
import { CliError, UsageError } from '../errors.ts';
import type { StepContext } from '../steps/context.ts';

export interface RollbackResult {
  runs: number[];
  deleted: number;
  restored: number;
  already_done: number;
  failed: number;
}

export async function runRollback(ctx: StepContext): Promise<RollbackResult> {
  const { db, pipeline } = ctx;
  const all = ctx.flags.all === true;
  const runFlag = ctx.flags.run === undefined ? undefined : Number(ctx.flags.run);
  if (all === (runFlag !== undefined)) throw new UsageError('rollback takes either --run ID or --all.');
  const runs: number[] = (
    await db.pool.query(
      `select distinct run_id from etl.load_log where pipeline = $1 and action in ('insert','update') and rollback_of is null ${all ? '' : 'and run_id = $2'} order by run_id desc`,
      all ? [pipeline.name] : [pipeline.name, runFlag],
    )
  ).rows.map((r) => Number(r.run_id));
  if (!all && !runs.length) {
    const exists = (await db.pool.query('select 1 from etl.runs where run_id = $1 and pipeline = $2', [runFlag, pipeline.name])).rowCount;
    if (!exists) throw new CliError('RUN_UNKNOWN', `run ${runFlag} is not a run of ${pipeline.name}.`, { exitCode: 2 });
  }
  const dest = await ctx.destination();
  const order = new Map(pipeline.objects.map((o, i) => [o.name, i]));
  const res: RollbackResult = { runs, deleted: 0, restored: 0, already_done: 0, failed: 0 };
  const logAction = async (r: { object: string; source_key: string; dest_module: string; dest_id: string }, action: 'delete' | 'restore', undone: number, message: string, before?: unknown) => {
    await db.pool.query(
      `insert into etl.load_log (run_id, pipeline, object, source_key, dest_module, dest_id, action, reason_code, message, before, rollback_of)
       values ($1,$2,$3,$4,$5,$6,$7,'ROLLBACK',$8,$9,$10)`,
      [ctx.runId, pipeline.name, r.object, r.source_key, r.dest_module, r.dest_id, action, message, before === undefined ? null : JSON.stringify(before), undone],
    );
  };

  const deferred: { r: { object: string; source_key: string; dest_module: string; dest_id: string }; run: number; pm: string; pid: string }[] = [];
  const fileGone = async (r: { object: string; source_key: string; dest_module: string; dest_id: string }, run: number, pm: string, pid: string) => {
    await db.pool.query('delete from etl.id_map where pipeline = $1 and object = $2 and source_key = $3 and dest_id = $4', [pipeline.name, r.object, r.source_key, r.dest_id]);
    await logAction(r, 'delete', run, `removed with its parent record (${pm} ${pid})`);
    res.deleted++;
  };

  for (const run of runs) {
    const { rows } = await db.pool.query(
      `select l.id, l.object, l.source_key, l.dest_module, l.dest_id, l.action, l.before,
              exists (select 1 from etl.load_log d where d.rollback_of = $1 and d.pipeline = l.pipeline and d.object = l.object
                        and d.source_key = l.source_key and d.action = case l.action when 'insert' then 'delete' else 'restore' end) as done
         from etl.load_log l
        where l.run_id = $1 and l.pipeline = $2 and l.action in ('insert','update') and l.rollback_of is null
        order by l.id desc`,
      [run, pipeline.name],
    );
    ctx.log(`rollback: run ${run}: ${rows.filter((r) => r.action === 'insert').length} inserted, ${rows.filter((r) => r.action === 'update').length} updated`);
    // Updates first (latest first, so a record updated twice ends at its oldest value), then
    // deletes, children before parents.
    const updates = rows.filter((r) => r.action === 'update');
    const inserts = rows
      .filter((r) => r.action === 'insert')
      .sort((a, b) => (order.get(b.object) ?? -1) - (order.get(a.object) ?? -1) || Number(b.id) - Number(a.id));
    const seenUpdate = new Set<string>();
    for (const u of updates) {
      const k = `${u.object}\0${u.source_key}`;
      if (u.done) {
        res.already_done++;
        continue;
      }
      if (seenUpdate.has(k)) continue;
      seenUpdate.add(k);
      // The oldest update of this record in the run holds the value before the run.
      const first = rows.filter((r) => r.action === 'update' && r.object === u.object && r.source_key === u.source_key).reduce((a, b) => (Number(a.id) < Number(b.id) ? a : b));
      const before = (first.before ?? {}) as Payload;
      const current = (await db.pool.query('select payload from etl.id_map where pipeline = $1 and object = $2 and source_key = $3', [pipeline.name, u.object, u.source_key])).rows[0]
        ?.payload as Payload | undefined;
      const fields: Payload = { ...before };
      for (const key of Object.keys(current ?? {})) if (!(key in fields)) fields[key] = null;
      const [outcome] = await dest.update(u.dest_module, [{ id: u.dest_id, fields }]);
      if (!outcome?.ok) {
        res.failed++;
        ctx.log(`  could not restore ${u.object} ${u.source_key} (${u.dest_id}): ${outcome?.code ?? 'NO_RESULT'} ${outcome?.message ?? ''}`);
        continue;
      }
      const prev = (
        await db.pool.query(
          'select dest_module, dest_id, payload_hash, payload, run_id from etl.id_map_history where replaced_by_run = $1 and pipeline = $2 and object = $3 and source_key = $4 order by id limit 1',
          [run, pipeline.name, u.object, u.source_key],
        )
      ).rows[0];
      await inTransaction(db, async (client) => {
        await client.query(`select set_config('crm_migrate.rollback', 'on', true)`);
        if (prev)
          await client.query('update etl.id_map set payload_hash = $4, payload = $5, run_id = $6, updated_at = now() where pipeline = $1 and object = $2 and source_key = $3', [
            pipeline.name,
            u.object,
            u.source_key,
            prev.payload_hash,
            JSON.stringify(prev.payload),
            prev.run_id,
          ]);
        else
          // No history (written before it was kept): the destination holds `before`; a
          // hash nothing matches makes the next load compare against it and send the difference.
          await client.query(`update etl.id_map set payload_hash = 'restored', payload = $4, updated_at = now() where pipeline = $1 and object = $2 and source_key = $3`, [
            pipeline.name,
            u.object,
            u.source_key,
            JSON.stringify(before),
          ]);
      });
      await logAction(u, 'restore', run, `restored the values before run ${run}`, current ?? null);
      res.restored++;
    }
    const attachmentObjects = new Set(pipeline.objects.filter((o) => o.attachment).map((o) => o.name));
    // Files go after the records: the destination removes a record's files with the record,
    // and the engine's Destination interface has no call to remove one file alone.
    const files = inserts.filter((r) => attachmentObjects.has(r.object));
    // Records are deleted in batches of the destination's maximum, one module at a time.
    type Row = { object: string; source_key: string; dest_module: string; dest_id: string };
    let batch: Row[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const outcomes = await dest.delete(batch[0]!.dest_module, batch.map((r) => r.dest_id));
      for (const [i, r] of batch.entries()) {
        const outcome = outcomes[i];
        // Not there any more (deleted by hand, or by an interrupted rollback) is the same end state.
        const gone = outcome?.ok || !(await dest.get(r.dest_module, r.dest_id));
        if (!gone) {
          res.failed++;
          ctx.log(`  could not delete ${r.object} ${r.source_key} (${r.dest_id}): ${outcome?.code ?? 'NO_RESULT'} ${outcome?.message ?? ''}`);
          continue;
        }
        await db.pool.query('delete from etl.id_map where pipeline = $1 and object = $2 and source_key = $3 and dest_id = $4', [pipeline.name, r.object, r.source_key, r.dest_id]);
        await logAction(r, 'delete', run, `deleted the record run ${run} created`);
        res.deleted++;
      }
      batch = [];
    };
    for (const r of [...inserts.filter((x) => !attachmentObjects.has(x.object)), ...files]) {
      if (r.done) {
        res.already_done++;
        continue;
      }
      if (attachmentObjects.has(r.object)) {
        await flush();
        const payload = (await db.pool.query('select payload from etl.id_map where pipeline = $1 and object = $2 and source_key = $3', [pipeline.name, r.object, r.source_key])).rows[0]
          ?.payload as Record<string, unknown> | undefined;
        const pm = payload?.parent_module;
        const pid = payload?.parent_id;
        const parentGone = typeof pm === 'string' && typeof pid === 'string' ? !(await dest.get(pm, pid)) : false;
        if (!parentGone) {
          // An older run being undone too may have created the parent: decide at the end.
          deferred.push({ r, run, pm: String(pm), pid: String(pid) });
          continue;
        }
        await fileGone(r, run, String(pm), String(pid));
        continue;
      }
      if (batch.length && (batch[0]!.dest_module !== r.dest_module || batch.length >= dest.maxBatch)) await flush();
      batch.push(r);
    }
    await flush();
  }
  for (const d of deferred) {
    if (!(await dest.get(d.pm, d.pid))) await fileGone(d.r, d.run, d.pm, d.pid);
    else {
      res.failed++;
      ctx.log(`  ${d.r.object} ${d.r.source_key} (${d.r.dest_id}) is a file on ${d.pm} ${d.pid}, which stays; remove the file by hand in the destination`);
    }
  }
  ctx.log(`rollback: ${res.runs.length} runs, ${res.deleted} deleted, ${res.restored} restored${res.already_done ? `, ${res.already_done} already rolled back` : ''}${res.failed ? `, ${res.failed} FAILED` : ''}`);
  ctx.summary.rollback = res;
  if (res.failed) throw new CliError('ROLLBACK_INCOMPLETE', `${res.failed} rollback actions failed (see the log); re-run the same rollback to retry them.`);
  return res;
}
