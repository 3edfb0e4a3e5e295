/**
 * Nutshell has no idempotent write, so a `load` killed (SIGKILL) between a create call and its
 * etl.id_map row used to leave a record the next run created again. Here the real CLI
 * (`node bin/crm-migrate.mjs leadtrac-to-nutshell load`) is killed several times mid-load, each
 * time just after the sandbox committed a record (the window between the call and etl), then
 * run to the end; the org must hold exactly what an uninterrupted load of the same export
 * writes: every record once, none missing, each source record loaded once.
 *
 * The kills land while accounts, contacts, leads and activities are written: notes are the one
 * kind Nutshell cannot list, and an interrupted note is queued for a person (tested apart).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { leadtracToNutshell } from '../../pipelines/leadtrac-to-nutshell/pipeline.ts';
import { projectRoot } from '../../engine/paths.ts';
import { mustRun } from '../../tools/chaos/lib.ts';
import { prepared, type Prepared } from './prepare.ts';

const SIZE = 24;
let ref: Prepared;
let trial: Prepared;
beforeAll(async () => {
  [ref, trial] = await Promise.all([prepared(leadtracToNutshell, SIZE), prepared(leadtracToNutshell, SIZE)]);
}, 300_000);
afterAll(async () => Promise.all([ref?.cleanup(), trial?.cleanup()]));

const orgCounts = async (p: Prepared) =>
  Object.fromEntries(
    (await p.db.pool.query(`select entity_type, count(*)::int as n from sandbox_nutshell.entities where deleted_time is null group by 1 order by 1`)).rows.map((r) => [r.entity_type, r.n]),
  );
const states = async (p: Prepared) =>
  (await p.db.pool.query(`select object, state, count(*)::int as n from etl.record_status where pipeline = 'leadtrac-to-nutshell' group by 1, 2 order by 1, 2`)).rows;
/** Records written by the load (not Notes: those are written last, and the kills stay before them). */
const written = async (p: Prepared) => (await p.db.pool.query(`select count(*)::int as n from sandbox_nutshell.entities where entity_type in ('Accounts','Contacts','Leads','Activities')`)).rows[0].n as number;

function load(p: Prepared): ResultPromise {
  return execa(process.execPath, [path.join(projectRoot, 'bin', 'crm-migrate.mjs'), 'leadtrac-to-nutshell', 'load', '--input', p.input, '--json'], {
    cwd: projectRoot,
    env: { DATABASE_URL: p.db.url, CRM_LOAD_CHUNK: '10' },
    reject: false,
  });
}

/** Start a load and SIGKILL it as soon as the org holds `target` written records (just after a create committed). */
async function killAt(p: Prepared, target: number): Promise<{ killed: boolean; at: number }> {
  const child = load(p);
  let done = false;
  void child.finally(() => (done = true));
  while (!done && (await written(p)) < target) await new Promise((r) => setTimeout(r, 2));
  const killed = !done;
  if (killed) child.kill('SIGKILL');
  const r = await child;
  if (!killed && r.exitCode !== 0) throw new Error(`load failed on its own (exit ${r.exitCode}):\n${String(r.stderr).slice(-3000)}`);
  return { killed, at: await written(p) };
}

