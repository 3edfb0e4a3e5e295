/**
 * The JSON-RPC methods the emulator answers (reference section 4.1), by name. Each takes the
 * named params object and returns the `result` value or throws an RpcError.
 */
import type pg from 'pg';
import { invalid, invalidParams, RpcError } from './errors.ts';
import { insertPlain, userData } from './schema.ts';
import { fmtDate, type Shaper } from './shape.ts';
import type { EntityRow, Store } from './store.ts';
import { nextNumber } from './schema.ts';

export interface MethodContext {
  pool: pg.Pool;
  store: Store;
  shaper: Shaper;
  /** The user the call is attributed to (the key's user, or the impersonated one). */
  actingUserId: number;
  /** Host:port answered by getApiForUsername. */
  apiHost: string;
  /** Most full (non-stub) records one find* page returns. */
  maxFullLimit: number;
}

type Params = Record<string, any>;
type Method = (ctx: MethodContext, p: Params) => Promise<unknown>;

/** Writes: the methods fault injection may drop a connection after (their effect happened). */
export const WRITE_METHOD = /^(new|edit|delete)/;

const req = (p: Params, name: string) => {
  if (p[name] === undefined) throw invalidParams(`missing parameter ${name}`);
  return p[name];
};

/** Entity groups with the standard new/get/edit/delete/find quintet. */
const CRUD: { type: string; noun: string; plural: string; defaultOrder: string }[] = [
  { type: 'Contacts', noun: 'Contact', plural: 'Contacts', defaultOrder: 'id' },
  { type: 'Accounts', noun: 'Account', plural: 'Accounts', defaultOrder: 'name' },
  { type: 'Leads', noun: 'Lead', plural: 'Leads', defaultOrder: 'id' },
  { type: 'Activities', noun: 'Activity', plural: 'Activities', defaultOrder: 'id' },
  { type: 'Tasks', noun: 'Task', plural: 'Tasks', defaultOrder: 'id' },
];

/** find* query keys per entity type -> how a stored row matches one value. */
const refHas = (list: any, type: string, id: unknown) => (list ?? []).some((r: any) => r.entityType === type && r.id === Number(id));
const QUERY_KEYS: Record<string, Record<string, (d: Params, v: any) => boolean>> = {
  Contacts: {
    accountId: (d, v) => refHas(d.accounts, 'Accounts', v),
    leadId: (d, v) => refHas(d.leads, 'Leads', v),
    tag: (d, v) => (d.tags ?? []).some((t: string) => t.toLowerCase() === String(v).toLowerCase()),
    territory: (d, v) => d.territoryId === Number(v),
  },
  Accounts: {
    industry: (d, v) => d.industryId === Number(v),
    accountType: (d, v) => d.accountTypeId === Number(v),
    territory: (d, v) => d.territoryId === Number(v),
    tag: (d, v) => (d.tags ?? []).some((t: string) => t.toLowerCase() === String(v).toLowerCase()),
  },
  Leads: {
    status: (d, v) => d.status === Number(v),
    accountId: (d, v) => refHas(d.accounts, 'Accounts', v) || d.primaryAccount?.id === Number(v),
    contactId: (d, v) => refHas(d.contacts, 'Contacts', v),
    milestoneId: (d, v) => d.milestoneId === Number(v),
    stagesetId: (d, v) => d.stagesetId === Number(v),
    outcomeId: (d, v) => d.outcomeId === Number(v),
    number: (d, v) => d.number === Number(v),
    priority: (d, v) => d.priority === Number(v),
    source: (d, v) => refHas(d.sources, 'Sources', typeof v === 'object' ? v.id : v),
    tag: (d, v) => (d.tags ?? []).some((t: string) => t.toLowerCase() === String(v).toLowerCase()),
    assignee: (d, v) => d.assignee?.id === Number(v?.id) && d.assignee?.entityType === (v?.entityType ?? 'Users'),
  },
  Activities: {
    leadId: (d, v) => refHas(d.leads, 'Leads', v),
    contactId: (d, v) => refHas(d.participants, 'Contacts', v),
    accountId: (d, v) => refHas(d.participants, 'Accounts', v),
    userId: (d, v) => refHas(d.participants, 'Users', v),
    status: (d, v) => d.status === Number(v),
    activityTypeId: (d, v) => d.activityTypeId === Number(v),
    isFlagged: (d, v) => d.isFlagged === Boolean(v),
  },
  Tasks: {
    entity: (d, v) => d.entity?.entityType === v?.entityType && d.entity?.id === Number(v?.id),
    assignee: (d, v) => d.assignee?.entityType === (v?.entityType ?? 'Users') && d.assignee?.id === Number(v?.id),
  },
};

