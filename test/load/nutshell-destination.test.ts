/**
 * The Nutshell destination adapter against the sandbox over HTTP: the view-column convention,
 * per-record outcomes, rev-guarded updates and deletes, users, custom fields over REST, and no
 * duplicate after a write whose answer was lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startNutshellSandbox, type NutshellSandbox } from '../../connectors/destinations/nutshell/sandbox/server.ts';
import { NutshellClient } from '../../connectors/destinations/nutshell/client.ts';
import { createNutshellAdapter, nutshellDestination } from '../../connectors/destinations/nutshell/index.ts';
import type { Destination } from '../../engine/destination.ts';

let db: TestDb;
let sb: NutshellSandbox;
let dest: Destination;
let client: NutshellClient;

const seed = {
  users: [{ email: 'rep@acme.example', name: 'Rita Rep' }],
  customFields: [{ entityType: 'Contacts' as const, name: 'Legacy Id', type: 'Text' }],
};
const count = async (type: string, where = 'true', args: unknown[] = []) =>
  (await db.pool.query(`select count(*)::int as n from sandbox_nutshell.entities where entity_type = $1 and deleted_time is null and ${where}`, [type, ...args])).rows[0].n as number;

beforeAll(async () => {
  db = await createTestDb();
  sb = await startNutshellSandbox({ databaseUrl: db.url, seed });
  client = new NutshellClient({ ...sb.credentials, discoveryUrl: sb.discoveryUrl, baseDelayMs: 1 });
  dest = createNutshellAdapter(client, sb.apiUrl, true, async () => {});
});
afterAll(async () => {
  await sb?.close();
  await db?.drop();
});

describe('nutshell destination', () => {
  it('connects to the in-process sandbox through discovery when no credentials are set, and lists users', async () => {
    const d = await nutshellDestination({ sandboxSeed: seed }).connect({ databaseUrl: db.url, env: {}, log: () => {} });
    try {
      expect(d.isSandbox).toBe(true);
      expect(d.target).toMatch(/^sandbox Nutshell at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/json$/);
      const users = await d.listUsers();
      expect(users.map((u) => [u.email, u.name, u.active])).toEqual([['admin@sandbox.example', 'Sandbox Admin', true], ['rep@acme.example', 'Rita Rep', true]]);
    } finally {
      await d.close();
    }
    await expect(nutshellDestination().connect({ databaseUrl: db.url, env: { NUTSHELL_USERNAME: 'x@y.z' }, log: () => {} })).rejects.toThrow(/NUTSHELL_API_KEY/);
  });

  it('shapes view rows into entities and inserts them with per-record outcomes in order', async () => {
    const rep = (await dest.listUsers()).find((u) => u.email === 'rep@acme.example')!.id;
    const [acct] = await dest.insert('Accounts', [dest.shape('Accounts', { name: 'Acme Roofing', phone: '734-234-9990', url: 'http://acme.example', tags: 'Imported, Roofing', address: { address_1: '1 Main St', city: 'Ann Arbor' } }, {}, rep)]);
    expect(acct).toMatchObject({ ok: true, code: 'SUCCESS' });
    const people = await dest.insert('Contacts', [
      dest.shape('Contacts', { first_name: 'Joan', last_name: 'Smith', email: 'joan@acme.example', phone: '734-555-9090', relationship: 'Buyer', 'cf:Legacy Id': 'LT-1', tags: ['Imported'] }, { accounts: { id: acct!.id!, module: 'Accounts' } }, rep),
      dest.shape('Contacts', { description: 'nothing to identify me' }, {}),
      dest.shape('Contacts', { name: 'Sam Other', customFields: { 'Legacy Id': 'LT-3' } }, {}),
    ]);
    expect(people.map((o) => [o.ok, o.code])).toEqual([[true, 'SUCCESS'], [false, 'INVALID_DATA'], [true, 'SUCCESS']]);
    expect(people[1]!.message).toMatch(/at least one of name, phone or email/);
    const joan = (await dest.get('Contacts', people[0]!.id!))!;
    expect(joan).toMatchObject({
      name: { givenName: 'Joan', familyName: 'Smith', displayName: 'Joan Smith' },
      owner: { id: Number(rep), entityType: 'Users' },
      accounts: [{ id: Number(acct!.id), relationship: 'Buyer' }],
      tags: ['Imported'],
      customFields: { 'Legacy Id': 'LT-1' },
    });
    const acme = (await dest.get('Accounts', acct!.id!))!;
    expect(acme).toMatchObject({ name: 'Acme Roofing', tags: ['Imported', 'Roofing'], owner: { id: Number(rep) } });
    expect((acme.address as any)['--primary']).toMatchObject({ city: 'Ann Arbor' });

    const [lead] = await dest.insert('Leads', [
      dest.shape('Leads', { description: 'Roof repair', sources: 'Trade show; Web', milestone: 'Present', confidence: 40, note: 'migrated' }, { primaryAccount: { id: acct!.id!, module: 'Accounts' }, contacts: { id: people[0]!.id!, module: 'Contacts' } }, rep),
    ]);
    const l = (await dest.get('Leads', lead!.id!))!;
    expect(l).toMatchObject({ description: 'Roof repair', milestone: { name: 'Present' }, assignee: { id: Number(rep) }, primaryAccount: { id: Number(acct!.id) }, contacts: [{ id: Number(people[0]!.id) }] });
    expect((l.sources as any[]).map((s) => s.name)).toEqual(['Trade show', 'Web']);

    const [act, note, task] = [
      ...(await dest.insert('Activities', [dest.shape('Activities', { name: 'Call', activity_type: 'email/log', startTime: '2023-05-02T15:00:00.000Z', status: 1 }, { participants_contact: { id: people[0]!.id!, module: 'Contacts' }, leads: { id: lead!.id!, module: 'Leads' } }, rep)])),
      ...(await dest.insert('Notes', [dest.shape('Notes', { note: 'Old note' }, { entity: { id: lead!.id!, module: 'Leads' } })])),
      ...(await dest.insert('Tasks', [dest.shape('Tasks', { title: 'Call back', dueTime: '2024-02-01T14:00:00Z' }, { entity: { id: people[0]!.id!, module: 'Contacts' } }, rep)])),
    ];
    expect([act, note, task].map((o) => o!.ok)).toEqual([true, true, true]);
    expect((await dest.get('Activities', act!.id!))!).toMatchObject({ activityType: { name: 'Email/Log' }, status: 1, participants: [{ entityType: 'Contacts' }, { entityType: 'Users', id: Number(rep) }] });
    expect((await dest.get('Notes', note!.id!))!).toMatchObject({ note: 'Old note', parent: { entityType: 'Leads', id: Number(lead!.id) } });
    expect((await dest.get('Tasks', task!.id!))!).toMatchObject({ title: 'Call back', assignee: { id: Number(rep) } });

    const [badType] = await dest.insert('Activities', [dest.shape('Activities', { name: 'X', activity_type: 'Smoke signal', startTime: '2023-05-02T15:00:00Z' }, {})]);
    expect(badType).toMatchObject({ ok: false, code: 'INVALID_DATA' });
    expect(badType!.message).toMatch(/Activity type "Smoke signal" does not exist/);
  });

  it('updates with the current rev (also after someone else moved it) and deletes with rev', async () => {
    const [c] = await dest.insert('Contacts', [dest.shape('Contacts', { name: 'Upd Ate', email: 'upd@acme.example' }, {})]);
    const id = Number(c!.id);
    // Another writer edits in between: the client's cached rev is stale, it re-reads and retries once.
    const stale = (await client.get('Contacts', id))!.rev;
    await client.edit('Contacts', id, { description: 'other writer' });
    const edited = await client.edit('Contacts', id, { description: 'ours' }, stale);
    expect(edited.rev).toBe('3');
    const [u] = await dest.update('Contacts', [{ id: c!.id!, fields: dest.shape('Contacts', { phone: '+44 20 7946 0958' }, {}) }]);
    expect(u).toMatchObject({ ok: true, id: c!.id });
    const after = (await dest.get('Contacts', c!.id!))!;
    expect(after).toMatchObject({ rev: '4', description: 'ours', phone: { 0: { E164: '+442079460958' } } });
    expect(await dest.update('Contacts', [{ id: '999999', fields: { description: 'x' } }])).toEqual([{ ok: false, code: 'NOT_FOUND', message: 'Contacts 999999 does not exist' }]);

    expect(await dest.delete('Contacts', [c!.id!, c!.id!, '999999'])).toEqual([
      { ok: true, id: c!.id, code: 'SUCCESS' },
      { ok: true, id: c!.id, code: 'ALREADY_DELETED' },
      expect.objectContaining({ ok: false, code: 'NOT_FOUND' }),
    ]);
    expect(await dest.get('Contacts', c!.id!)).toBeNull();
  });

  it('reuses a contact found by e-mail instead of creating a duplicate, also after a lost answer', async () => {
    sb.setFaults({ seed: 1, dropAfterWrite: 1 });
    const [first] = await dest.insert('Contacts', [dest.shape('Contacts', { name: 'Lost Answer', email: 'Lost@acme.example' }, {})]);
    sb.setFaults(undefined);
    expect(first).toMatchObject({ ok: true, code: 'SUCCESS', message: 'found after a lost answer' });
    // A re-run whose id_map never got the id: the e-mail finds the same person.
    const [again] = await dest.insert('Contacts', [dest.shape('Contacts', { name: 'Lost Answer', email: 'lost@ACME.example' }, {})]);
    expect(again).toMatchObject({ ok: true, id: first!.id, code: 'MATCHED_BY_EMAIL' });
    expect(await count('Contacts', `data->'email'->>'0' ilike $2`, ['lost@acme.example'])).toBe(1);

    sb.setFaults({ seed: 1, dropAfterWrite: 1 });
    const [lead] = await dest.insert('Leads', [dest.shape('Leads', { description: 'Only once' }, {})]);
    sb.setFaults(undefined);
    expect(lead).toMatchObject({ ok: true, message: 'found after a lost answer' });
    expect(await count('Leads', `data->>'description' = $2`, ['Only once'])).toBe(1);
  });

  it('finds a note whose answer was lost among the notes its parent lists instead of writing it twice', async () => {
    const [acct] = await dest.insert('Accounts', [dest.shape('Accounts', { name: 'Note Parent' }, {})]);
    const entity = { entity: { id: acct!.id!, module: 'Accounts' } };
    // the same text already on the parent, written by this load: not the one that landed
    const [earlier] = await dest.insert('Notes', [dest.shape('Notes', { note: 'Said once' }, entity)]);
    sb.setFaults({ seed: 1, dropAfterWrite: 1 });
    const [n] = await dest.insert('Notes', [dest.shape('Notes', { note: 'Said once' }, entity)]);
    sb.setFaults(undefined);
    expect(n).toMatchObject({ ok: true, code: 'SUCCESS', message: 'found after a lost answer' });
    expect(n!.id).not.toBe(earlier!.id);
    const notes = await count('Notes', `data->>'note' = $2`, ['Said once']);
    expect(notes).toBe(2);
    expect(((await dest.get('Accounts', acct!.id!)) as { notes?: { id: number }[] }).notes?.map((x) => String(x.id)).sort()).toEqual([earlier!.id, n!.id].sort());
  });

  it('retries throttled calls, and reports (never throws) a record whose connection keeps dropping', async () => {
    sb.setFaults({ seed: 5, rate429: 0.5 });
    const many = await dest.insert('Accounts', Array.from({ length: 6 }, (_, i) => dest.shape('Accounts', { name: `Throttled ${i}` }, {})));
    expect(many.every((o) => o.ok)).toBe(true);
    expect(dest.stats!().retries).toBeGreaterThan(0);
    sb.setFaults({ seed: 1, dropBeforeWrite: 1 });
    const [dropped] = await dest.insert('Accounts', [dest.shape('Accounts', { name: 'Never lands' }, {})]);
    sb.setFaults(undefined);
    expect(dropped).toMatchObject({ ok: false, code: 'CONNECTION_LOST', retryable: true });
    expect(await count('Accounts', `data->>'name' = $2`, ['Never lands'])).toBe(0);
  });

  it('creates custom fields over REST and lists them for setup', async () => {
    const out = await dest.schema!.createFields('Leads', [
      { apiName: 'cf:Budget', label: 'Budget', type: 'currency' },
      { apiName: 'cf:Segment', label: 'Segment', type: 'picklist', picklistValues: ['Gold', 'Silver'] },
      { apiName: 'cf:Budget', label: 'Budget', type: 'currency' },
      { apiName: 'cf:Parent', label: 'Parent', type: 'lookup' },
    ]);
    expect(out.map((o) => o.code)).toEqual(['SUCCESS', 'SUCCESS', 'ALREADY_EXISTS', 'NOT_SUPPORTED']);
    expect((await dest.schema!.listFields('Leads')).map((f) => [f.apiName, f.type, f.picklistValues])).toEqual([
      ['cf:Budget', 'Currency', undefined],
      ['cf:Segment', 'Decision', ['Gold', 'Silver']],
    ]);
    const [lead] = await dest.insert('Leads', [dest.shape('Leads', { description: 'Gold lead', 'cf:Segment': 'Gold', 'cf:Budget': 1200 }, {})]);
    expect((await dest.get('Leads', lead!.id!))!.customFields).toEqual({ Segment: 'Gold', Budget: { currency: 'USD', amount: '1200' } });
  });
});