describe('Nutshell load killed mid-write', () => {
  it('ends with every record once after four kill -9 and a resume', async () => {
    const before = await written(trial);
    await mustRun(ref.db.url, leadtracToNutshell, 'load', ref.input);
    const total = (await written(ref)) - before;
    expect(total).toBeGreaterThan(60);

    // Four kills spread over the load, each just after a record landed.
    const kills = [];
    for (const share of [0.12, 0.37, 0.61, 0.86]) kills.push(await killAt(trial, before + Math.round(total * share)));
    expect(kills.every((k) => k.killed), JSON.stringify(kills)).toBe(true);
    const last = await load(trial);
    expect(last.exitCode, String(last.stderr).slice(-3000)).toBe(0);

    // Same org as the uninterrupted load: no duplicate, nothing missing.
    expect(await orgCounts(trial)).toEqual(await orgCounts(ref));
    const notLoaded = async (p: Prepared) => JSON.stringify((await p.db.pool.query(`select object, source_key, state, reason_code, message from etl.record_status where state <> 'loaded' order by 1, 2`)).rows, null, 1);
    expect(await states(trial), `trial:\n${await notLoaded(trial)}\nreference:\n${await notLoaded(ref)}`).toEqual(await states(ref));
    // Each source record owns its own destination record (people sharing an e-mail address share
    // one contact by design), and that record exists.
    const [own] = (
      await trial.db.pool.query(`
        select count(*) filter (where m.dest_module <> 'Contacts')::int as mapped,
               count(distinct m.dest_module || ':' || m.dest_id) filter (where m.dest_module <> 'Contacts')::int as distinct_ids,
               count(*) filter (where e.id is null)::int as missing
          from etl.id_map m
          left join sandbox_nutshell.entities e on e.entity_type = m.dest_module and e.id = m.dest_id::int and e.deleted_time is null
         where m.pipeline = 'leadtrac-to-nutshell'`)
    ).rows;
    expect(own.missing).toBe(0);
    expect(own.distinct_ids).toBe(own.mapped);
    // The kills left records written but not recorded, and the resume found them instead of writing them again.
    const found = (await trial.db.pool.query(`select count(*)::int as n from etl.load_log where pipeline = 'leadtrac-to-nutshell' and reason_code = 'FOUND_WRITTEN'`)).rows[0].n;
    expect(found, JSON.stringify(kills)).toBeGreaterThan(0);
    // No write is left in doubt (an entry whose record is in etl.id_map is only stale: a kill between the two).
    const open = (await trial.db.pool.query(`select i.object, i.source_key from etl.load_intents i left join etl.id_map m using (pipeline, object, source_key) where m.source_key is null`)).rows;
    expect(open).toEqual([]);
  }, 600_000);

  it('finds a record whose create landed unrecorded, and queues a note it cannot look for instead of writing it twice', async () => {
    // The reference org is fully loaded. Make one activity and one note look like a killed run
    // left them: written, with their write-ahead entry, but neither in etl.id_map nor recorded.
    const q = async (sql: string, params: unknown[] = []) => (await ref.db.pool.query(sql, params)).rows;
    const before = await orgCounts(ref);
    const victims = await q(`select distinct on (object) object, source_key, dest_id, dest_module, payload_hash, payload from etl.id_map
                              where pipeline = 'leadtrac-to-nutshell' and object in ('activities', 'notes') order by object, source_key`);
    expect(victims.map((v) => v.object)).toEqual(['activities', 'notes']);
    for (const v of victims) {
      await q(`insert into etl.load_intents (pipeline, object, source_key, dest_module, record_key, payload_hash, payload, sent_at)
               values ('leadtrac-to-nutshell', $1, $2, $3, 'k', $4, $5, now() - interval '1 minute')`, [v.object, v.source_key, v.dest_module, v.payload_hash, v.payload]);
      await q(`delete from etl.id_map where pipeline = 'leadtrac-to-nutshell' and object = $1 and source_key = $2`, [v.object, v.source_key]);
    }
    // The entities were created before the entry's time window: bring them into it, as a kill would.
    await q(`update sandbox_nutshell.entities set created_time = now() where (entity_type, id) in ((${"'Activities'"}, $1::int), (${"'Notes'"}, $2::int))`, [victims[0].dest_id, victims[1].dest_id]);

    await mustRun(ref.db.url, leadtracToNutshell, 'load', ref.input);
    expect(await orgCounts(ref)).toEqual(before);
    const [act] = await q(`select dest_id from etl.id_map where pipeline = 'leadtrac-to-nutshell' and object = 'activities' and source_key = $1`, [victims[0].source_key]);
    expect(act?.dest_id).toBe(victims[0].dest_id);
    const log = await q(`select object, action, reason_code from etl.load_log where pipeline = 'leadtrac-to-nutshell' and source_key = any($1) and run_id = (select max(run_id) from etl.runs) order by object`, [victims.map((v) => v.source_key)]);
    expect(log).toEqual([
      { object: 'activities', action: 'insert', reason_code: 'FOUND_WRITTEN' },
      { object: 'notes', action: 'queue', reason_code: 'AMBIGUOUS_WRITE' },
    ]);
    const [note] = await q(`select state from etl.record_status where pipeline = 'leadtrac-to-nutshell' and object = 'notes' and source_key = $1`, [victims[1].source_key]);
    expect(note.state).toBe('queued');
  }, 300_000);
});

