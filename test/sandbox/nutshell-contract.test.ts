/**
 * Contract tests for the sandbox Nutshell, written from the request/response examples of
 * docs/destinations.md (Nutshell), over real HTTP against a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startNutshellSandbox, snapshotNutshellOrg, diffNutshellSnapshots, type NutshellSandbox } from '../../connectors/destinations/nutshell/sandbox/server.ts';
import { basic, ok, rpc } from './nutshell-helpers.ts';
import { isSameNutshellRecord } from '../../connectors/destinations/nutshell/index.ts';

let db: TestDb;
let sb: NutshellSandbox;

const seed = {
  users: [{ email: 'Ann.Lee@sandbox.example', name: 'Ann Lee' }, { email: 'bob@sandbox.example', name: 'Bob Ray' }],
  tags: [{ name: 'Imported', entityType: 'Contacts' as const }, { name: 'Project Estimator', entityType: 'Leads' as const }],
  customFields: [
    { entityType: 'Contacts' as const, name: 'Lead Source (legacy)', type: 'Text' },
    { entityType: 'Accounts' as const, name: 'Segment', type: 'Decision', choices: ['Gold', 'Silver'] },
  ],
  sources: ['Web'],
  apiKeys: [
    { apiKey: 'sbx-impersonation-key-000000000001', name: 'Migration', userEmail: 'admin@sandbox.example', impersonation: true },
    { apiKey: 'sbx-plain-key-00000000000000000002', name: 'Reports', userEmail: 'bob@sandbox.example' },
  ],
  records: [{ entityType: 'Accounts' as const, data: { name: 'Seeded Co', email: ['hello@seeded.example'] } }],
};

beforeAll(async () => {
  db = await createTestDb();
  sb = await startNutshellSandbox({ databaseUrl: db.url, seed });
  sb.credentials.apiKey = 'sbx-impersonation-key-000000000001';
});
afterAll(async () => {
  await sb?.close();
  await db?.drop();
});

describe('discovery and service description', () => {
  it('answers getApiForUsername with the host of the data endpoint, with or without auth (2.1)', async () => {
    const a = await rpc(sb, 'getApiForUsername', { username: 'admin@sandbox.example' }, { url: sb.discoveryUrl, auth: null, id: 'd1' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ jsonrpc: '2.0', id: 'd1', result: { iphone: sb.url.replace('http://', ''), api: sb.url.replace('http://', ''), login: sb.url.replace('http://', '') } });
    expect((await rpc(sb, 'getApiForUsername', { username: 'x@y.z' }, { url: sb.discoveryUrl })).status).toBe(200);
    // A client builds the endpoint from the answer and can call it.
    const built = `http://${a.body.result.api}/api/v1/json`;
    expect(built).toBe(sb.apiUrl);
    expect(await ok(sb, 'add', { num1: 2, num2: 3 })).toBe(5);
  });

  it('serves a service description for a GET without auth (2.2)', async () => {
    const res = await fetch(sb.apiUrl);
    expect(res.status).toBe(200);
    const smd = await res.json();
    expect(Object.keys(smd.services)).toEqual(expect.arrayContaining(['newContact', 'editLead', 'findLead_Outcomes', 'searchByEmail']));
  });
});

describe('envelope', () => {
  it('tolerates a missing jsonrpc member, other content types, query strings; echoes ids verbatim', async () => {
    const php = await rpc(sb, 'add', { num1: 1, num2: 1 }, { jsonrpc: false, id: 'a1b2c3d4' });
    expect(php.body).toEqual({ result: 2, error: null, id: 'a1b2c3d4', jsonrpc: '2.0' });
    const form = await rpc(sb, 'add', { num1: 1, num2: 2 }, { id: 42, url: `${sb.apiUrl}?output=json`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.body).toEqual({ result: 3, id: 42, jsonrpc: '2.0' });
    expect('error' in form.body).toBe(false);
    const noParams = await rpc(sb, 'findTags', undefined, { id: 'apeye' });
    expect(noParams.body.result.Contacts).toEqual(['Imported']);
  });

  it('answers malformed JSON, batches and positional params with JSON-RPC errors', async () => {
    const bad = await rpc(sb, 'x', undefined, { raw: '{nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: -32700, message: 'Parse error', data: null });
    const batch = await rpc(sb, 'x', undefined, { raw: JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'add', params: { num1: 1, num2: 1 } }]) });
    expect(batch.body.error.code).toBe(-32600);
    const positional = await rpc(sb, 'add', [1, 2]);
    expect(positional.body.error.code).toBe(-32602);
  });

  it('answers an unknown method with HTTP 404 and -32601 (5.1)', async () => {
    const a = await rpc(sb, 'findLeadOutcomes', {});
    expect(a.status).toBe(404);
    expect(a.body).toEqual({ error: { code: -32601, message: 'Method not found', data: null }, id: 'req-1', jsonrpc: '2.0' });
  });
});

describe('authentication (2.3, 2.4)', () => {
  it('answers missing or wrong credentials with 401 "API key not found"', async () => {
    for (const auth of [null, basic('admin@sandbox.example', 'wrong-key-123456789'), 'Bearer abc']) {
      const a = await rpc(sb, 'findUsers', {}, { auth });
      expect(a.status).toBe(401);
      expect(a.body.error).toEqual({ code: 401, message: 'API key not found', data: null });
    }
  });

  it('takes the company domain as username, and impersonation only with an impersonation key', async () => {
    expect((await rpc(sb, 'findUsers', {}, { auth: basic('sandbox.example', 'sbx-impersonation-key-000000000001') })).status).toBe(200);
    const ann = await rpc(sb, 'newAccount', { account: { name: 'By Ann' } }, { auth: basic('ann.lee@sandbox.example', 'sbx-impersonation-key-000000000001') });
    expect(ann.body.result.creator.name).toBe('Ann Lee');
    expect((await rpc(sb, 'getUser', {}, { auth: basic('bob@sandbox.example', 'sbx-plain-key-00000000000000000002') })).body.result.name).toBe('Bob Ray');
    expect((await rpc(sb, 'findUsers', {}, { auth: basic('ann.lee@sandbox.example', 'sbx-plain-key-00000000000000000002') })).status).toBe(401);
  });
});

describe('creates (4.2) and reads (4.3)', () => {
  it('newContact from the reference example renders multi-value fields with --primary and phones expanded', async () => {
    const acct = await ok(sb, 'newAccount', {
      account: { name: 'Arbor Medical LLC', url: ['http://example.com'], phone: ['734-234-9990'], address: { office: { address_1: '220 Depot St', city: 'Ann Arbor', state: 'MI', postalCode: '48104' } }, customFields: { Segment: 'Gold' } },
    });
    expect(acct).toMatchObject({ entityType: 'Accounts', rev: '1', name: 'Arbor Medical LLC', customFields: { Segment: 'Gold' } });
    expect(acct.address['--primary']).toEqual(acct.address.office);
    const c = await ok(sb, 'newContact', {
      contact: {
        name: { givenName: 'Joan', familyName: 'Smith', displayName: 'Joan Smith' },
        email: ['jsmith@example.com'],
        phone: { 0: '734-555-9090', cell: '734-555-6711' },
        address: [{ address_1: '220 Depot St', city: 'Ann Arbor', state: 'MI', postalCode: '48104', country: 'US' }],
        accounts: [{ id: acct.id, relationship: 'Purchasing Manager' }],
        owner: { entityType: 'Users', id: 2 },
        tags: ['imported'],
        customFields: { 'Lead Source (legacy)': 'Trade show' },
        description: 'Migrated from Leadtrekker',
      },
    });
    expect(c).toMatchObject({ entityType: 'Contacts', rev: '1', tags: ['Imported'], description: 'Migrated from Leadtrekker' });
    expect(typeof c.id).toBe('number');
    expect(c.email).toEqual({ 0: 'jsmith@example.com', '--primary': 'jsmith@example.com' });
    expect(c.phone.cell).toEqual({ countryCode: '1', number: '7345556711', extension: null, numberFormatted: '734-555-6711', E164: '+17345556711' });
    expect(c.phone['--primary'].E164).toBe('+17345559090');
    expect(c.accounts[0]).toMatchObject({ stub: true, id: acct.id, entityType: 'Accounts', relationship: 'Purchasing Manager' });
    expect(c.owner).toMatchObject({ entityType: 'Users', id: 2, name: 'Ann Lee' });
    expect(c.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(await ok(sb, 'getContact', { contactId: c.id })).toEqual({ ...c });
  });

  it('a phone written with an extension reads back split, and verify sees the same number (only the same one)', async () => {
    const sent = { name: 'Ext Person', phone: ['535-562-9238 ext 645'] };
    const c = await ok(sb, 'newContact', { contact: sent });
    expect(c.phone['0']).toMatchObject({ number: '5355629238', extension: '645', E164: '+15355629238' });
    expect(isSameNutshellRecord('Contacts', sent, c)).toBe(true);
    expect(isSameNutshellRecord('Contacts', { ...sent, phone: ['535-562-9238 ext 646'] }, c)).toBe(false);
    expect(isSameNutshellRecord('Contacts', { ...sent, phone: ['535-562-9239 ext 645'] }, c)).toBe(false);
  });

  it('rejects an empty contact, unknown tags, unknown custom fields and missing references', async () => {
    for (const [contact, msg] of [
      [{}, /at least one of name, phone or email/],
      [{ name: 'X', tags: ['Nope'] }, /Invalid tag: Nope/],
      [{ name: 'X', customFields: { Shoe: '9' } }, /Field Shoe is not a custom field/],
      [{ name: 'X', accounts: [{ id: 999999 }] }, /Accounts 999999 does not exist/],
      [{ name: 'X', favouriteColour: 'red' }, /Unknown field favouriteColour/],
    ] as const) {
      const a = await rpc(sb, 'newContact', { contact });
      expect(a.status).toBe(400);
      expect(a.body.error.message).toMatch(msg);
    }
    const miss = await rpc(sb, 'getContact', { contactId: 987654 });
    expect(miss.status).toBe(404);
    expect(miss.body.error.code).toBe(404);
  });

  it('newLead names the lead "Lead–<number>" with an en dash and appends the note', async () => {
    const lead = await ok(sb, 'newLead', {
      lead: { description: 'Website estimate: roof repair', sources: [{ id: 1 }], assignee: { entityType: 'Users', id: 2 }, confidence: 70, priority: 0, milestoneId: 1, tags: ['Project Estimator'], note: 'Created by migration' },
    });
    expect(lead.name).toBe(`Lead\u2013${lead.number}`);
    expect(lead).toMatchObject({ status: 0, confidence: 70, milestone: { name: 'Qualify' }, sources: [{ id: 1, name: 'Web' }] });
    const stub = (await ok(sb, 'findLeads', { query: { number: lead.number } }))[0];
    expect(stub).toMatchObject({ stub: true, id: lead.id, entityType: 'Leads', rev: '1', name: lead.name, status: 0 });
    const notes = await db.pool.query(`select data from sandbox_nutshell.entities where entity_type = 'Notes' and data->'parent'->>'id' = $1`, [String(lead.id)]);
    expect(notes.rows.map((r) => r.data.note)).toEqual(['Created by migration']);
    const long = await rpc(sb, 'newLead', { lead: { description: 'x'.repeat(101) } });
    expect(long.body.error.message).toMatch(/longer than 100/);
  });

  it('newNote, newActivity and newTask attach to records', async () => {
    const c = await ok(sb, 'newContact', { contact: { name: 'Andy Fowler' } });
    const note = await ok(sb, 'newNote', { entity: { entityType: 'Contacts', id: c.id }, note: 'Legacy note text' });
    expect(note).toMatchObject({ entityType: 'Notes', note: 'Legacy note text', parent: { id: c.id, entityType: 'Contacts' } });
    const act = await ok(sb, 'newActivity', {
      activity: { name: 'Call with Andy Fowler', activityTypeId: 1, startTime: '2023-05-02T15:00:00+0000', endTime: '2023-05-02T15:12:00Z', status: 1, participants: [{ entityType: 'Contacts', id: c.id }, { entityType: 'Users', id: 1 }] },
    });
    expect(act).toMatchObject({ status: 1, endTime: '2023-05-02T15:12:00+0000', activityType: { name: 'Phone Call / Meeting' } });
    expect(act.participants.map((p: any) => p.entityType)).toEqual(['Contacts', 'Users']);
    const task = await ok(sb, 'newTask', { task: { title: 'Follow up', dueTime: '2024-02-01T14:00:00+0000', assignee: { entityType: 'Users', id: 1 }, entity: { entityType: 'Contacts', id: c.id } } });
    expect(task).toMatchObject({ entityType: 'Tasks', title: 'Follow up', entity: { id: c.id } });
    expect((await ok(sb, 'findActivities', { query: { contactId: c.id } })).map((a: any) => a.id)).toEqual([act.id]);
  });
});

describe('revs on edit and delete (4.4, 4.5)', () => {
  it('answers a stale rev with HTTP 409 "rev key is out-of-date"; replaces multi-value lists; REV_IGNORE skips the check', async () => {
    const c = await ok(sb, 'newContact', { contact: { name: 'Rev Test', email: ['a@rev.example', 'b@rev.example'] } });
    const edited = await ok(sb, 'editContact', { contactId: c.id, rev: c.rev, contact: { email: ['c@rev.example'] } });
    expect(edited.rev).toBe('2');
    expect(edited.email).toEqual({ 0: 'c@rev.example', '--primary': 'c@rev.example' });
    expect(edited.name.displayName).toBe('Rev Test');
    const stale = await rpc(sb, 'editContact', { contactId: c.id, rev: c.rev, contact: { description: 'again' } }, { id: 'e2' });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({ error: { code: 409, message: 'rev key is out-of-date', data: null }, id: 'e2', jsonrpc: '2.0' });
    expect((await rpc(sb, 'editContact', { contactId: c.id, contact: { description: 'no rev' } })).body.error.code).toBe(-32602);
    expect((await ok(sb, 'editContact', { contactId: c.id, rev: 'REV_IGNORE', contact: { description: 'forced' } })).rev).toBe('3');

    expect((await rpc(sb, 'deleteContact', { contactId: c.id, rev: '1' })).status).toBe(409);
    expect(await ok(sb, 'deleteContact', { contactId: c.id, rev: '3' })).toBe(true);
    expect((await ok(sb, 'searchByEmail', { emailAddressString: 'c@rev.example' })).contacts).toEqual([]);
    const gone = await ok(sb, 'getContact', { contactId: c.id });
    expect(gone.deletedTime).toMatch(/\+0000$/);
    expect((await rpc(sb, 'editContact', { contactId: c.id, rev: 'REV_IGNORE', contact: { description: 'x' } })).status).toBe(404);
  });
});

describe('find* paging and search helpers (4.6, 4.7)', () => {
  it('pages 1-based with default limit 50, stubs unless stubResponses:false, full pages capped at 100', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await ok(sb, 'newAccount', { account: { name: `Paging ${String(i).padStart(2, '0')}`, tags: [] } })).id);
    const all = (await ok(sb, 'findAccounts', { query: {}, orderBy: 'id' })).map((a: any) => a.id);
    expect(all.length).toBeLessThanOrEqual(50);
    const pages = [];
    for (let page = 1; page <= 50; page++) {
      const rows = await ok(sb, 'findAccounts', { orderBy: 'id', limit: 3, page });
      pages.push(rows);
      if (rows.length < 3) break;
    }
    expect(pages.flat().map((a: any) => a.id)).toEqual(all);
    expect(pages.flat().every((a: any) => a.stub === true)).toBe(true);
    expect(all.slice(-7)).toEqual(ids);
    const full = await ok(sb, 'findAccounts', { orderBy: 'id', orderDirection: 'DESC', limit: 2, stubResponses: false });
    expect(full.map((a: any) => a.id)).toEqual([ids[6], ids[5]]);
    expect(full[0].stub).toBeUndefined();
    expect((await rpc(sb, 'findAccounts', { limit: 101, stubResponses: false })).body.error.code).toBe(-32602);
    expect((await rpc(sb, 'findAccounts', { page: 0 })).body.error.code).toBe(-32602);
    expect((await rpc(sb, 'findAccounts', { query: { colour: 'red' } })).body.error.message).toMatch(/unknown query key colour/);
    const byName = (await ok(sb, 'findAccounts', {})).map((a: any) => a.name);
    expect(byName).toEqual([...byName].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  it('searchByEmail matches exactly and case-insensitively on people and companies', async () => {
    const c = await ok(sb, 'newContact', { contact: { name: 'Mail Match', email: { work: 'Mixed.Case@Example.com' } } });
    const r = await ok(sb, 'searchByEmail', { emailAddressString: 'mixed.case@example.COM' });
    expect(r.contacts.map((x: any) => x.id)).toEqual([c.id]);
    expect(r.contacts[0].stub).toBe(true);
    expect((await ok(sb, 'searchByEmail', { emailAddressString: 'hello@seeded.example' })).accounts.map((a: any) => a.name)).toEqual(['Seeded Co']);
    expect((await ok(sb, 'searchByEmail', { emailAddressString: 'mixed.case@example' })).contacts).toEqual([]);
    expect((await ok(sb, 'searchContacts', { string: 'mail mat' })).map((x: any) => x.id)).toEqual([c.id]);
  });

  it('newSource is get-or-create; newTag refuses duplicates; metadata finders answer', async () => {
    const a = await ok(sb, 'newSource', { name: 'Trade show' });
    expect((await ok(sb, 'newSource', { name: 'trade SHOW' })).id).toBe(a.id);
    expect(await ok(sb, 'newTag', { tag: { name: 'VIP', entityType: 'Contacts' } })).toEqual({ name: 'VIP', entityType: 'Contacts' });
    expect((await rpc(sb, 'newTag', { tag: { name: 'vip', entityType: 'Contacts' } })).body.error.message).toMatch(/already exists/);
    expect((await ok(sb, 'findLead_Outcomes', {})).map((o: any) => [o.description, o.type])).toEqual([['Cancelled', 12], ['Lost', 11], ['Won', 10]]);
    expect((await ok(sb, 'findActivityTypes', { orderBy: 'id' })).map((t: any) => t.name)).toEqual(['Phone Call / Meeting', 'Meeting', 'Email/Log']);
    expect((await ok(sb, 'findUsers', {})).map((u: any) => u.emails[0])).toEqual(['admin@sandbox.example', 'ann.lee@sandbox.example', 'bob@sandbox.example']);
  });

  it('manages users and teams with revs; only administrators manage users', async () => {
    const u = await ok(sb, 'newUser', { user: { firstName: 'Cy', lastName: 'New', emails: ['Cy@sandbox.example'], isEnabled: true, isAdministrator: false } });
    expect(u).toMatchObject({ entityType: 'Users', name: 'Cy New', emails: ['cy@sandbox.example'], rev: '1' });
    expect((await rpc(sb, 'newUser', { user: { firstName: 'Cy', emails: ['cy@sandbox.example'] } })).body.error.message).toMatch(/already exists/);
    const off = await ok(sb, 'editUser', { userId: u.id, rev: '1', user: { isEnabled: false } });
    expect([off.isEnabled, off.rev]).toEqual([false, '2']);
    expect((await rpc(sb, 'editUser', { userId: u.id, rev: '1', user: { lastName: 'Old' } })).status).toBe(409);
    const plain = basic('bob@sandbox.example', 'sbx-plain-key-00000000000000000002');
    const denied = await rpc(sb, 'newUser', { user: { firstName: 'No', emails: ['no@sandbox.example'] } }, { auth: plain });
    expect([denied.status, denied.body.error.code]).toEqual([403, 403]);
    expect(await ok(sb, 'deleteUser', { userId: u.id, rev: '2' })).toBe(true);
    const team = await ok(sb, 'newTeam', { team: { name: 'Support' } });
    const renamed = await ok(sb, 'editTeam', { teamId: team.id, rev: team.rev, team: { name: 'Customer Support' } });
    expect(renamed).toMatchObject({ name: 'Customer Support', rev: '2' });
    expect(await ok(sb, 'deleteTeam', { teamId: team.id, rev: '2' })).toBe(true);
    expect((await ok(sb, 'findTeams', {})).map((t: any) => t.name)).toEqual(['Sales']);
  });

  it('honours If-None-Match on reads with 304', async () => {
    const first = await rpc(sb, 'findTeams', {});
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await fetch(sb.apiUrl, { method: 'POST', headers: { authorization: basic(sb.credentials.username, sb.credentials.apiKey), 'if-none-match': etag }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'findTeams', params: {} }) });
    expect(again.status).toBe(304);
  });
});

describe('REST custom fields share state with JSON-RPC (3.11)', () => {
  const rest = (path: string, body?: unknown, auth = basic(sb.credentials.username, sb.credentials.apiKey)) =>
    fetch(`${sb.url}/rest${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('creates a field over REST that JSON-RPC then lists and accepts', async () => {
    const res = await rest('/leads/customfield', { name: 'Budget', type: 'Currency' });
    expect(res.status).toBe(201);
    expect((await res.json()).customFields[0]).toMatchObject({ name: 'Budget', type: 'Currency' });
    expect((await ok(sb, 'findCustomFields')).Leads.map((f: any) => f.name)).toEqual(['Budget']);
    const lead = await ok(sb, 'newLead', { lead: { description: 'with budget', customFields: { Budget: { currency: 'USD', amount: '500' } } } });
    expect(lead.customFields).toEqual({ Budget: { currency: 'USD', amount: '500' } });
    expect((await rest('/leads/customfield', { name: 'Budget', type: 'Currency' })).status).toBe(400);
    expect((await rest('/accounts/customfield', { name: 'Tier', type: 'text' })).status).toBe(400);
    expect((await rest('/accounts/customfield', { name: 'Tier', type: 'Decision' })).status).toBe(400);
    const unauth = await rest('/contacts/customfield', { name: 'X', type: 'Text' }, basic('admin@sandbox.example', 'nope-nope-nope'));
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('content-type')).toMatch(/text\/html/);
    expect((await (await rest('/leads/customfields/attributes')).json()).customFields.map((f: any) => f.name)).toEqual(['Budget']);
  });
});

describe('state, log and snapshots', () => {
  it('persists across restarts without re-seeding; logs every call', async () => {
    const c = await ok(sb, 'newContact', { contact: { name: 'Persistent Pat' } });
    const users = (await ok(sb, 'findUsers', {})).length;
    const sb2 = await startNutshellSandbox({ databaseUrl: db.url, seed: { users: [{ email: 'late@sandbox.example', name: 'Late' }] } });
    try {
      const a = await rpc(sb2, 'getContact', { contactId: c.id }, { auth: basic('admin@sandbox.example', 'sbx-impersonation-key-000000000001') });
      expect(a.body.result.name.displayName).toBe('Persistent Pat');
      expect((await rpc(sb2, 'findUsers', {}, { auth: basic('admin@sandbox.example', 'sbx-impersonation-key-000000000001') })).body.result.length).toBe(users);
    } finally {
      await sb2.close();
    }
    const log = await db.pool.query(`select rpc_method, status, error_code from sandbox_nutshell.request_log where rpc_method in ('newContact', 'findLeadOutcomes') order by id`);
    expect(log.rows).toEqual(expect.arrayContaining([{ rpc_method: 'newContact', status: 200, error_code: null }, { rpc_method: 'findLeadOutcomes', status: 404, error_code: -32601 }]));
  });

  it('snapshots compare equal after a create is rolled back, and list differences otherwise', async () => {
    const before = await snapshotNutshellOrg(db.pool);
    const c = await ok(sb, 'newContact', { contact: { name: 'Rollback Rita' } });
    const mid = await snapshotNutshellOrg(db.pool);
    expect(diffNutshellSnapshots(before, mid)).toEqual([`+ Contacts:${c.id}`]);
    await ok(sb, 'deleteContact', { contactId: c.id, rev: c.rev });
    expect(diffNutshellSnapshots(before, await snapshotNutshellOrg(db.pool))).toEqual([]);
  });
});