function sortValue(r: EntityRow, orderBy: string): string | number {
  if (orderBy === 'id') return r.id;
  const v = orderBy === 'name' && r.entityType === 'Contacts' ? r.data.name?.displayName : orderBy === 'last_name' ? r.data.lastName : r.data[orderBy];
  return typeof v === 'number' ? v : String(v ?? '').toLowerCase();
}

/** Shared find*: ANDed query keys (a list value ORs), order, 1-based page, stubs by default. */
async function find(ctx: MethodContext, type: string, p: Params, defaultOrder: string, query = true): Promise<unknown[]> {
  const limit = p.limit === undefined ? 50 : Number(p.limit);
  const page = p.page === undefined ? 1 : Number(p.page);
  const stubs = p.stubResponses === undefined ? true : Boolean(p.stubResponses);
  if (!Number.isInteger(limit) || limit < 1) throw invalidParams('limit must be a positive integer');
  if (!Number.isInteger(page) || page < 1) throw invalidParams('page is 1-based');
  if (!stubs && limit > ctx.maxFullLimit) throw invalidParams(`limit may not exceed ${ctx.maxFullLimit} when stubResponses is false`);
  const dir = String(p.orderDirection ?? 'ASC').toUpperCase();
  if (dir !== 'ASC' && dir !== 'DESC') throw invalidParams('orderDirection is ASC or DESC');
  let rows = await ctx.store.all(type);
  const q = (query ? p.query : undefined) ?? {};
  if (typeof q !== 'object' || Array.isArray(q)) throw invalidParams('query must be an object');
  const matchers = QUERY_KEYS[type] ?? {};
  for (const [k, v] of Object.entries(q as Params)) {
    const m = matchers[k];
    if (!m) throw invalidParams(`unknown query key ${k} for find${type}`);
    const values = Array.isArray(v) && k !== 'assignee' ? v : [v];
    rows = rows.filter((r) => values.some((x) => m(r.data, x)));
  }
  const orderBy = String(p.orderBy ?? defaultOrder);
  rows.sort((a, b) => {
    const x = sortValue(a, orderBy);
    const y = sortValue(b, orderBy);
    const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return dir === 'ASC' ? c : -c;
  });
  return ctx.shaper.render(rows.slice((page - 1) * limit, page * limit), !stubs);
}

async function create(ctx: MethodContext, type: string, input: unknown) {
  const { data, note } = await ctx.shaper.normalize(type, input);
  if (type === 'Leads') {
    // The lead's display name is generated from its number with an en dash (reference 2.5).
    data.number = await nextNumber(ctx.pool, 'LeadNumber', 1000);
    data.name = `Lead\u2013${data.number}`;
  }
  const row = await ctx.store.insert(type, data, ctx.actingUserId);
  if (note) await addNote(ctx, { entityType: type, id: row.id }, note);
  return (await ctx.shaper.render([row], true))[0];
}

async function addNote(ctx: MethodContext, parent: { entityType: string; id: number }, note: string) {
  return ctx.store.insert('Notes', { note, parent }, ctx.actingUserId);
}

async function edit(ctx: MethodContext, type: string, id: unknown, rev: unknown, input: unknown) {
  if (rev === undefined || rev === null || rev === '') throw invalidParams('rev is required');
  const current = await ctx.store.live(type, id);
  const { data, note } = await ctx.shaper.normalize(type, input, current.data);
  const row = await ctx.store.edit(type, id, String(rev), data);
  if (note) await addNote(ctx, { entityType: type, id: row.id }, note);
  return (await ctx.shaper.render([row], true))[0];
}

async function remove(ctx: MethodContext, type: string, id: unknown, rev: unknown) {
  if (rev === undefined || rev === null || rev === '') throw invalidParams('rev is required');
  await ctx.store.remove(type, id, String(rev));
  return true;
}

/** get*: the full entity; deleted ones still answer, with deletedTime set (README). */
async function getOne(ctx: MethodContext, type: string, id: unknown) {
  const n = Number(id);
  const row = Number.isInteger(n) ? await ctx.store.get(type, n) : null;
  if (!row) throw new RpcError(404, 404, `${type.replace(/s$/, '')} ${String(id)} not found`);
  return (await ctx.shaper.render([row], true))[0];
}

/** User management needs an administrator (reference 3.9: presumably; the sandbox insists). */
async function requireAdmin(c: MethodContext) {
  const me = await c.store.live('Users', c.actingUserId);
  if (!me.data.isAdministrator) throw new RpcError(403, 403, 'Only administrators can manage users');
}

const nameOf = (r: EntityRow) => String(r.entityType === 'Contacts' ? (r.data.name?.displayName ?? '') : (r.data.name ?? r.data.description ?? ''));

