/**
 * A small `npm run chaos` in CI: 3 load processes SIGKILLed at seeded random moments and
 * resumed, then 2 faults of the matrix (connections dropped after the server wrote, tokens
 * expiring mid-run), each org compared by idempotency key with an uninterrupted reference run
 * in its own database. The full 20 trials and the whole matrix run with `npm run chaos`.
 */
import { describe, expect, inject, it } from 'vitest';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { renderTable, runChaos } from '../../tools/chaos/lib.ts';

describe('chaos (small)', () => {
  it('crash trials and faults end with no duplicate and no lost record', async () => {
    const logs: string[] = [];
    const report = await runChaos({
      adminUrl: inject('adminUrl'),
      pipeline: leadtrekkerToZoho,
      trials: 3,
      seed: 4,
      size: 15,
      maxKills: 1,
      faults: ['dropped after write', 'token expiry'],
      // Named after the run's template so the global teardown drops them if this file dies.
      tag: `${inject('templateDb').replace('crm_tpl_', 'crm_t_')}_chaos`,
      log: (m) => (logs.push(m), process.env.CHAOS_DEBUG && console.error(new Date().toISOString(), m)),
    });
    const table = renderTable(report);
    expect(report.rows.map((r) => r.name)).toEqual(['crash 1', 'crash 2', 'crash 3', 'dropped after write', 'token expiry']);
    for (const r of report.rows) {
      expect({ trial: r.name, duplicates: r.duplicates, lost: r.lost, unbalanced: r.conservation, bareRejects: r.bareRejects }, `${table}\n${r.examples.join('\n')}\n${logs.join('\n')}`).toEqual({
        trial: r.name,
        duplicates: 0,
        lost: 0,
        unbalanced: [],
        bareRejects: 0,
      });
      expect(r.differing, `${r.name}: records with the same key but other content\n${table}`).toBe(0);
    }
    expect(report.totals).toEqual({ trials: 5, duplicates: 0, lost: 0 });
    // The trials did something: at least one kill landed mid-write, and the faults were injected.
    const kills = report.rows.flatMap((r) => r.kills ?? []);
    expect(kills.some((k) => !k.finished && k.recordsAtKill > k.recordsBefore), `${table}\n${logs.join('\n')}`).toBe(true);
    for (const f of report.rows.filter((r) => r.kind === 'fault')) expect(Number(f.detail.match(/^(\d+) faults injected/)?.[1] ?? 0), f.name).toBeGreaterThan(0);
    expect(table).toMatch(/\| crash trials +\| 3 run/);
  }, 240_000);
});
