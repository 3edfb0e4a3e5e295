/**
 * What makes a load (or delta) fail even though every record is accounted for, and how exact
 * its reconciliation is:
 *  - more than the reject threshold of an object refused -> exit 1 (REJECT_THRESHOLD), counts kept;
 *  - delta passes the same gates as load (an unknown --fallback-owner is refused);
 *  - reconcile counts what the destination holds exactly (listed by key), above 100 records too.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { makeExport } from './fixture.ts';
import { prepare, runStep } from './harness.ts';

let db: TestDb;
let input: string;
const LEADS = 150;
const NAMELESS = 90; // 60% of the leads: Last_Name is mandatory, so the SQL rejects them
const q = async (sql: string, p: unknown[] = []) => (await db.pool.query(sql, p)).rows;

beforeAll(async () => {
  db = await createTestDb();
  input = makeExport({ leads: LEADS, nameless: NAMELESS });
  await prepare(db, leadtrekkerToZoho, input);
}, 120_000);
afterAll(async () => {
  await db?.drop();
  if (input) rmSync(input, { recursive: true, force: true });
});

describe('run gates and reconciliation', () => {
  it('fails a load that rejected more than the threshold of an object, after writing what it could', async () => {
    const r = await runStep(db, leadtrekkerToZoho, 'load', input);
    expect(r.error?.code).toBe('REJECT_THRESHOLD');
    expect(r.error?.message).toMatch(/leads: 90 of 150 rejected \(60%\)/);
    const leads = (r.ctx.summary.objects as { object: string; loaded: number; rejected: number }[]).find((o) => o.object === 'leads')!;
    expect(leads).toMatchObject({ loaded: LEADS - NAMELESS, rejected: NAMELESS });
    expect((await q(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`))[0].n).toBe(LEADS - NAMELESS);
    // a threshold the run stays under passes it
    const ok = await runStep(db, leadtrekkerToZoho, 'load', input, { rejectThreshold: 0.75 });
    expect(ok.error, ok.logs.join('\n')).toBeUndefined();
  }, 120_000);

  it('reconciles exactly above 100 records: every mapped id listed by its key, none estimated', async () => {
    const [row] = await q(`select mapped, in_destination, checked, method from etl.reconciliation where object = 'leads' order by run_id desc limit 1`);
    expect(row).toEqual({ mapped: LEADS - NAMELESS, in_destination: LEADS - NAMELESS, checked: LEADS - NAMELESS, method: 'listed' });
    // a record deleted in the org behind the tool's back is found missing, exactly
    await q(`delete from sandbox_zoho.records where id = (select dest_id from etl.id_map where object = 'leads' order by source_key limit 1)`);
    const rc = await runStep(db, leadtrekkerToZoho, 'reconcile', input);
    expect(rc.error).toBeUndefined();
    const [after] = await q(`select in_destination, gaps from etl.reconciliation where object = 'leads' order by at desc limit 1`);
    expect(after.in_destination).toBe(LEADS - NAMELESS - 1);
    expect(after.gaps.join(' ')).toMatch(/missing in destination: 1 of 60 mapped records not found$/);
  }, 120_000);

  it('delta passes the same gates as load: an unknown --fallback-owner is refused before anything is written', async () => {
    const before = (await q(`select count(*)::int as n from etl.load_log`))[0].n;
    const d = await runStep(db, leadtrekkerToZoho, 'delta', input, { fallbackOwner: 'nobody-here@example.com' });
    expect(d.error?.code).toBe('FALLBACK_OWNER_UNKNOWN');
    expect((await q(`select count(*)::int as n from etl.load_log`))[0].n).toBe(before);
  }, 120_000);
});