async function search(ctx: MethodContext, type: string, p: Params, defaultLimit: number) {
  const s = String(req(p, 'string')).toLowerCase();
  const limit = Number(p.limit ?? defaultLimit);
  const rows = (await ctx.store.all(type)).filter((r) => nameOf(r).toLowerCase().includes(s)).slice(0, limit);
  return ctx.shaper.render(rows, false);
}

export const METHODS: Record<string, Method> = {
  add: async (_c, p) => Number(req(p, 'num1')) + Number(req(p, 'num2')),
  getApiForUsername: async (c) => ({ iphone: c.apiHost, api: c.apiHost, login: c.apiHost }),
  instanceData: async () => ({ id: 1, name: 'Sandbox Nutshell', domain: 'sandbox.example' }),
  getUpdateTimes: async (c) => {
    const { rows } = await c.pool.query('select entity_type, max(modified_time) as t from sandbox_nutshell.entities group by entity_type');
    return Object.fromEntries(rows.map((r) => [r.entity_type, fmtDate(r.t)]));
  },

  newNote: async (c, p) => {
    const entity = req(p, 'entity');
    const raw = req(p, 'note');
    const text = typeof raw === 'object' && raw ? raw.note : raw;
    if (typeof text !== 'string' || !text.trim()) throw invalid('A note needs text');
    const parent = (await c.shaper.normalize('Tasks', { title: 'x', entity })).data.entity;
    if (!['Leads', 'Contacts', 'Accounts'].includes(parent.entityType)) throw invalid('Notes attach to Leads, Contacts or Accounts');
    const row = await addNote(c, { entityType: parent.entityType, id: parent.id }, text);
    return (await c.shaper.render([row], true))[0];
  },
  getNote: (c, p) => getOne(c, 'Notes', req(p, 'noteId')),
  editNote: async (c, p) => {
    const row = await c.store.live('Notes', req(p, 'noteId'));
    const rev = req(p, 'rev');
    // Only the author may edit, and only within 24 hours of writing it (reference 3.7).
    if (row.creatorId !== c.actingUserId) throw invalid('Only the author of a note can edit it');
    if (Date.now() - row.createdTime.getTime() > 24 * 3600_000) throw invalid('Notes can only be edited within 24 hours');
    const raw = req(p, 'note');
    const text = typeof raw === 'object' && raw ? raw.note : raw;
    if (typeof text !== 'string' || !text.trim()) throw invalid('A note needs text');
    const out = await c.store.edit('Notes', row.id, String(rev), { ...row.data, note: text });
    return (await c.shaper.render([out], true))[0];
  },
  deleteNote: (c, p) => remove(c, 'Notes', req(p, 'noteId'), p.rev),

  searchByEmail: async (c, p) => {
    const e = String(req(p, 'emailAddressString')).trim().toLowerCase();
    const hit = async (t: string) => c.shaper.render(await c.store.byEmail(t, e), false);
    return { contacts: await hit('Contacts'), accounts: await hit('Accounts') };
  },
  searchUniversal: async (c, p) => ({
    contacts: await search(c, 'Contacts', p, 10),
    accounts: await search(c, 'Accounts', p, 10),
    leads: await search(c, 'Leads', p, 10),
  }),
  searchContacts: (c, p) => search(c, 'Contacts', p, 10),
  searchAccounts: (c, p) => search(c, 'Accounts', p, 10),
  searchLeads: (c, p) => search(c, 'Leads', p, 40),
  searchSources: (c, p) => search(c, 'Sources', p, 10),

  findUsers: (c, p) => find(c, 'Users', p, 'last_name', false),
  getUser: async (c, p) => getOne(c, 'Users', p.userId ?? c.actingUserId),
  newUser: async (c, p) => {
    await requireAdmin(c);
    const u = req(p, 'user');
    const email = String(u.emails?.[0] ?? '').toLowerCase();
    if (!email.includes('@')) throw invalid('A user needs an e-mail address');
    if ((await c.store.all('Users', true)).some((r) => r.data.emails.includes(email))) throw invalid(`A user with e-mail ${email} already exists`);
    const id = await insertPlain(c.pool, 'Users', { ...userData({ email, name: `${u.firstName ?? ''} ${u.lastName ?? ''}`.trim(), isAdministrator: !!u.isAdministrator, isEnabled: u.isEnabled ?? true }), emails: (u.emails as string[]).map((e) => e.toLowerCase()) });
    return getOne(c, 'Users', id);
  },
  editUser: async (c, p) => {
    await requireAdmin(c);
    const row = await c.store.live('Users', req(p, 'userId'));
    const u = req(p, 'user');
    if (!u || typeof u !== 'object') throw invalid('Invalid user: expected an object');
    const allowed = ['firstName', 'lastName', 'emails', 'isEnabled', 'isAdministrator'];
    for (const k of Object.keys(u)) if (!allowed.includes(k)) throw invalid(`Unknown field ${k} for Users`);
    const d = { ...row.data, ...u };
    if (u.emails) d.emails = (u.emails as string[]).map((e) => String(e).toLowerCase());
    d.name = `${d.firstName ?? ''} ${d.lastName ?? ''}`.trim();
    if (p.rev === undefined || p.rev === null || p.rev === '') throw invalidParams('rev is required');
    return (await c.shaper.render([await c.store.edit('Users', row.id, String(p.rev), d)], true))[0];
  },
  deleteUser: async (c, p) => {
    await requireAdmin(c);
    if (Number(req(p, 'userId')) === c.actingUserId) throw invalid('You cannot delete yourself');
    return remove(c, 'Users', p.userId, p.rev);
  },
  findTeams: (c, p) => find(c, 'Teams', p, 'name', false),
  editTeam: async (c, p) => {
    const row = await c.store.live('Teams', req(p, 'teamId'));
    const name = String(req(p, 'team').name ?? '').trim();
    if (!name) throw invalid('A team needs a name');
    if (p.rev === undefined || p.rev === null || p.rev === '') throw invalidParams('rev is required');
    return (await c.shaper.render([await c.store.edit('Teams', row.id, String(p.rev), { ...row.data, name })], true))[0];
  },
  deleteTeam: (c, p) => remove(c, 'Teams', req(p, 'teamId'), p.rev),
  getTeam: (c, p) => getOne(c, 'Teams', req(p, 'teamId')),
  newTeam: async (c, p) => {
    const name = String(req(p, 'team').name ?? '').trim();
    if (!name) throw invalid('A team needs a name');
    return getOne(c, 'Teams', await insertPlain(c.pool, 'Teams', { name }));
  },

  // newSource is get-or-create by name (reference 3.10).
  newSource: async (c, p) => {
    const name = String(req(p, 'name')).trim();
    if (!name) throw invalid('A source needs a name');
    const existing = (await c.store.all('Sources')).find((r) => String(r.data.name).toLowerCase() === name.toLowerCase());
    const row = existing ?? (await c.store.insert('Sources', { name }, c.actingUserId));
    return (await c.shaper.render([row], false))[0];
  },
  findSources: (c, p) => find(c, 'Sources', p, 'name', false),
  findTags: async (c) => {
    const { rows } = await c.pool.query('select entity_type, name from sandbox_nutshell.tags order by entity_type, lower(name)');
    const out: Record<string, string[]> = { Contacts: [], Accounts: [], Leads: [] };
    for (const r of rows) (out[r.entity_type] ??= []).push(r.name);
    return out;
  },
  newTag: async (c, p) => {
    const t = req(p, 'tag');
    if (!t || typeof t.name !== 'string' || !t.name.trim()) throw invalid('A tag needs a name');
    if (!['Contacts', 'Accounts', 'Leads'].includes(t.entityType)) throw invalid('A tag entityType is Contacts, Accounts or Leads');
    const res = await c.pool.query('insert into sandbox_nutshell.tags (entity_type, name) values ($1,$2) on conflict do nothing', [t.entityType, t.name.trim()]);
    if (!res.rowCount) throw invalid(`Tag ${t.name.trim()} already exists`);
    return { name: t.name.trim(), entityType: t.entityType };
  },
  findCustomFields: async (c) => {
    const { rows } = await c.pool.query('select id, entity_type, name, type, choices, is_multiple from sandbox_nutshell.custom_fields order by id');
    const out: Record<string, unknown[]> = { Leads: [], Accounts: [], Contacts: [] };
    for (const r of rows) out[r.entity_type]!.push({ id: r.id, entityType: 'CustomFields', name: r.name, type: r.type, choices: r.choices ?? undefined, isMultiple: r.is_multiple });
    return out;
  },
  findActivityTypes: (c, p) => find(c, 'Activity_Types', p, 'name', false),
  findMilestones: (c, p) => find(c, 'Milestones', p, 'position', false),
  findStagesets: (c, p) => find(c, 'Stagesets', p, 'position', false),
  findLead_Outcomes: (c, p) => find(c, 'Lead_Outcomes', p, 'description', false),
};

for (const g of CRUD) {
  const key = g.noun.toLowerCase();
  const idParam = `${key}Id`;
  METHODS[`new${g.noun}`] = (c, p) => create(c, g.type, req(p, key));
  METHODS[`get${g.noun}`] = (c, p) => getOne(c, g.type, req(p, idParam));
  METHODS[`edit${g.noun}`] = (c, p) => edit(c, g.type, req(p, idParam), p.rev, req(p, key));
  METHODS[`delete${g.noun}`] = (c, p) => remove(c, g.type, req(p, idParam), p.rev);
  METHODS[`find${g.plural}`] = (c, p) => find(c, g.type, p, g.defaultOrder);
}
