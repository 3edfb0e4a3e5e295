/**
 * Contract tests of the Zoho sandbox records API over real HTTP, written from the reference's
 * request/response examples (zoho-crm-api.md §2-§5, §8): auth, envelopes, codes, validation,
 * upsert, pagination, search, COQL, notes, attachments, tags, conversion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox } from '../../connectors/destinations/zoho/sandbox/server.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { client, connect, token } from './zoho-helpers.ts';

let db: TestDb;
let sb: ZohoSandbox;
let api: Awaited<ReturnType<typeof connect>>;
let inactiveUser: string;
let activeUser: string;

beforeAll(async () => {
  db = await createTestDb();
  sb = await startZohoSandbox({
    databaseUrl: db.url,
    env: {},
    seed: {
      users: [
        { email: 'Rep@Example.com', full_name: 'Rita Rep' },
        { email: 'gone@example.com', full_name: 'Gone Person', status: 'inactive' },
      ],
      picklists: { Leads: { Lead_Source: ['Expo 2026'] } },
      customFields: {
        Leads: [
          { field_label: 'Source Row Id', data_type: 'text', length: 20, unique: true },
          { field_label: 'Tier', data_type: 'picklist', pick_list_values: ['Gold', 'Silver'], strict_picklist: true },
        ],
      },
      records: { Accounts: [{ Account_Name: 'Seeded Co' }] },
    },
  });
  api = await connect(sb);
  const users = (await api.get('/users?type=AllUsers')).json.users;
  activeUser = users.find((u: any) => u.email === 'rep@example.com').id;
  inactiveUser = users.find((u: any) => u.email === 'gone@example.com').id;
});
afterAll(async () => {
  await sb?.close();
  await db?.drop();
});

describe('OAuth and auth errors (§2)', () => {
  it('refresh grant returns the documented token JSON with api_domain and no refresh_token', async () => {
    const t = await token(sb);
    expect(t).toMatchObject({ status: 200, api_domain: sb.apiDomain, token_type: 'Bearer', expires_in: 3600 });
    expect(t.access_token).toMatch(/^1000\./);
    expect(t.refresh_token).toBeUndefined();
  });

  it('bad client, secret or refresh token answer HTTP 200 with an error key', async () => {
    expect(await token(sb, { client_id: 'nope' })).toEqual({ status: 200, error: 'invalid_client' });
    expect(await token(sb, { client_secret: 'nope' })).toEqual({ status: 200, error: 'invalid_client_secret' });
    expect(await token(sb, { refresh_token: '1000.revoked' })).toEqual({ status: 200, error: 'invalid_code' });
  });

  it('accepts the multipart token body the official SDK sends', async () => {
    const form = new FormData();
    form.set('grant_type', 'refresh_token');
    form.set('client_id', sb.credentials.clientId);
    form.set('client_secret', sb.credentials.clientSecret);
    form.set('refresh_token', sb.credentials.refreshToken);
    const res = await fetch(`${sb.accountsUrl}/oauth/v2/token`, { method: 'POST', body: form });
    expect((await res.json()).access_token).toBeTruthy();
  });

  it('401 AUTHENTICATION_FAILURE without the header, 401 INVALID_TOKEN for Bearer-less unknown tokens', async () => {
    const none = await fetch(`${sb.apiDomain}/crm/v8/Leads?fields=Last_Name`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ code: 'AUTHENTICATION_FAILURE', details: {}, message: 'Authentication failed', status: 'error' });
    const bearer = await fetch(`${sb.apiDomain}/crm/v8/Leads?fields=Last_Name`, { headers: { authorization: 'Bearer x' } });
    expect(bearer.status).toBe(401);
    const bad = await client(sb, '1000.unknown.token').get('/Leads?fields=Last_Name');
    expect(bad).toMatchObject({ status: 401, json: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' } });
  });

  it('access tokens expire after the configured TTL', async () => {
    const short = await startZohoSandbox({ databaseUrl: db.url, env: {}, tokenTtlSeconds: 1 });
    try {
      const t = await token(short);
      expect(t.expires_in).toBe(1);
      const c = client(short, t.access_token);
      expect((await c.get('/users?type=CurrentUser')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1200));
      expect((await c.get('/users?type=CurrentUser')).json.code).toBe('INVALID_TOKEN');
    } finally {
      await short.close();
    }
  });

  it('unknown paths are 404 INVALID_URL_PATTERN and unknown modules 400 INVALID_MODULE (top-level object)', async () => {
    expect((await api.get('/crm/v9/Leads')).json.code).toBe('INVALID_URL_PATTERN');
    const r = await api.post('/Widgets', { data: [{ Name: 'x' }] });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'INVALID_MODULE', status: 'error' });
    expect(r.json.data).toBeUndefined();
  });
});

describe('insert envelopes and status aggregation (§3.1, §3.2, §4.1)', () => {
  it('all success is 201 with details.id, Created_By and message "record added"', async () => {
    const r = await api.post('/Leads', { data: [{ Last_Name: 'Ng', Company: 'Acme', Email: 'ng@acme.test' }], trigger: [] });
    expect(r.status).toBe(201);
    const item = r.json.data[0];
    expect(item).toMatchObject({ code: 'SUCCESS', message: 'record added', status: 'success' });
    expect(item.details.id).toMatch(/^\d{19}$/);
    expect(item.details.Created_By).toMatchObject({ name: 'Sandbox Admin' });
    expect(item.details.Created_Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    const stored = await db.pool.query(`select data from sandbox_zoho.records where id = $1`, [item.details.id]);
    expect(stored.rows[0].data).toMatchObject({ Last_Name: 'Ng', Company: 'Acme', Email: 'ng@acme.test' });
  });

  it('a mix is 207 with per-record results in input order; all failing is 400', async () => {
    const r = await api.post('/Leads', { data: [{ Last_Name: 'A', Company: 'X' }, { Company: 'Y' }, { Last_Name: 'C', Company: 'Z' }] });
    expect(r.status).toBe(207);
    expect(r.json.data.map((d: any) => d.code)).toEqual(['SUCCESS', 'MANDATORY_NOT_FOUND', 'SUCCESS']);
    expect(r.json.data[1]).toEqual({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name', json_path: '$.data[1].Last_Name' }, message: 'required field not found', status: 'error' });
    const bad = await api.post('/Leads', { data: [{ Last_Name: 'Solo', Company: 'Q', No_of_Employees: 'ten' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.data[0]).toEqual({
      code: 'INVALID_DATA',
      details: { expected_data_type: 'integer', api_name: 'No_of_Employees', json_path: '$.data[0].No_of_Employees' },
      message: 'invalid data',
      status: 'error',
    });
  });

  it('more than 100 records is LIMIT_EXCEEDED and nothing is written', async () => {
    const before = (await db.pool.query(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`)).rows[0].n;
    const r = await api.post('/Leads', { data: Array.from({ length: 101 }, (_, i) => ({ Last_Name: `L${i}`, Company: 'C' })) });
    expect(r).toMatchObject({ status: 400, json: { code: 'LIMIT_EXCEEDED', details: { maximum_length: 100, api_name: 'data' } } });
    expect((await db.pool.query(`select count(*)::int as n from sandbox_zoho.records where module = 'Leads'`)).rows[0].n).toBe(before);
  });

  it('the default mandatory rule adds Leads.Company and Deals.Closing_Date to system-mandatory fields', async () => {
    const r = await api.post('/Leads', { data: [{ Last_Name: 'NoCo' }] });
    expect(r.json.data[0].details.api_name).toBe('Company');
    const d = await api.post('/Deals', { data: [{ Deal_Name: 'D', Stage: 'Qualification' }] });
    expect(d.json.data[0].details.api_name).toBe('Closing_Date');
  });

  it('validates types, lengths, phones, dates and datetimes with expected_data_type / maximum_length', async () => {
    const r = await api.post('/Leads', {
      data: [
        { Last_Name: 'x'.repeat(81), Company: 'C' },
        { Last_Name: 'P', Company: 'C', Phone: 'call me!' },
        { Last_Name: 'E', Company: 'C', Email: 'not-an-email' },
        { Last_Name: 'B', Company: 'C', Email_Opt_Out: 'yes' },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.json.data[0].details).toEqual({ maximum_length: 80, api_name: 'Last_Name', json_path: '$.data[0].Last_Name' });
    expect(r.json.data[1].details.expected_data_type).toBe('phone');
    expect(r.json.data[2].details.expected_data_type).toBe('email');
    expect(r.json.data[3].details.expected_data_type).toBe('boolean');
    const ev = await api.post('/Events', { data: [{ Event_Title: 'M', Start_DateTime: '2026-01-01 10:00', End_DateTime: '2026-01-01T11:00:00+02:00' }] });
    expect(ev.json.data[0].details).toMatchObject({ api_name: 'Start_DateTime', expected_data_type: 'datetime' });
  });

  it('several errors in one record come back as MULTIPLE_OR_MULTI_ERRORS', async () => {
    const r = await api.post('/Leads', { data: [{ Company: 'C', Email: 'bad' }] });
    expect(r.json.data[0].code).toBe('MULTIPLE_OR_MULTI_ERRORS');
    expect(r.json.data[0].details.errors.map((e: any) => e.code).sort()).toEqual(['INVALID_DATA', 'MANDATORY_NOT_FOUND']);
  });

  it('picklists store unknown values by default and reject them on a strict field with supported_values', async () => {
    const r = await api.post('/Leads', { data: [{ Last_Name: 'P1', Company: 'C', Lead_Source: 'Carrier Pigeon' }, { Last_Name: 'P2', Company: 'C', Tier: 'Bronze' }, { Last_Name: 'P3', Company: 'C', Tier: 'Gold', Lead_Source: 'Expo 2026' }] });
    expect(r.json.data.map((d: any) => d.code)).toEqual(['SUCCESS', 'INVALID_DATA', 'SUCCESS']);
    expect(r.json.data[1].details).toMatchObject({ api_name: 'Tier', supported_values: ['Gold', 'Silver'] });
    const stored = await db.pool.query(`select data->>'Lead_Source' as s from sandbox_zoho.records where id = $1`, [r.json.data[0].details.id]);
    expect(stored.rows[0].s).toBe('Carrier Pigeon');
  });

  it('unknown field api_names are dropped, read-only fields ignored', async () => {
    const r = await api.post('/Leads', { data: [{ Last_Name: 'U', Company: 'C', Favourite_Colour: 'blue', Created_Time: '2001-01-01T00:00:00+00:00' }] });
    expect(r.status).toBe(201);
    const { rows } = await db.pool.query(`select data, created_time from sandbox_zoho.records where id = $1`, [r.json.data[0].details.id]);
    expect(rows[0].data.Favourite_Colour).toBeUndefined();
    expect(rows[0].data.Created_Time).toBeUndefined();
    expect(new Date(rows[0].created_time).getFullYear()).toBeGreaterThan(2001);
  });

  it('lookups must point at an existing record of the lookup module; owners at active users', async () => {
    const acc = (await api.get('/Accounts?fields=Account_Name')).json.data[0].id;
    const lead = (await api.get('/Leads?fields=Last_Name&per_page=1')).json.data[0].id;
    const r = await api.post('/Contacts', {
      data: [
        { Last_Name: 'Ok', Account_Name: { id: acc }, Owner: { id: activeUser } },
        { Last_Name: 'WrongModule', Account_Name: { id: lead } },
        { Last_Name: 'NotObject', Account_Name: acc },
        { Last_Name: 'Inactive', Owner: { id: inactiveUser } },
        { Last_Name: 'NoUser', Owner: { id: '5725767999999999999' } },
      ],
    });
    expect(r.status).toBe(207);
    expect(r.json.data.map((d: any) => d.code)).toEqual(['SUCCESS', 'INVALID_DATA', 'INVALID_DATA', 'INVALID_DATA', 'INVALID_DATA']);
    expect(r.json.data[1].details).toMatchObject({ api_name: 'Account_Name' });
    expect(r.json.data[2].details.expected_data_type).toBe('jsonobject');
    expect(r.json.data[3].details.api_name).toBe('Owner');
    const { rows } = await db.pool.query(`select data from sandbox_zoho.records where id = $1`, [r.json.data[0].details.id]);
    expect(rows[0].data.Account_Name).toEqual({ id: acc });
  });

  it('What_Id needs $se_module and an existing record in that module', async () => {
    const lead = (await api.get('/Leads?fields=Last_Name&per_page=1')).json.data[0].id;
    const r = await api.post('/Tasks', { data: [{ Subject: 'ok', What_Id: { id: lead }, $se_module: 'Leads' }, { Subject: 'no module', What_Id: { id: lead } }, { Subject: 'wrong', What_Id: { id: lead }, $se_module: 'Deals' }] });
    expect(r.json.data.map((d: any) => d.code)).toEqual(['SUCCESS', 'DEPENDENT_FIELD_MISSING', 'INVALID_DATA']);
  });

  it('Calls: zero duration for a completed inbound call is DEPENDENT_MISMATCH, bad format INVALID_DATA', async () => {
    const base = { Subject: 'c', Call_Type: 'Inbound', Call_Start_Time: '2026-01-02T10:00:00+00:00' };
    const r = await api.post('/Calls', { data: [{ ...base, Call_Duration: '05:30' }, { ...base, Call_Duration: '00:00' }, { ...base, Call_Duration: '5 min' }, { ...base, Call_Type: 'Outbound', Outbound_Call_Status: 'Scheduled' }] });
    expect(r.json.data.map((d: any) => d.code)).toEqual(['SUCCESS', 'DEPENDENT_MISMATCH', 'INVALID_DATA', 'SUCCESS']);
    expect(r.json.data[1].message).toBe('Call Duration can not be zero.');
  });

  it('unique fields answer DUPLICATE_DATA with the duplicate record', async () => {
    const first = await api.post('/Leads', { data: [{ Last_Name: 'U1', Company: 'C', Source_Row_Id: 'ROW-1' }] });
    const dup = await api.post('/Leads', { data: [{ Last_Name: 'U2', Company: 'C', Source_Row_Id: 'row-1' }] });
    expect(dup.status).toBe(400);
    expect(dup.json.data[0]).toMatchObject({
      code: 'DUPLICATE_DATA',
      message: 'duplicate data',
      details: { api_name: 'Source_Row_Id', json_path: '$.data[0].Source_Row_Id', duplicate_record: { id: first.json.data[0].details.id, module: { api_name: 'Leads' } }, more_records: false },
    });
  });
});

describe('update, upsert, delete, get (§4.2-§4.5)', () => {
  it('bulk update is 200; missing id MANDATORY_NOT_FOUND; bad id INVALID_DATA; null clears a field', async () => {
    const id = (await api.post('/Leads', { data: [{ Last_Name: 'Up', Company: 'C', Phone: '123' }] })).json.data[0].details.id;
    const r = await api.put('/Leads', { data: [{ id, Phone: null, City: 'Cape Town' }, { City: 'x' }, { id: '5725767000099999999', City: 'y' }] });
    expect(r.status).toBe(207);
    expect(r.json.data[0]).toMatchObject({ code: 'SUCCESS', message: 'record updated', details: { id } });
    expect(r.json.data[1]).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'id' } });
    expect(r.json.data[2]).toMatchObject({ code: 'INVALID_DATA', message: 'the id given seems to be invalid', details: { id: '5725767000099999999' } });
    const single = await api.put(`/Leads/${id}`, { data: [{ State: 'WC' }] });
    expect(single.status).toBe(200);
    const got = await api.get(`/Leads/${id}`);
    expect(got.json.data[0]).toMatchObject({ id, Phone: null, City: 'Cape Town', State: 'WC', Last_Name: 'Up' });
  });

  it('upsert matches on the system duplicate-check field and reports action / duplicate_field', async () => {
    const r = await api.post('/Contacts/upsert', { data: [{ Last_Name: 'Boyle', Email: 'boyle@x.test' }], duplicate_check_fields: ['Email'] });
    expect(r.status).toBe(200);
    expect(r.json.data[0]).toMatchObject({ code: 'SUCCESS', action: 'insert', duplicate_field: null, message: 'record added' });
    const again = await api.post('/Contacts/upsert', { data: [{ Last_Name: 'Boyle-Smith', Email: 'BOYLE@x.test' }, { Email: 'new@x.test' }] });
    expect(again.status).toBe(207);
    expect(again.json.data[0]).toMatchObject({ action: 'update', duplicate_field: 'Email', details: { id: r.json.data[0].details.id } });
    expect(again.json.data[1].code).toBe('MANDATORY_NOT_FOUND');
    // Listed fields that are neither the system duplicate-check field nor unique are not matched on.
    const byPhone = await api.post('/Contacts/upsert', { data: [{ Last_Name: 'Boyle', Phone: '1' }], duplicate_check_fields: ['Last_Name'] });
    expect(byPhone.json.data[0].action).toBe('insert');
  });

  it('delete takes ids, reports "record not deleted" for unknown ids, and a deleted record GETs 204', async () => {
    const ids = (await api.post('/Leads', { data: [{ Last_Name: 'D1', Company: 'C' }, { Last_Name: 'D2', Company: 'C' }] })).json.data.map((d: any) => d.details.id);
    expect((await api.del('/Leads')).json).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'ids' } });
    const r = await api.del(`/Leads?ids=${ids.join(',')},5725767000088888888`);
    expect(r.status).toBe(207);
    expect(r.json.data[0]).toEqual({ code: 'SUCCESS', details: { id: ids[0] }, message: 'record deleted', status: 'success' });
    expect(r.json.data[2]).toMatchObject({ code: 'INVALID_DATA', message: 'record not deleted' });
    const gone = await api.get(`/Leads/${ids[0]}`);
    expect(gone.status).toBe(204);
    expect(gone.json).toBeNull();
    expect((await api.get('/Leads/deleted')).json.data.map((d: any) => d.id)).toContain(ids[0]);
  });

  it('list needs fields (≤50), pages at per_page ≤200, hands out a page_token bound to the params, 204 when empty', async () => {
    expect((await api.get('/Products')).json).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'fields' } });
    expect((await api.get(`/Products?fields=${Array.from({ length: 51 }, (_, i) => `F${i}`).join(',')}`)).json.code).toBe('LIMIT_EXCEEDED');
    expect((await api.get('/Products?fields=Product_Name')).status).toBe(204);
    await api.post('/Products', { data: Array.from({ length: 5 }, (_, i) => ({ Product_Name: `P${i}` })) });
    const p1 = await api.get('/Products?fields=Product_Name&per_page=2&sort_order=asc');
    expect(p1.json.info).toMatchObject({ per_page: 2, count: 2, page: 1, more_records: true, sort_by: 'id', sort_order: 'asc' });
    expect(p1.json.data.map((d: any) => d.Product_Name)).toEqual(['P0', 'P1']);
    expect(Object.keys(p1.json.data[0]).sort()).toEqual(['Product_Name', 'id']);
    const tok = p1.json.info.next_page_token;
    const p2 = await api.get(`/Products?fields=Product_Name&per_page=2&sort_order=asc&page_token=${tok}`);
    expect(p2.json.data.map((d: any) => d.Product_Name)).toEqual(['P2', 'P3']);
    expect((await api.get(`/Products?fields=Product_Name&per_page=3&sort_order=asc&page_token=${tok}`)).json.code).toBe('TOKEN_BOUND_DATA_MISMATCH');
    expect((await api.get(`/Products?fields=Product_Name&per_page=2&sort_order=asc&page=2&page_token=${tok}`)).json.code).toBe('AMBIGUITY_DURING_PROCESSING');
    expect((await api.get('/Products?fields=Product_Name&per_page=200&page=11')).json.code).toBe('DISCRETE_PAGINATION_LIMIT_EXCEEDED');
    expect((await api.get('/Products?fields=Product_Name&per_page=201')).status).toBe(400);
  });
});

describe('search and COQL (§4.6, §4.7)', () => {
  it('criteria, email, phone and word searches; 204 on no hits; bad field INVALID_QUERY', async () => {
    await api.post('/Leads', { data: [{ Last_Name: 'Searchable', Company: 'Findme (Pty) Ltd', Email: 'find@me.test', Phone: '+27 21 555 0101' }] });
    const c = await api.get(`/Leads/search?criteria=${encodeURIComponent('((Email:equals:find@me.test)and(Company:starts_with:Findme \\(Pty\\)))')}`);
    expect(c.status).toBe(200);
    expect(c.json.data).toHaveLength(1);
    expect(c.json.info).toMatchObject({ per_page: 200, count: 1, page: 1, more_records: false });
    expect((await api.get('/Leads/search?email=FIND@me.test')).json.data[0].Last_Name).toBe('Searchable');
    expect((await api.get(`/Leads/search?phone=${encodeURIComponent('27215550101')}`)).json.data[0].Last_Name).toBe('Searchable');
    expect((await api.get('/Leads/search?word=searchab')).json.data[0].Last_Name).toBe('Searchable');
    expect((await api.get('/Leads/search?email=nobody@me.test')).status).toBe(204);
    expect((await api.get('/Leads/search?criteria=(Nope:equals:x)')).json.code).toBe('INVALID_QUERY');
    expect((await api.get('/Leads/search?criteria=(Email:greater_than:x)')).json.code).toBe('INVALID_QUERY');
    expect((await api.get('/Leads/search')).json.code).toBe('EXPECTED_PARAM_MISSING');
  });

  it('COQL selects with where/and/like/in/limit, requires WHERE, returns lookups as {name,id}', async () => {
    const r = await api.post('/coql', { select_query: "select Last_Name, Email, Owner from Leads where (Email like '%@me.test' and Last_Name in ('Searchable','Other')) limit 0, 10" });
    expect(r.status).toBe(200);
    expect(r.json.data[0]).toMatchObject({ Last_Name: 'Searchable', Email: 'find@me.test', Owner: { name: 'Sandbox Admin' } });
    expect(r.json.info).toEqual({ count: 1, more_records: false });
    expect((await api.post('/coql', { select_query: 'select Last_Name from Leads' })).json).toMatchObject({ code: 'SYNTAX_ERROR', details: { clause: 'where' } });
    expect((await api.post('/coql', { select_query: "select Last_Name from Leads where Email = 'none@x'" })).status).toBe(204);
    const count = (await api.post('/coql', { select_query: 'select Last_Name from Leads where id is not null limit 2' })).json;
    expect(count.info).toMatchObject({ count: 2, more_records: true });
  });
});

describe('notes, attachments, tags, conversion (§5.6, §5.8, §5.9, §8)', () => {
  it('notes with Parent_Id{module,id}; bad parent INVALID_DATA; read through the parent', async () => {
    const lead = (await api.post('/Leads', { data: [{ Last_Name: 'Noted', Company: 'C' }] })).json.data[0].details.id;
    const r = await api.post('/Notes', {
      data: [
        { Note_Title: 'Call recap', Note_Content: 'Asked for pricing', Parent_Id: { module: { api_name: 'Leads' }, id: lead } },
        { Note_Content: 'x', Parent_Id: { module: { api_name: 'Leads' }, id: '5725767000077777777' } },
        { Parent_Id: { module: { api_name: 'Leads' }, id: lead } },
      ],
    });
    expect(r.json.data.map((d: any) => d.code)).toEqual(['SUCCESS', 'INVALID_DATA', 'EXPECTED_FIELD_MISSING']);
    const read = await api.get(`/Leads/${lead}/Notes?fields=Note_Title,Note_Content`);
    expect(read.json.data).toHaveLength(1);
    expect(read.json.data[0]).toMatchObject({ Note_Title: 'Call recap', Note_Content: 'Asked for pricing' });
    const { rows } = await db.pool.query(`select data from sandbox_zoho.records where id = $1`, [r.json.data[0].details.id]);
    expect(rows[0].data.Parent_Id).toEqual({ module: { api_name: 'Leads' }, id: lead });
  });

  it('attachments upload as multipart "file", list, download, and enforce the size limit', async () => {
    const small = await startZohoSandbox({ databaseUrl: db.url, env: {}, org: { attachmentMaxBytes: 1000 } });
    try {
      const c = client(small, (await token(small)).access_token);
      const lead = (await c.post('/Leads', { data: [{ Last_Name: 'Att', Company: 'C' }] })).json.data[0].details.id;
      const form = new FormData();
      form.set('file', new Blob([Buffer.from('hello attachment')]), 'hello.txt');
      const up = await c.post(`/Leads/${lead}/Attachments`, form);
      expect(up.status).toBe(200);
      expect(up.json.data[0]).toMatchObject({ code: 'SUCCESS', message: 'attachment uploaded successfully' });
      const list = await c.get(`/Leads/${lead}/Attachments?fields=id,File_Name,Size`);
      expect(list.json.data[0]).toMatchObject({ File_Name: 'hello.txt', Size: '16' });
      const dl = await fetch(`${small.apiDomain}/crm/v8/Leads/${lead}/Attachments/${list.json.data[0].id}`, { headers: { authorization: `Zoho-oauthtoken ${(await token(small)).access_token}` } });
      expect(await dl.text()).toBe('hello attachment');
      const big = new FormData();
      big.set('file', new Blob([Buffer.alloc(2000)]), 'big.bin');
      expect((await c.post(`/Leads/${lead}/Attachments`, big)).status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('add_tags (many and single), inline Tag on insert, ≤10 tags per record', async () => {
    const ids = (await api.post('/Leads', { data: [{ Last_Name: 'T1', Company: 'C', Tag: [{ name: 'inline' }] }, { Last_Name: 'T2', Company: 'C' }] })).json.data.map((d: any) => d.details.id);
    const r = await api.post('/Leads/actions/add_tags', { tags: [{ name: 'VIP' }], ids, over_write: false });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ success_count: '2', locked_count: '0' });
    expect(r.json.data[0].details.tags.map((t: any) => t.name)).toEqual(['inline', 'VIP']);
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `t${i}` }));
    const over = await api.post(`/Leads/${ids[1]}/actions/add_tags`, { tags: many });
    expect(over.json.data[0].code).toBe('LIMIT_EXCEEDED');
  });

  it('lead conversion creates Account/Contact/Deal, marks the lead converted, hides it from listings, refuses a second time', async () => {
    const lead = (await api.post('/Leads', { data: [{ Last_Name: 'Convert', First_Name: 'Cora', Company: 'Convertible Co', Email: 'cora@conv.test' }] })).json.data[0].details.id;
    const r = await api.post(`/Leads/${lead}/actions/convert`, { data: [{ overwrite: true, Deals: { Deal_Name: 'Conv deal', Closing_Date: '2026-10-20', Stage: 'Qualification', Amount: 5000 } }] });
    expect(r.status).toBe(200);
    expect(r.json.data[0]).toMatchObject({ code: 'SUCCESS', message: 'The record has been converted successfully', details: { Contacts: { name: 'Convert' }, Accounts: { name: 'Convertible Co' }, Deals: { name: 'Conv deal' } } });
    const deal = await api.get(`/Deals/${r.json.data[0].details.Deals.id}`);
    expect(deal.json.data[0].Account_Name.id).toBe(r.json.data[0].details.Accounts.id);
    const listed = await api.get('/Leads?fields=Last_Name&per_page=200');
    expect(listed.json.data.map((d: any) => d.id)).not.toContain(lead);
    expect((await api.get('/Leads?fields=Last_Name&converted=true')).json.data.map((d: any) => d.id)).toContain(lead);
    expect((await api.post(`/Leads/${lead}/actions/convert`, { data: [{}] })).json.data[0].code).toBe('ID_ALREADY_CONVERTED');
  });
});

describe('seed persistence', () => {
  it('a seeded org is seeded only once: a second start with another seed leaves it as it is', async () => {
    const again = await startZohoSandbox({ databaseUrl: db.url, env: {}, seed: { users: [{ email: 'late@example.com', full_name: 'Late' }], records: { Accounts: [{ Account_Name: 'Second Seed' }] } } });
    try {
      const { rows } = await db.pool.query(`select count(*)::int as n from sandbox_zoho.users where email = 'late@example.com'`);
      expect(rows[0].n).toBe(0);
      const acc = await db.pool.query(`select count(*)::int as n from sandbox_zoho.records where data->>'Account_Name' in ('Seeded Co', 'Second Seed')`);
      expect(acc.rows[0].n).toBe(1);
    } finally {
      await again.close();
    }
  });
});
