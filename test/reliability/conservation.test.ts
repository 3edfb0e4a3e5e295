/**
 * Conservation (extracted = loaded + already_loaded + rejected + queued + skipped, per object):
 * a balanced load prints the equation per object; a load whose rows change under it (a row of
 * the plan's snapshot deleted after the plan counted it) fails loudly with CONSERVATION, naming
 * the object. (A source changed by another session no longer reaches a running load at all:
 * each plan reads its own snapshot of the view.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { runCli } from '../helpers/cli.ts';
import { prepared, type Prepared } from './prepare.ts';

let p: Prepared;
beforeAll(async () => {
  p = await prepared(leadtrekkerToZoho, 12);
}, 120_000);
afterAll(async () => p?.cleanup());

// A log line (after its timestamp and level) naming one object's counts.
const line = /^(?:\S+Z [A-Z]+ +)?\s*(\w+)\s+extracted (\d+)\s+loaded (\d+)\s+already loaded (\d+)\s+rejected (\d+)\s+queued (\d+)\s+skipped (\d+)$/;
const env = () => ({ DATABASE_URL: p.db.url, CRM_LOAD_CHUNK: '5', CRM_WORKER_STALE_SECONDS: '2' });

describe('conservation', () => {
  it('fails loudly when the rows a plan counted lose one before the chunks read them, then balances per object on the next run', async () => {
    const q = async (sql: string) => (await p.db.pool.query(sql)).rows;
    const [{ n: calls }] = await q(`select count(*)::int as n from leadtrekker_to_zoho.calls`);
    expect(calls, 'the generated export has calls').toBeGreaterThan(1);
    // Fires inside the transaction that plans `calls`, once its snapshot is taken and counted:
    // the snapshot's first row disappears, so the chunks read one record fewer than the plan counted.
    await q(`create or replace function public.steal_a_call() returns trigger language plpgsql as $$
      begin
        if new.object = 'calls' and new.snapshot is not null then
          execute format('delete from load_snapshots.%I where source_key = (select min(source_key) from load_snapshots.%I)', new.snapshot, new.snapshot);
        end if;
        return new;
      end $$`);
    await q(`create trigger steal_a_call after update of snapshot on etl.load_plans for each row execute function public.steal_a_call()`);

    const bad = await runCli(['leadtrekker-to-zoho', 'load', '--json'], env());
    expect(bad.exitCode, bad.stderr).toBe(1);
    expect(bad.json?.error?.code).toBe('CONSERVATION');
    expect(bad.json.error.message).toMatch(/load calls: the plan counted \d+ records but its chunks read \d+/);
    expect(bad.stderr).toMatch(/error \[CONSERVATION\]/);
    // The object before it (leads) was reported with its equation before the failure.
    const before = bad.stderr.split('\n').map((l) => l.match(line)).filter(Boolean);
    expect(before.map((m) => m![1])).toEqual(['leads']);

    await q(`drop trigger steal_a_call on etl.load_plans`);
    const good = await runCli(['leadtrekker-to-zoho', 'load', '--json'], env());
    expect(good.exitCode, good.stderr).toBe(0);
    const printed = good.stderr.split('\n').map((l) => l.match(line)).filter(Boolean).map((m) => m!.slice(1));
    expect(printed.map((m) => m[0])).toEqual(leadtrekkerToZoho.objects.map((o) => o.name));
    for (const [obj, e, l, a, r, qd, s] of printed) {
      expect(Number(e), obj).toBe(Number(l) + Number(a) + Number(r) + Number(qd) + Number(s));
      const j = good.json.objects[obj!];
      expect([j.extracted, j.loaded, j.already_loaded, j.rejected, j.queued, j.skipped]).toEqual([e, l, a, r, qd, s].map(Number));
    }
    // Nothing was lost for good: the next plan's snapshot has every call of the view.
    expect(good.json.objects.calls.extracted).toBe(calls);
  }, 120_000);
});
