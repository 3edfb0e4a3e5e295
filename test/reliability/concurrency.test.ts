/**
 * Two `load` processes of the same pipeline started at once on one database share the work
 * through the job queue: both finish, every record is written once (one upsert per record in
 * the sandbox's request log, one insert per source key in etl.load_log, one record per key in
 * the org), and both report the same balanced counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { runCli } from '../helpers/cli.ts';
import { prepared, type Prepared } from './prepare.ts';

let p: Prepared;
beforeAll(async () => {
  p = await prepared(leadtrekkerToZoho, 25);
}, 120_000);
afterAll(async () => p?.cleanup());

describe('two loads at once', () => {
  it('share the chunks and never write a record twice', async () => {
    const q = async (sql: string) => (await p.db.pool.query(sql)).rows;
    // Slow calls and small chunks keep both processes busy at the same time.
    const env = { DATABASE_URL: p.db.url, CRM_LOAD_CHUNK: '5', CRM_SANDBOX_FAULTS: JSON.stringify({ seed: 3, latencyMs: 120 }) };
    const [a, b] = await Promise.all([
      runCli(['leadtrekker-to-zoho', 'load', '--json', '--workers', '2'], env),
      runCli(['leadtrekker-to-zoho', 'load', '--json'], env),
    ]);
    for (const r of [a, b]) {
      // Sharing is the design; a refusal would have to say why (and then the other did it all).
      if (r.exitCode !== 0) expect(r.json?.error?.message ?? r.stderr).toMatch(/another process/);
    }
    const finished = [a, b].filter((r) => r.exitCode === 0);
    expect(finished.length, a.stderr + b.stderr).toBeGreaterThanOrEqual(1);
    for (const r of finished)
      for (const [obj, c] of Object.entries(r.json.objects as Record<string, { extracted: number; loaded: number; already_loaded: number; rejected: number; queued: number; skipped: number }>))
        expect(c.loaded + c.already_loaded + c.rejected + c.queued + c.skipped, obj).toBe(c.extracted);

    const [org] = await q(`select count(*)::int as n, count(distinct module || ':' || (data->>'CRM_Migrate_Key'))::int as keys from sandbox_zoho.records`);
    expect(org.n).toBeGreaterThan(25);
    expect(org.keys).toBe(org.n);
    // Each record reached the API once: write calls carried exactly as many records as the org has.
    const [sent] = await q(`select coalesce(sum(records), 0)::int as n from sandbox_zoho.request_log where method in ('POST','PUT') and path ~ '^/crm/v8/[A-Za-z_]+(/upsert)?$' and path <> '/crm/v8/coql' and status between 200 and 299`);
    expect(sent.n).toBe(org.n);
    const [twice] = await q(`select count(*)::int as n from (select object, source_key from etl.load_log where action = 'insert' group by 1, 2 having count(*) > 1) x`);
    expect(twice.n).toBe(0);
    // Every mapped record is in the org once; mapped attachments are uploaded once each.
    const [mapped] = await q(`select count(*) filter (where object <> 'attachments')::int as n, count(*) filter (where object = 'attachments')::int as files from etl.id_map`);
    expect(mapped.n).toBe(org.n);
    const [files] = await q(`select count(*)::int as n from sandbox_zoho.attachments`);
    expect(files.n).toBe(mapped.files);
    // The chunks were shared between the two processes (worker ids carry the pid).
    // etl.load_workers ids are crm-<host>:<pid>:<hex>:<n>; a chunk's worker_id must be one of them,
    // else a live worker's running chunk looks orphaned and another process claims it too.
    const foreign = await q(`select distinct worker_id from etl.load_chunks where worker_id is not null and worker_id !~ '^crm-[^:]+:[0-9]+:'`);
    expect(foreign, 'chunks claimed under ids etl.load_workers does not use').toEqual([]);
    const pids = await q(`select distinct split_part(worker_id, ':', 2) as pid from etl.load_chunks where worker_id is not null`);
    expect(pids.length).toBe(2);
  }, 150_000);
});
