/**
 * Conservation (extracted = loaded + already_loaded + rejected + queued + skipped, per object):
 * a balanced load prints the equation per object; a load whose source changes under it (a raw
 * row deleted by another session after the object's plan counted the view, the way a re-extract
 * running beside a load would) fails loudly with CONSERVATION, naming the object.
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
  it('fails loudly when the view loses a row between the plan count and the stream, then balances per object on the next run', async () => {
    const q = async (sql: string) => (await p.db.pool.query(sql)).rows;
    const [{ n: calls }] = await q(`select count(*)::int as n from leadtrekker_to_zoho.calls`);
    expect(calls, 'the generated export has calls').toBeGreaterThan(1);
    // Fires inside the transaction that plans `calls` (after its count): the first call's raw
    // row disappears, so the chunks stream one record fewer than the plan counted.
    await q(`create or replace function public.steal_a_call() returns trigger language plpgsql as $$
      begin
        if new.object = 'calls' then
          delete from raw_leadtrekker.activities where activity_id = (select substr(min(source_key), 7) from leadtrekker_to_zoho.calls);
        end if;
        return new;
      end $$`);
    await q(`create trigger steal_a_call after insert on etl.load_plans for each row execute function public.steal_a_call()`);

    const bad = await runCli(['leadtrekker-to-zoho', 'load', '--json'], env());
    expect(bad.exitCode, bad.stderr).toBe(1);
    expect(bad.json?.error?.code).toBe('CONSERVATION');
    expect(bad.json.error.message).toMatch(/load calls: the view had \d+ records when the load was planned but its chunks read \d+/);
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
    // The stolen call is not in the view any more: nothing of it was written.
    const [{ n: after }] = await q(`select count(*)::int as n from leadtrekker_to_zoho.calls`);
    expect(after).toBe(calls - 1);
    expect(good.json.objects.calls.extracted).toBe(calls - 1);
  }, 120_000);
});
