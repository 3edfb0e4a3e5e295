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
