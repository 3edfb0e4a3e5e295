/**
 * A load killed (SIGKILL) while Nutshell contacts are written leaves that object's plan open with
 * a chunk its dead worker was running. The next load's reaper hands that chunk to one of its own
 * workers at once, before the load reaches contacts; when it does, the open plan must be joined,
 * not superseded: a second plan would load the same people on another worker beside the first,
 * and Nutshell, which has no idempotent write, would get two creates of one person.
 *
 * Then two loads started at once on the same database (both with several workers) share the work.
 * Each time: every live record of the org is one that etl.id_map leads to (none created twice),
 * and etl.id_map and etl.record_status tell the same story.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { leadtracToNutshell } from '../../pipelines/leadtrac-to-nutshell/pipeline.ts';
import { projectRoot } from '../../engine/paths.ts';
import { prepared, type Prepared } from './prepare.ts';

const PIPELINE = 'leadtrac-to-nutshell';
let p: Prepared;
beforeAll(async () => {
  p = await prepared(leadtracToNutshell, 12);
}, 300_000);
afterAll(async () => p?.cleanup());

const q = async (sql: string, params: unknown[] = []) => (await p.db.pool.query(sql, params)).rows;

// Slow calls keep a chunk running long enough to overlap with another; a dead worker is noticed
// after a second; one chunk per object, so the killed run's open chunk holds every person.
const ENV = { CRM_SANDBOX_FAULTS: JSON.stringify({ seed: 5, latencyMs: 60 }), CRM_WORKER_STALE_SECONDS: '1', CRM_LOAD_CHUNK: '500' };

function load(workers: number): ResultPromise {
  return execa(process.execPath, [path.join(projectRoot, 'bin', 'crm-migrate.mjs'), PIPELINE, 'load', '--input', p.input, '--workers', String(workers), '--json'], {
    cwd: projectRoot,
    env: { DATABASE_URL: p.db.url, ...ENV },
    reject: false,
  });
}

const contactsInOrg = async () => (await q(`select count(*)::int as n from sandbox_nutshell.entities where entity_type = 'Contacts'`))[0].n as number;

/** What says a record was created twice, or that the bookkeeping disagrees with itself or the org. */
async function inconsistencies(): Promise<Record<string, unknown>> {
  // Live records of the modules the load creates one by one that no etl.id_map row leads to.
  const unkeyed = await q(`
    select e.entity_type, count(*)::int as n from sandbox_nutshell.entities e
     where e.deleted_time is null and e.entity_type in ('Accounts', 'Contacts', 'Leads', 'Activities')
       and not exists (select 1 from etl.id_map m where m.pipeline = $1 and m.dest_module = e.entity_type and m.dest_id::int = e.id)
     group by 1 order by 1`, [PIPELINE]);
  // Mapped records that are not in the org.
  const missing = await q(`
    select m.object, m.source_key from etl.id_map m
     where m.pipeline = $1 and m.dest_module <> 'Notes'
       and not exists (select 1 from sandbox_nutshell.entities e where e.entity_type = m.dest_module and e.id = m.dest_id::int and e.deleted_time is null)`, [PIPELINE]);
  // etl.id_map and etl.record_status: a mapped record is loaded, under the same id, and a loaded one is mapped.
  const mappedNotLoaded = await q(`
    select m.object, m.source_key, s.state, s.dest_id from etl.id_map m
      left join etl.record_status s on s.pipeline = m.pipeline and s.object = m.object and s.source_key = m.source_key
     where m.pipeline = $1 and (s.state is distinct from 'loaded' or s.dest_id is distinct from m.dest_id)`, [PIPELINE]);
  const loadedNotMapped = await q(`
    select s.object, s.source_key from etl.record_status s
     where s.pipeline = $1 and s.state = 'loaded'
       and not exists (select 1 from etl.id_map m where m.pipeline = s.pipeline and m.object = s.object and m.source_key = s.source_key)`, [PIPELINE]);
  const notLoaded = await q(`select object, state, reason_code, count(*)::int as n from etl.record_status where pipeline = $1 and state <> 'loaded' and reason_code in ('AMBIGUOUS_WRITE') group by 1, 2, 3`, [PIPELINE]);
  const intents = await q(`select object, source_key from etl.load_intents where pipeline = $1`, [PIPELINE]);
  return { unkeyed, missing, mappedNotLoaded, loadedNotMapped, notLoaded, intents };
}

const CLEAN = { unkeyed: [], missing: [], mappedNotLoaded: [], loadedNotMapped: [], notLoaded: [], intents: [] };

describe('load plans under concurrent and resumed loads (Nutshell)', () => {
  it('a resume joins the killed run\'s open plan its own worker already took over, and creates nobody twice', async () => {
    const child = load(1);
    let done = false;
    void child.finally(() => (done = true));
    // Killed once a few people are written: the contacts plan is open, its chunk running.
    while (!done && (await contactsInOrg()) < 3) await new Promise((r) => setTimeout(r, 5));
    expect(done, 'the load ended before contacts were written').toBe(false);
    child.kill('SIGKILL');
    await child;
    const [open] = await q(`select count(*)::int as n from etl.load_plans p join etl.load_chunks c using (plan_id)
                             where p.pipeline = $1 and p.object = 'contacts' and p.status = 'open' and c.status = 'running'`, [PIPELINE]);
    expect(open.n, 'the kill left the contacts chunk running').toBe(1);
    // Past the stale time, so the resume's reaper re-queues the chunk as it starts.
    await new Promise((r) => setTimeout(r, 1500));

    const r = await load(3);
    expect(r.exitCode, String(r.stderr).slice(-3000)).toBe(0);
    // The killed run's contacts plan was joined (finished), none of contacts was superseded.
    const plans = await q(`select status, count(*)::int as n from etl.load_plans where pipeline = $1 and object = 'contacts' group by 1 order by 1`, [PIPELINE]);
    expect(plans).toEqual([{ status: 'done', n: 1 }]);
    expect(await inconsistencies()).toEqual(CLEAN);
  }, 300_000);

  it('two loads started at once share the plans and create nobody twice', async () => {
    // Everything written again from an empty org: the same database, its bookkeeping and org cleared.
    await q(`delete from sandbox_nutshell.entities where entity_type in ('Accounts', 'Contacts', 'Leads', 'Activities', 'Notes')`);
    const objects = leadtracToNutshell.objects.map((o) => o.name);
    for (const t of ['id_map', 'record_status', 'load_log', 'load_intents']) await q(`delete from etl.${t} where pipeline = $1 and object = any($2)`, [PIPELINE, objects]);
    const [a, b] = await Promise.all([load(2), load(2)]);
    for (const x of [a, b]) expect(x.exitCode, String(x.stderr).slice(-3000)).toBe(0);
    expect(await contactsInOrg()).toBeGreaterThan(3);
    expect(await inconsistencies()).toEqual(CLEAN);
  }, 300_000);
});
