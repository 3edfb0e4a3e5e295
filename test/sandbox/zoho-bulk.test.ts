/**
 * Bulk Write flow of the Zoho sandbox (reference §10.1: zip upload with feature/X-CRM-ORG
 * headers → file_id, job with field mappings, ADDED → INPROGRESS → COMPLETED, result zip with
 * STATUS/RECORD_ID/ERRORS) and the snapshot/diff helper used by rollback tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffZohoSnapshots, readZip, snapshotZohoOrg, startZohoSandbox, writeZip, type ZohoSandbox } from '../../connectors/destinations/zoho/sandbox/server.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { connect, token } from './zoho-helpers.ts';

let db: TestDb;
let sb: ZohoSandbox;
let api: Awaited<ReturnType<typeof connect>>;
let zgid: string;
let access: string;

beforeAll(async () => {
  db = await createTestDb();
  sb = await startZohoSandbox({ databaseUrl: db.url, env: {}, org: { bulkStepMs: 30 } });
  access = (await token(sb)).access_token;
  api = await connect(sb);
  zgid = (await api.get('/org')).json.org[0].zgid;
});
afterAll(async () => {
  await sb?.close();
  await db?.drop();
});

async function uploadZip(zip: Buffer, headers: Record<string, string> = { feature: 'bulk-write', 'X-CRM-ORG': zgid }) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(zip)]), 'leads.zip');
  const res = await fetch(`${sb.apiDomain}/crm/v8/upload`, { method: 'POST', headers: { authorization: `Zoho-oauthtoken ${access}`, ...headers }, body: form });
  return { status: res.status, json: (await res.json()) as any };
}

async function poll(id: string) {
  const seen: string[] = [];
  for (let i = 0; i < 100; i++) {
    const r = await api.get(`/crm/bulk/v8/write/${id}`);
    if (seen.at(-1) !== r.json.status) seen.push(r.json.status);
    if (r.json.status === 'COMPLETED' || r.json.status === 'FAILED') return { job: r.json, seen };
    await new Promise((res) => setTimeout(res, 15));
  }
  throw new Error('bulk job did not finish');
}

describe('bulk write (§10.1)', () => {
  it('uploads a zipped CSV, runs an insert job and returns a result zip with STATUS/RECORD_ID/ERRORS', async () => {
    const csv = 'Last_Name,Email,Company,No_of_Employees\nAlpha,alpha@b.test,A Co,10\n,nolast@b.test,B Co,5\nGamma,gamma@b.test,C Co,many\n';
    const up = await uploadZip(writeZip([{ name: 'Leads.csv', data: Buffer.from(csv) }]));
    expect(up.status).toBe(200);
    expect(up.json).toMatchObject({ status: 'success', code: 'FILE_UPLOAD_SUCCESS', message: 'file uploaded.' });
    const fileId = up.json.details.file_id;

    const job = await api.post('/crm/bulk/v8/write', {
      operation: 'insert',
      character_encoding: 'UTF-8',
      resource: [
        {
          type: 'data',
          module: { api_name: 'Leads' },
          file_id: fileId,
          field_mappings: [
            { api_name: 'Last_Name', index: 0 },
            { api_name: 'Email', index: 1 },
            { api_name: 'Company', index: 2 },
            { api_name: 'No_of_Employees', index: 3 },
            { api_name: 'Lead_Source', default_value: { value: 'Trade Show' } },
          ],
        },
      ],
    });
    expect(job.status).toBe(201);
    expect(job.json).toMatchObject({ status: 'success', code: 'SUCCESS', message: 'success' });
    const first = await api.get(`/crm/bulk/v8/write/${job.json.details.id}`);
    expect(['ADDED', 'INPROGRESS']).toContain(first.json.status);
    expect(first.json.result).toBeUndefined();
    const { job: done, seen } = await poll(job.json.details.id);
    expect(seen.at(-1)).toBe('COMPLETED');
    expect(done.resource[0].file).toMatchObject({ status: 'COMPLETED', added_count: 1, skipped_count: 2, updated_count: 0, total_count: 3 });
    const dl = await fetch(done.result.download_url, { headers: { authorization: `Zoho-oauthtoken ${access}` } });
    expect(dl.status).toBe(200);
    const [entry] = readZip(Buffer.from(await dl.arrayBuffer()));
    const lines = entry!.data.toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('Last_Name,Email,Company,STATUS,RECORD_ID,ERRORS');
    expect(lines[1]).toMatch(/^Alpha,alpha@b.test,A Co,added,\d{19},$/);
    expect(lines[2]).toBe(',nolast@b.test,B Co,skipped,,MANDATORY_NOT_FOUND-Last_Name');
    expect(lines[3]).toBe('Gamma,gamma@b.test,C Co,skipped,,INVALID_DATA-No_of_Employees');
    const { rows } = await db.pool.query(`select data from sandbox_zoho.records where module = 'Leads'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].data).toMatchObject({ Last_Name: 'Alpha', No_of_Employees: 10, Lead_Source: 'Trade Show' });
    expect(((await sb.stats()) as any).credits.used).toBeGreaterThanOrEqual(500);
  });

  it('upsert by find_by updates matches and inserts the rest (semicolon CSV, date format)', async () => {
    const csv = 'Email;Last_Name;Company;Birthday\nalpha@b.test;Alpha-Updated;A Co;\nnew@b.test;Newbie;N Co;\n';
    const fileId = (await uploadZip(writeZip([{ name: 'Leads.csv', data: Buffer.from(csv) }]))).json.details.file_id;
    const job = await api.post('/crm/bulk/v8/write', { operation: 'upsert', ignore_empty: true, resource: [{ type: 'data', module: { api_name: 'Leads' }, file_id: fileId, find_by: 'Email', field_mappings: [{ api_name: 'Email', index: 0 }, { api_name: 'Last_Name', index: 1 }, { api_name: 'Company', index: 2 }] }] });
    const { job: done } = await poll(job.json.details.id);
    expect(done.resource[0].file).toMatchObject({ added_count: 1, updated_count: 1, skipped_count: 0 });
    const { rows } = await db.pool.query(`select data->>'Last_Name' as n from sandbox_zoho.records where module = 'Leads' order by id`);
    expect(rows.map((r) => r.n)).toEqual(['Alpha-Updated', 'Newbie']);
  });

  it('rejects bad uploads and bad jobs with the documented codes', async () => {
    expect((await uploadZip(Buffer.from('a,b\n1,2\n'))).json.code).toBe('INVALID_FILE_FORMAT');
    const missing = await uploadZip(writeZip([{ name: 'x.csv', data: Buffer.from('a\n') }]), {});
    expect(missing.json['x-error']).toMatch(/feature, X-CRM-ORG/);
    const fileId = (await uploadZip(writeZip([{ name: 'Leads.csv', data: Buffer.from('Email\nx@y.test\n') }]))).json.details.file_id;
    const base = { type: 'data', module: { api_name: 'Leads' }, file_id: fileId };
    expect((await api.post('/crm/bulk/v8/write', { operation: 'insert', resource: [{ ...base, field_mappings: [{ api_name: 'Email', index: 0 }] }] })).json.code).toBe('MANDATORY_FIELDS_NOT_MAPPED');
    expect((await api.post('/crm/bulk/v8/write', { operation: 'update', resource: [{ ...base, field_mappings: [{ api_name: 'Email', index: 0 }] }] })).json.code).toBe('MISSING_REQUIRED_KEY');
    expect((await api.post('/crm/bulk/v8/write', { operation: 'insert', resource: [{ ...base, field_mappings: [{ api_name: 'Nope', index: 0 }] }] })).json.code).toBe('INVALID_FIELD');
    expect((await api.post('/crm/bulk/v8/write', { operation: 'upsert', resource: [{ ...base, find_by: 'Email', field_mappings: [{ api_name: 'Email', index: 4 }] }] })).json.code).toBe('COLUMN_INDEX_NOT_FOUND');
    expect((await api.post('/crm/bulk/v8/write', { operation: 'insert', resource: [{ ...base, file_id: '123' }] })).json.code).toBe('INVALID_FILE_ID');
    expect((await api.post('/crm/bulk/v8/write', { operation: 'insert', callback: { url: 'ftp://x', method: 'post' }, resource: [base] })).json.code).toBe('INVALID_CALLBACK_URL');
    const unknown = await api.get('/crm/bulk/v8/write/5725767000000999999');
    expect(unknown).toMatchObject({ status: 404, json: { code: 'RESOURCE_NOT_FOUND' } });
  });
});

describe('modules Bulk Write takes', () => {
  it('refuses Calls, Events, Notes and Attachments with MODULE_NOT_AVAILABLE; takes the documented modules (Tasks) and custom ones', async () => {
    const fileId = (await uploadZip(writeZip([{ name: 'x.csv', data: Buffer.from('Subject\nCall back\n') }]))).json.details.file_id;
    const job = (module: string) => api.post('/crm/bulk/v8/write', { operation: 'upsert', resource: [{ type: 'data', module: { api_name: module }, file_id: fileId, find_by: 'Subject', field_mappings: [{ api_name: 'Subject', index: 0 }] }] });
    for (const m of ['Calls', 'Events', 'Notes', 'Attachments']) {
      const r = await job(m);
      expect(r, m).toMatchObject({ status: 400, json: { code: 'MODULE_NOT_AVAILABLE', details: { api_name: 'resource[0].module' } } });
    }
    expect((await job('Tasks')).status).toBe(201);
    // What the loader reads to decide: the documented set and custom modules, from GET /settings/modules.
    const { zohoBulkWritable } = await import('../../connectors/destinations/zoho/client.ts');
    const mods = (await api.get('/settings/modules')).json.modules as { api_name: string }[];
    const writable = mods.filter((m) => zohoBulkWritable(m)).map((m) => m.api_name);
    expect(writable).toEqual(expect.arrayContaining(['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks', 'Products']));
    for (const m of ['Calls', 'Events', 'Notes', 'Attachments']) expect(writable).not.toContain(m);
    expect(zohoBulkWritable({ api_name: 'Projects', generated_type: 'custom', api_supported: true })).toBe(true);
    expect(zohoBulkWritable({ api_name: 'Leads', api_supported: false })).toBe(false);
  });
});

describe('polling a bulk job', () => {
  it('waits 1 s, 2 s, 4 s ... (up to 30 s) between polls, not a fixed long wait', async () => {
    const { bulkPollDelayMs } = await import('../../connectors/destinations/zoho/client.ts');
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => bulkPollDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('a job done 2.4 s after it was created is polled at 0, 1 and 3 s and its records mapped back', async () => {
    const slow = await startZohoSandbox({ databaseUrl: db.url, env: {}, org: { bulkStepMs: 1200 } });
    try {
      const { ZohoClient, bulkUpsertViaJob } = await import('../../connectors/destinations/zoho/client.ts');
      const c = new ZohoClient({ accountsUrl: slow.accountsUrl, apiDomain: slow.apiDomain, credentials: slow.credentials });
      const waits: number[] = [];
      const [{ from }] = (await db.pool.query(`select coalesce(max(id), 0)::bigint as from from sandbox_zoho.request_log`)).rows;
      const t0 = Date.now();
      const out = await bulkUpsertViaJob(c, 'Leads', [{ Last_Name: 'Poll', Email: 'poll@b.test', Company: 'P Co' }], 'Email', { onPoll: (_n, w) => waits.push(w) });
      const took = Date.now() - t0;
      expect(out).toEqual([expect.objectContaining({ ok: true, action: 'insert' })]);
      expect(waits).toEqual([1000, 2000]);
      expect(took).toBeGreaterThanOrEqual(3000);
      expect(took).toBeLessThan(5000);
      // The server saw the polls that far apart.
      const polls = (await db.pool.query(`select extract(epoch from at) * 1000 as t from sandbox_zoho.request_log where id > $1 and method = 'GET' and path like '/crm/bulk/v8/write/%' order by id`, [from])).rows.map((r) => Number(r.t));
      expect(polls).toHaveLength(3);
      expect(polls[1]! - polls[0]!).toBeGreaterThanOrEqual(950);
      expect(polls[2]! - polls[1]!).toBeGreaterThanOrEqual(1950);
    } finally {
      await slow.close();
    }
  }, 20_000);
});

describe('key lookups and statistics', () => {
  it('finds records by key through the index and brings statistics up to date when a job completes', async () => {
    const fileId = (await uploadZip(writeZip([{ name: 'Leads.csv', data: Buffer.from('Email,Last_Name,Company\n' + Array.from({ length: 50 }, (_, i) => `k${i}@b.test,K${i},K Co`).join('\n') + '\n') }]))).json.details.file_id;
    // A module of some size (written straight into the store), then a job on top of it.
    await db.pool.query(`insert into sandbox_zoho.records (module, id, data) select 'Leads', (9000000000000000000 + i)::text, jsonb_build_object('Last_Name', 'Bulk' || i, 'Email', 'bulk' || i || '@b.test') from generate_series(1, 5000) i`);
    const started = new Date();
    const job = await api.post('/crm/bulk/v8/write', { operation: 'upsert', resource: [{ type: 'data', module: { api_name: 'Leads' }, file_id: fileId, find_by: 'Email', field_mappings: [{ api_name: 'Email', index: 0 }, { api_name: 'Last_Name', index: 1 }, { api_name: 'Company', index: 2 }] }] });
    await poll(job.json.details.id);
    const [st] = (await db.pool.query(`select last_analyze from pg_stat_user_tables where schemaname = 'sandbox_zoho' and relname = 'records'`)).rows;
    expect(st.last_analyze).not.toBeNull();
    expect(new Date(st.last_analyze).getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    // The statements the upsert, duplicate check and bulk find_by run use the expression index,
    // also as a generic plan (parameters unknown), which is what a parameter in the field name broke.
    const { findByFieldSql } = await import('../../connectors/destinations/zoho/sandbox/records.ts');
    const c = await db.pool.connect();
    try {
      await c.query(`set plan_cache_mode = force_generic_plan`);
      await c.query(`prepare by_email(text, text) as ${findByFieldSql('Email')}`);
      const plan = JSON.stringify((await c.query(`explain (format json) execute by_email('Leads', 'k7@b.test')`)).rows[0]);
      expect(plan).toContain('records_by_email');
      expect(plan).not.toContain('Seq Scan');
    } finally {
      await c.query('deallocate all').catch(() => {});
      c.release();
    }
  });
});

describe('snapshot / diff for rollback tests', () => {
  it('equal states give no differences; a change, an insert and a picklist edit are listed', async () => {
    const before = await snapshotZohoOrg(db.pool);
    expect(diffZohoSnapshots(before, await snapshotZohoOrg(db.pool))).toEqual([]);
    const lead = (await api.get('/Leads?fields=Last_Name&per_page=1&sort_order=asc')).json.data[0].id;
    await api.put('/Leads', { data: [{ id: lead, City: 'Durban' }] });
    const added = (await api.post('/Accounts', { data: [{ Account_Name: 'Snap Co' }] })).json.data[0].details.id;
    const f = (await api.get('/settings/fields?module=Leads')).json.fields.find((x: any) => x.api_name === 'Rating');
    await api.patch(`/settings/fields/${f.id}?module=Leads`, { fields: [{ pick_list_values: [{ display_value: 'Hot' }] }] });
    const diff = diffZohoSnapshots(before, await snapshotZohoOrg(db.pool));
    expect(diff).toContain(`records.Leads.${lead}.City: added "Durban"`);
    expect(diff.some((d) => d.startsWith(`records.Accounts.${added}: added`)), diff.join('\n')).toBe(true);
    expect(diff.some((d) => d.startsWith('fields.Leads.Rating.picklist:')), diff.join('\n')).toBe(true);
    expect(diff.join('\n')).not.toMatch(/Modified_Time/);
    // Deleting the insert and restoring the others brings the org back: no differences left.
    await api.del(`/Accounts?ids=${added}`);
    await api.put('/Leads', { data: [{ id: lead, City: null }] });
    const after = diffZohoSnapshots(before, await snapshotZohoOrg(db.pool));
    expect(after.filter((d) => d.startsWith('records.'))).toEqual([`records.Leads.${lead}.City: added null`]);
  });
});
