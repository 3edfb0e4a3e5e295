/**
 * Contract tests of the Zoho sandbox metadata APIs (reference §6, §7): modules, fields with
 * picklists, custom field creation and picklist extension, custom modules (and the edition gate
 * an admin-checklist path relies on), users with type filters and paging, roles, profiles, org.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox } from '../../connectors/destinations/zoho/sandbox/server.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { client, connect, token } from './zoho-helpers.ts';

let db: TestDb;
let sb: ZohoSandbox;
let api: Awaited<ReturnType<typeof connect>>;

beforeAll(async () => {
  db = await createTestDb();
  sb = await startZohoSandbox({
    databaseUrl: db.url,
    env: {},
    seed: {
      edition: 'enterprise',
      users: [
        { email: 'one@example.com', full_name: 'One User' },
        { email: 'two@example.com', full_name: 'Two User', status: 'inactive' },
        { email: 'three@example.com', full_name: 'Three User' },
      ],
      customModules: [{ api_name: 'Projects', singular_label: 'Project', plural_label: 'Projects' }],
    },
  });
  api = await connect(sb);
});
afterAll(async () => {
  await sb?.close();
  await db?.drop();
});

describe('modules and fields (§6.1, §6.3)', () => {
  it('lists modules with api_name, generated_type and api_supported', async () => {
    const r = await api.get('/settings/modules');
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(r.json.modules.map((m: any) => [m.api_name, m]));
    for (const m of ['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks', 'Calls', 'Events', 'Notes', 'Products']) expect(byName[m]?.api_supported).toBe(true);
    expect(byName.Events.module_name).toBe('Meetings');
    expect(byName.Projects.generated_type).toBe('custom');
    expect((await api.get('/settings/modules/Leads')).json.modules[0].api_name).toBe('Leads');
  });

  it('fields carry data_type, length, system_mandatory, custom_field and pick_list_values', async () => {
    expect((await api.get('/settings/fields')).json).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'module' } });
    const r = await api.get('/settings/fields?module=Leads');
    const f = Object.fromEntries(r.json.fields.map((x: any) => [x.api_name, x]));
    expect(f.Last_Name).toMatchObject({ data_type: 'text', length: 80, system_mandatory: true, custom_field: false });
    expect(f.Lead_Status.data_type).toBe('picklist');
    expect(f.Lead_Status.pick_list_values[0]).toMatchObject({ display_value: '-None-', actual_value: '-None-', sequence_number: 1 });
    expect(f.Created_Time.operation_type).toMatchObject({ api_create: false, api_update: false });
    const d = Object.fromEntries((await api.get('/settings/fields?module=Deals')).json.fields.map((x: any) => [x.api_name, x]));
    expect(d.Account_Name).toMatchObject({ data_type: 'lookup', lookup: { module: { api_name: 'Accounts' } } });
  });
});

describe('custom fields (§6.4, §6.5)', () => {
  it('creates up to 5 fields per call, derives api_name from the label, validates type and length', async () => {
    const r = await api.post('/settings/fields?module=Leads', {
      fields: [
        { field_label: 'Source Row Id', data_type: 'text', length: 64, unique: { case_sensitive: false } },
        { field_label: 'Segment', data_type: 'picklist', pick_list_values: [{ display_value: 'SMB', actual_value: 'SMB' }, { display_value: 'Enterprise', actual_value: 'Enterprise' }] },
        { field_label: 'Too Long', data_type: 'text', length: 300 },
        { field_label: 'Weird', data_type: 'hologram' },
        { field_label: 'Notes Box', data_type: 'textarea' },
      ],
    });
    expect(r.status).toBe(207);
    expect(r.json.fields.map((x: any) => x.code)).toEqual(['SUCCESS', 'SUCCESS', 'DEPENDENT_MISMATCH', 'INVALID_DATA', 'DEPENDENT_FIELD_MISSING']);
    expect(r.json.fields[0]).toMatchObject({ message: 'field created', status: 'success', details: { api_name: 'Source_Row_Id' } });
    const six = await api.post('/settings/fields?module=Leads', { fields: Array.from({ length: 6 }, (_, i) => ({ field_label: `F${i}`, data_type: 'text' })) });
    expect(six.json).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { maximum_length: 5 } });
    const dup = await api.post('/settings/fields?module=Leads', { fields: [{ field_label: 'Segment', data_type: 'text' }] });
    expect(dup.json.fields[0].code).toBe('DUPLICATE_DATA');
    const f = (await api.get('/settings/fields?module=Leads')).json.fields.find((x: any) => x.api_name === 'Segment');
    expect(f).toMatchObject({ custom_field: true, data_type: 'picklist' });
    expect(f.pick_list_values.map((p: any) => p.display_value)).toEqual(['SMB', 'Enterprise']);
    // The new fields are writable at once, and the unique flag is enforced.
    const w = await api.post('/Leads', { data: [{ Last_Name: 'A', Company: 'C', Source_Row_Id: 'R1', Segment: 'SMB' }, { Last_Name: 'B', Company: 'C', Source_Row_Id: 'r1' }] });
    expect(w.json.data.map((x: any) => x.code)).toEqual(['SUCCESS', 'DUPLICATE_DATA']);
  });

  it('PATCH appends picklist options, rejects duplicates, and renames by option id', async () => {
    const f = (await api.get('/settings/fields?module=Leads')).json.fields.find((x: any) => x.api_name === 'Lead_Source');
    const r = await api.patch(`/settings/fields/${f.id}?module=Leads`, { fields: [{ pick_list_values: [{ display_value: 'North East', actual_value: 'IN_North_East' }] }] });
    expect(r.status).toBe(200);
    expect(r.json.fields[0]).toMatchObject({ code: 'SUCCESS', message: 'field updated', details: { id: f.id } });
    const after = (await api.get(`/settings/fields/${f.id}?module=Leads`)).json.fields[0];
    expect(after.pick_list_values.length).toBe(f.pick_list_values.length + 1);
    expect(after.pick_list_values.at(-1)).toMatchObject({ display_value: 'North East', actual_value: 'IN_North_East' });
    const dup = await api.patch(`/settings/fields/${f.id}?module=Leads`, { fields: [{ pick_list_values: [{ display_value: 'north east' }] }] });
    expect(dup.json.fields[0].code).toBe('DUPLICATE_DATA');
    const opt = after.pick_list_values.at(-1);
    await api.call('PUT', `/settings/fields?module=Leads`, { fields: [{ id: f.id, pick_list_values: [{ id: opt.id, display_value: 'North-East' }] }] });
    const renamed = (await api.get(`/settings/fields/${f.id}?module=Leads`)).json.fields[0];
    expect(renamed.pick_list_values.at(-1).display_value).toBe('North-East');
    expect((await api.patch(`/settings/fields/${f.id}?module=Leads`, { fields: [{ data_type: 'text' }] })).json.fields[0].code).toBe('NOT_ALLOWED');
  });

  it('a strict picklist field rejects values outside its options until the option is added', async () => {
    const created = await api.post('/settings/fields?module=Contacts', { fields: [{ field_label: 'Region', data_type: 'picklist', pick_list_values: [{ display_value: 'North' }] }] });
    const id = created.json.fields[0].details.id;
    await api.patch(`/settings/fields/${id}?module=Contacts`, { fields: [{ strict_picklist: true }] });
    expect((await api.post('/Contacts', { data: [{ Last_Name: 'X', Region: 'South' }] })).json.data[0].code).toBe('INVALID_DATA');
    await api.patch(`/settings/fields/${id}?module=Contacts`, { fields: [{ pick_list_values: [{ display_value: 'South' }] }] });
    expect((await api.post('/Contacts', { data: [{ Last_Name: 'X', Region: 'South' }] })).json.data[0].code).toBe('SUCCESS');
  });

  it('enforces the edition custom-field quota', async () => {
    const std = await startZohoSandbox({ databaseUrl: db.url, env: {}, org: { edition: 'standard' } });
    try {
      const c = client(std, (await token(std)).access_token);
      const results: string[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const r = await c.post('/settings/fields?module=Accounts', { fields: Array.from({ length: 5 }, (_, i) => ({ field_label: `Q${batch}${i}`, data_type: 'text' })) });
        results.push(...r.json.fields.map((x: any) => x.code));
      }
      expect(results.filter((x) => x === 'SUCCESS')).toHaveLength(10);
      expect(results.filter((x) => x === 'LIMIT_EXCEEDED')).toHaveLength(5);
    } finally {
      await std.close();
    }
  });
});

describe('custom modules (§6.2)', () => {
  it('creates a custom module with a Name field; duplicates and missing profiles are refused', async () => {
    const profiles = (await api.get('/settings/profiles')).json.profiles;
    const r = await api.post('/settings/modules', { modules: [{ plural_label: 'Shipments', singular_label: 'Shipment', api_name: 'Shipments', profiles: [{ id: profiles[0].id }], display_field: { field_label: 'Shipment Name', data_type: 'text' } }] });
    expect(r.status).toBe(201);
    expect(r.json.modules[0]).toMatchObject({ code: 'SUCCESS', message: 'module created successfully' });
    expect((await api.post('/Shipments', { data: [{ Name: 'S-1' }] })).status).toBe(201);
    const up = await api.post('/Shipments/upsert', { data: [{ Name: 'S-1', Description: 'again' }] });
    expect(up.json.data[0]).toMatchObject({ action: 'update', duplicate_field: 'Name' });
    expect((await api.post('/settings/modules', { modules: [{ plural_label: 'Shipments', singular_label: 'Shipment', profiles: [{ id: profiles[0].id }] }] })).json.modules[0].code).toBe('DUPLICATE_DATA');
    expect((await api.post('/settings/modules', { modules: [{ plural_label: 'Crates', singular_label: 'Crate' }] })).json.modules[0].code).toBe('MINIMUM_DATA_NOT_FOUND');
  });

  it('an org that forbids module creation answers NOT_SUPPORTED (the admin-checklist path)', async () => {
    const pro = await startZohoSandbox({ databaseUrl: db.url, env: { CRM_SANDBOX_ORG: JSON.stringify({ edition: 'professional' }) } });
    try {
      const c = client(pro, (await token(pro)).access_token);
      const r = await c.post('/settings/modules', { modules: [{ plural_label: 'Boxes', singular_label: 'Box', profiles: [{ id: '1' }] }] });
      expect(r).toMatchObject({ status: 400, json: { code: 'NOT_SUPPORTED', message: 'Module creation is not supported for the current edition' } });
    } finally {
      await pro.close();
    }
  });
});

describe('users, roles, profiles, org (§7)', () => {
  it('users filter by type and page with info.more_records; CurrentUser is the API user', async () => {
    const all = await api.get('/users?type=AllUsers');
    expect(all.json.users).toHaveLength(4);
    expect(all.json.users[0]).toMatchObject({ email: 'admin@sandbox.example', status: 'active', role: { name: 'CEO' }, profile: { name: 'Administrator' } });
    expect((await api.get('/users?type=ActiveUsers')).json.users).toHaveLength(3);
    expect((await api.get('/users?type=DeactiveUsers')).json.users.map((u: any) => u.email)).toEqual(['two@example.com']);
    expect((await api.get('/users?type=CurrentUser')).json.users[0].email).toBe('admin@sandbox.example');
    expect((await api.get('/users?type=AdminUsers')).json.users).toHaveLength(1);
    const p1 = await api.get('/users?type=AllUsers&per_page=3&page=1');
    expect(p1.json.info).toEqual({ per_page: 3, count: 3, page: 1, more_records: true });
    const p2 = await api.get('/users?type=AllUsers&per_page=3&page=2');
    expect(p2.json.info).toMatchObject({ count: 1, more_records: false });
    expect((await api.get('/users?type=AllUsers&per_page=3&page=3')).status).toBe(204);
    expect((await api.get('/users?type=Martians')).status).toBe(400);
  });

  it('POST /users adds one user (active, unconfirmed) with role and profile ids; refusals name the field', async () => {
    const roles = (await api.get('/settings/roles')).json.roles;
    const profiles = (await api.get('/settings/profiles')).json.profiles;
    const manager = roles.find((r: any) => r.name === 'Manager').id;
    const standard = profiles.find((p: any) => p.name === 'Standard').id;
    const added = await api.post('/users', { users: [{ first_name: 'Nomsa', last_name: 'Dlamini', email: 'Nomsa@Example.com', role: manager, profile: standard }] });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({ users: [{ code: 'SUCCESS', details: { id: expect.stringMatching(/^\d{19}$/) }, message: 'User added', status: 'success' }] });
    const id = added.json.users[0].details.id;
    const got = (await api.get(`/users/${id}`)).json.users[0];
    expect(got).toMatchObject({ id, email: 'nomsa@example.com', full_name: 'Nomsa Dlamini', first_name: 'Nomsa', last_name: 'Dlamini', status: 'active', confirm: false, role: { name: 'Manager', id: manager }, profile: { name: 'Standard', id: standard } });
    expect((await api.get('/users?type=NotConfirmedUsers')).json.users.map((u: any) => u.email)).toEqual(['nomsa@example.com']);
    expect((await api.get('/users?type=ActiveUsers')).json.users).toHaveLength(4);
    const refusal = async (user: Record<string, unknown> | Record<string, unknown>[]) => {
      const r = await api.post('/users', { users: Array.isArray(user) ? user : [user] });
      expect(r.status).toBe(400);
      expect(r.json.users).toHaveLength(1);
      expect(r.json.users[0].status).toBe('error');
      return { code: r.json.users[0].code, field: r.json.users[0].details.api_name };
    };
    const base = { last_name: 'Other', email: 'other@example.com', role: manager, profile: standard };
    expect(await refusal({ ...base, email: 'NOMSA@example.com' })).toEqual({ code: 'DUPLICATE_DATA', field: 'email' });
    expect(await refusal({ ...base, email: undefined })).toEqual({ code: 'MANDATORY_NOT_FOUND', field: 'email' });
    expect(await refusal({ ...base, email: 'not-an-address' })).toEqual({ code: 'INVALID_DATA', field: 'email' });
    expect(await refusal({ ...base, last_name: undefined })).toEqual({ code: 'MANDATORY_NOT_FOUND', field: 'last_name' });
    expect(await refusal({ ...base, role: '123' })).toEqual({ code: 'INVALID_DATA', field: 'role' });
    expect(await refusal({ ...base, profile: undefined })).toEqual({ code: 'MANDATORY_NOT_FOUND', field: 'profile' });
    expect(await refusal([base, { ...base, email: 'third@example.com' }])).toEqual({ code: 'LIMIT_EXCEEDED', field: 'users' });
    // Nothing refused was added.
    expect((await api.get('/users?type=AllUsers')).json.users).toHaveLength(5);
  });

  it('roles, profiles and org (zgid, license_details.paid_type)', async () => {
    const roles = (await api.get('/settings/roles')).json.roles;
    expect(roles.map((r: any) => r.name)).toEqual(['CEO', 'Manager']);
    expect(roles[1].reporting_to).toMatchObject({ name: 'CEO' });
    expect((await api.get('/settings/profiles')).json.profiles.map((p: any) => p.name)).toEqual(['Administrator', 'Standard']);
    const org = (await api.get('/org')).json.org[0];
    expect(org.zgid).toMatch(/^\d+$/);
    expect(org.license_details.paid_type).toBe('enterprise');
    const rl = (await api.get('/settings/related_lists?module=Leads')).json.related_lists;
    expect(rl.every((x: any) => x.api_name && x.module.api_name && x.href)).toBe(true);
  });
});
