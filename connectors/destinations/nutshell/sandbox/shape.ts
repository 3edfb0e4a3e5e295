/**
 * Entities in and out: what newX/editX accept (normalised into the stored form) and how get,
 * find and search render them (full or stub). Rules from the reference, sections 3 and 9.
 */
import type pg from 'pg';
import { invalid } from './errors.ts';
import type { EntityRow, Store } from './store.ts';

export interface ShapeOptions {
  /** Reject contacts that have an e-mail but no phone (nutshell-api-php#10). */
  strictPhone: boolean;
  /** Longest lead description accepted (one integrator reports 100). */
  leadDescriptionMax: number;
}

type Data = Record<string, any>;
type Ref = { entityType: string; id: number; relationship?: string };

const WRITABLE: Record<string, string[]> = {
  Contacts: ['name', 'description', 'email', 'phone', 'url', 'address', 'owner', 'territoryId', 'accounts', 'leads', 'tags', 'customFields', 'note'],
  Accounts: ['name', 'description', 'industryId', 'accountTypeId', 'territoryId', 'owner', 'url', 'phone', 'email', 'address', 'contacts', 'leads', 'tags', 'customFields', 'note'],
  Leads: ['description', 'primaryAccount', 'accounts', 'contacts', 'assignee', 'sources', 'tags', 'confidence', 'priority', 'isPending', 'dueTime', 'milestoneId', 'stagesetId', 'customFields', 'note', 'outcome', 'outcomeId', 'status', 'closedTime', 'products', 'competitors', 'market'],
  Activities: ['name', 'description', 'activityTypeId', 'startTime', 'endTime', 'isAllDay', 'isFlagged', 'isTimed', 'location', 'participants', 'leads', 'status', 'logNote', 'logDescription', 'followupTo'],
  Tasks: ['title', 'description', 'dueTime', 'assignee', 'entity'],
};
export const CUSTOM_FIELD_TYPES = ['Contacts', 'Accounts', 'Leads'];
const MULTI = ['email', 'phone', 'url', 'address'];

/** Nutshell's date rendering: RFC 3339 with an offset without colon (`2016-04-28T07:13:12+0000`). */
export const fmtDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+0000');

function parseDate(v: unknown, field: string): string {
  const d = typeof v === 'string' || typeof v === 'number' ? new Date(typeof v === 'string' ? v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : v * 1000) : null;
  if (!d || Number.isNaN(d.getTime())) throw invalid(`Invalid date for ${field}: ${JSON.stringify(v)}`);
  return fmtDate(d);
}

/** A multi-value input (list, label-keyed object, or one value) as the stored label-keyed object. */
function multiValue(v: unknown, field: string): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  const out: Record<string, unknown> = {};
  const put = (label: string, val: unknown) => {
    if (val === null || val === undefined || val === '') return;
    if (field === 'address' ? typeof val !== 'object' : typeof val !== 'string' && typeof val !== 'number') throw invalid(`Invalid ${field} value: ${JSON.stringify(val)}`);
    if (field === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(val))) throw invalid(`Invalid email address: ${String(val)}`);
    out[label] = typeof val === 'number' ? String(val) : val;
  };
  if (Array.isArray(v)) v.forEach((x, i) => put(String(i), x));
  else if (typeof v === 'object' && (field !== 'address' || !('address_1' in (v as object) || 'city' in (v as object)))) {
    for (const [k, x] of Object.entries(v as object)) if (k !== '--primary') put(k, x);
  } else put('0', v);
  return out;
}

export function renderPhone(raw: string) {
  const ext = /(?:x|ext\.?)\s*(\d+)\s*$/i.exec(raw);
  const digits = raw.replace(/(?:x|ext\.?)\s*\d+\s*$/i, '').replace(/\D/g, '');
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  const nanp = national.length === 10 && (digits.length === 10 || digits.startsWith('1'));
  return {
    countryCode: nanp ? '1' : null,
    number: national,
    extension: ext ? ext[1] : null,
    numberFormatted: nanp ? `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}` : raw,
    E164: nanp ? `+1${national}` : digits.length >= 8 ? `+${digits}` : null,
  };
}

export class Shaper {
  constructor(
    private readonly store: Store,
    private readonly pool: pg.Pool,
    private readonly opts: ShapeOptions,
  ) {}

  private async ref(v: unknown, types: string[], field: string, defaultType?: string): Promise<Ref> {
    if (!v || typeof v !== 'object') throw invalid(`Invalid ${field}: expected an object with id`);
    const o = v as Data;
    const entityType = (o.entityType as string | undefined) ?? defaultType ?? types[0]!;
    if (!types.includes(entityType)) throw invalid(`Invalid ${field}: entityType must be one of ${types.join(', ')}`);
    const id = Number(o.id);
    const row = Number.isInteger(id) ? await this.store.get(entityType, id) : null;
    if (!row || row.deletedTime) throw invalid(`Invalid ${field}: ${entityType} ${String(o.id)} does not exist`);
    const out: Ref = { entityType, id };
    if (typeof o.relationship === 'string' && o.relationship) out.relationship = o.relationship;
    return out;
  }

  private async refs(v: unknown, types: string[], field: string): Promise<Ref[]> {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) throw invalid(`Invalid ${field}: expected a list`);
    const out: Ref[] = [];
    for (const x of v) out.push(await this.ref(x, types, field));
    return out;
  }

  private async idOf(entityType: string, v: unknown, field: string): Promise<number> {
    return (await this.ref({ entityType, id: v }, [entityType], field)).id;
  }

  private async tags(entityType: string, v: unknown): Promise<string[]> {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) throw invalid('Invalid tags: expected a list of tag names');
    const { rows } = await this.pool.query('select name from sandbox_nutshell.tags where entity_type = $1', [entityType]);
    const known = new Map(rows.map((r) => [String(r.name).toLowerCase(), r.name as string]));
    return v.map((t) => {
      const name = known.get(String(t).toLowerCase());
      if (!name) throw invalid(`Invalid tag: ${String(t)} (no such ${entityType} tag)`);
      return name;
    });
  }

  private async customFields(entityType: string, v: unknown): Promise<Data> {
    if (v === null || v === undefined) return {};
    if (!CUSTOM_FIELD_TYPES.includes(entityType)) throw invalid(`${entityType} have no custom fields`);
    if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid customFields: expected an object keyed by field name');
    const { rows } = await this.pool.query('select name, type, choices from sandbox_nutshell.custom_fields where entity_type = $1', [entityType]);
    const defs = new Map(rows.map((r) => [r.name as string, r]));
    const out: Data = {};
    for (const [name, val] of Object.entries(v as Data)) {
      const def = defs.get(name);
      if (!def) throw invalid(`Field ${name} is not a custom field`);
      if (val === null || val === '') continue;
      if (def.type === 'Decision') {
        const vals = Array.isArray(val) ? val : [val];
        for (const x of vals) if (!(def.choices ?? []).includes(String(x))) throw invalid(`Invalid value for custom field ${name}: ${String(x)}`);
        out[name] = Array.isArray(val) ? vals.map(String) : String(val);
      } else if (def.type === 'Currency') {
        const amount = typeof val === 'object' ? (val as Data).amount : val;
        if (!Number.isFinite(Number(amount))) throw invalid(`Invalid value for custom field ${name}: ${JSON.stringify(val)}`);
        out[name] = { currency: (typeof val === 'object' && (val as Data).currency) || 'USD', amount: String(amount) };
      } else if (def.type === 'Date') out[name] = parseDate(val, `custom field ${name}`);
      else if (typeof val === 'object') throw invalid(`Invalid value for custom field ${name}: ${JSON.stringify(val)}`);
      else out[name] = String(val);
    }
    return out;
  }

  /**
   * Input of newX/editX -> stored data. `prev` is the stored data on edit: keys present replace
   * it wholesale (multi-value lists too), absent keys stay. `note` is returned apart: it appends.
   */
  async normalize(entityType: string, input: unknown, prev?: Data): Promise<{ data: Data; note?: string }> {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalid(`Invalid ${entityType.toLowerCase()}: expected an object`);
    const inp = input as Data;
    const allowed = WRITABLE[entityType]!;
    for (const k of Object.keys(inp)) if (!allowed.includes(k)) throw invalid(`Unknown field ${k} for ${entityType}`);
    const d: Data = { ...(prev ?? {}) };
    const has = (k: string) => Object.hasOwn(inp, k);
    let note: string | undefined;
    if (has('note')) {
      if (inp.note !== null && typeof inp.note !== 'string') throw invalid('Invalid note: expected a string');
      note = inp.note || undefined;
    }
    for (const k of MULTI) if (has(k)) d[k] = multiValue(inp[k], k);
    for (const k of ['description', 'location', 'logNote', 'logDescription', 'title']) if (has(k)) d[k] = inp[k] === null ? null : String(inp[k]);
    for (const k of ['dueTime', 'startTime', 'endTime', 'closedTime']) if (has(k)) d[k] = inp[k] === null ? null : parseDate(inp[k], k);
    for (const k of ['isAllDay', 'isFlagged', 'isTimed']) if (has(k)) d[k] = Boolean(inp[k]);
    if (has('owner')) d.owner = inp.owner === null ? null : await this.ref(inp.owner, ['Users', 'Teams'], 'owner', 'Users');
    if (has('assignee')) d.assignee = inp.assignee === null ? null : await this.ref(inp.assignee, ['Users', 'Teams'], 'assignee', 'Users');
    if (has('accounts')) d.accounts = await this.refs(inp.accounts, ['Accounts'], 'accounts');
    if (has('contacts')) d.contacts = await this.refs(inp.contacts, ['Contacts'], 'contacts');
    if (has('leads')) d.leads = await this.refs(inp.leads, ['Leads'], 'leads');
    if (has('sources')) d.sources = await this.refs(inp.sources, ['Sources'], 'sources');
    if (has('participants')) d.participants = await this.refs(inp.participants, ['Contacts', 'Users', 'Accounts'], 'participants');
    if (has('primaryAccount')) d.primaryAccount = inp.primaryAccount === null ? null : await this.ref(inp.primaryAccount, ['Accounts'], 'primaryAccount');
    if (has('entity')) d.entity = inp.entity === null ? null : await this.ref(inp.entity, ['Leads', 'Contacts', 'Accounts'], 'entity');
    if (has('tags')) d.tags = await this.tags(entityType, inp.tags);
    if (has('customFields')) d.customFields = { ...(prev?.customFields ?? {}), ...(await this.customFields(entityType, inp.customFields)) };
    for (const k of ['industryId', 'accountTypeId', 'territoryId', 'followupTo']) if (has(k)) d[k] = inp[k] === null ? null : Number(inp[k]);
    for (const k of ['products', 'competitors', 'market']) if (has(k)) d[k] = inp[k];

    if (entityType === 'Contacts') {
      if (has('name')) {
        const n = inp.name;
        if (n === null || n === '') d.name = null;
        else if (typeof n === 'string') {
          const parts = n.trim().split(/\s+/);
          // How Nutshell splits a plain name is unconfirmed: last word = family name (README).
          d.name = { givenName: parts.length > 1 ? parts.slice(0, -1).join(' ') : parts[0], familyName: parts.length > 1 ? parts[parts.length - 1] : '', displayName: n.trim() };
        } else if (typeof n === 'object') {
          const o = n as Data;
          const displayName = o.displayName ?? [o.givenName, o.familyName].filter(Boolean).join(' ');
          d.name = { givenName: o.givenName ?? '', familyName: o.familyName ?? '', salutation: o.salutation ?? null, displayName };
        } else throw invalid('Invalid name');
      }
      const hasName = !!d.name?.displayName;
      const hasEmail = Object.keys(d.email ?? {}).length > 0;
      const hasPhone = Object.keys(d.phone ?? {}).length > 0;
      if (!hasName && !hasEmail && !hasPhone) throw invalid('A contact needs at least one of name, phone or email');
      if (this.opts.strictPhone && hasEmail && !hasName && !hasPhone) throw invalid('Invalid phone number');
    }
    if (entityType === 'Accounts' && has('name')) d.name = inp.name === null ? null : String(inp.name);
    if (entityType === 'Leads') {
      if (typeof d.description === 'string' && d.description.length > this.opts.leadDescriptionMax)
        throw invalid(`Lead description is longer than ${this.opts.leadDescriptionMax} characters`);
      if (has('confidence')) {
        const c = Number(inp.confidence);
        if (!Number.isInteger(c) || c < 0 || c > 100) throw invalid('Invalid confidence: 0 to 100');
        d.confidence = c;
      }
      if (has('priority')) d.priority = Number(inp.priority) ? 1 : 0;
      if (has('milestoneId')) {
        d.milestoneId = inp.milestoneId === null ? null : await this.idOf('Milestones', inp.milestoneId, 'milestoneId');
        if (d.milestoneId) d.stagesetId = (await this.store.get('Milestones', d.milestoneId))!.data.stagesetId;
      }
      if (has('stagesetId') && inp.stagesetId !== null) d.stagesetId = await this.idOf('Stagesets', inp.stagesetId, 'stagesetId');
      const outcome = has('outcome') ? inp.outcome : has('outcomeId') ? { id: inp.outcomeId } : undefined;
      if (outcome !== undefined && outcome !== null) {
        const ref = await this.ref(outcome, ['Lead_Outcomes'], 'outcome', 'Lead_Outcomes');
        d.outcomeId = ref.id;
        d.status = (await this.store.get('Lead_Outcomes', ref.id))!.data.type;
        d.closedTime ??= fmtDate(new Date());
      } else if (has('status')) {
        const s = Number(inp.status);
        if (s === 0) Object.assign(d, { status: 0, outcomeId: null, closedTime: null });
        else if (s === 1) d.status = 1;
        else throw invalid('Invalid status: closing a lead needs an outcome');
      }
      if (has('isPending')) d.status = inp.isPending ? 1 : d.status === 1 ? 0 : (d.status ?? 0);
      d.status ??= 0;
      d.stagesetId ??= 1;
    }
    if (entityType === 'Activities' && has('name')) d.name = inp.name === null ? null : String(inp.name);
    if (entityType === 'Activities') {
      if (!d.name) throw invalid('An activity needs a name');
      if (has('activityTypeId') || !prev) d.activityTypeId = await this.idOf('Activity_Types', inp.activityTypeId ?? 1, 'activityTypeId');
      if (!d.startTime) throw invalid('An activity needs a startTime');
      d.endTime ??= d.startTime;
      if (has('status')) {
        const s = Number(inp.status);
        if (![0, 1, 2].includes(s)) throw invalid('Invalid status: 0 scheduled, 1 logged, 2 cancelled');
        d.status = s;
      }
      d.status ??= 0;
      d.isAllDay ??= false;
      d.isFlagged ??= false;
    }
    if (entityType === 'Tasks' && !d.title) throw invalid('A task needs a title');
    return { data: d, note };
  }

  private stub(row: EntityRow): Data {
    const base: Data = { stub: true, id: row.id, entityType: row.entityType, rev: String(row.rev), modifiedTime: fmtDate(row.modifiedTime) };
    const d = row.data;
    const primary = (o: Data | undefined) => (o ? Object.values(o)[0] : undefined);
    switch (row.entityType) {
      case 'Contacts':
        return { ...base, name: d.name?.displayName ?? '', email: primary(d.email) ?? null };
      case 'Leads':
        return { ...base, name: d.name, status: d.status, value: { currency: 'USD', amount: 0 }, dueTime: d.dueTime ?? null, closedTime: d.closedTime ?? null };
      case 'Users':
        return { ...base, name: d.name, firstName: d.firstName, lastName: d.lastName, isEnabled: d.isEnabled, isAdministrator: d.isAdministrator, emails: d.emails, createdTime: fmtDate(row.createdTime) };
      case 'Activities':
        return { ...base, name: d.name, startTime: d.startTime, endTime: d.endTime, status: d.status };
      case 'Tasks':
        return { ...base, title: d.title, dueTime: d.dueTime ?? null };
      case 'Notes':
        return { ...base, note: d.note };
      case 'Lead_Outcomes':
        return { ...base, description: d.description, type: d.type };
      default:
        return { ...base, ...d };
    }
  }

  private withPrimary(o: Data | undefined, phone: boolean): Data {
    const out: Data = {};
    for (const [k, v] of Object.entries(o ?? {})) out[k] = phone ? renderPhone(String(v)) : v;
    const first = Object.keys(out)[0];
    if (first !== undefined) out['--primary'] = out[first];
    return out;
  }

  /** Full renders (get, edit, new) or stubs (find/search default), references as stubs. */
  async render(rows: EntityRow[], full: boolean): Promise<Data[]> {
    if (!full) return rows.map((r) => this.stub(r));
    const wanted: { entityType: string; id: number }[] = [];
    const collect = (v: any) => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object' && typeof v.entityType === 'string' && typeof v.id === 'number') wanted.push(v);
    };
    for (const r of rows) {
      for (const k of ['owner', 'assignee', 'accounts', 'contacts', 'leads', 'sources', 'participants', 'primaryAccount', 'entity', 'parent']) collect(r.data[k]);
      if (r.creatorId) wanted.push({ entityType: 'Users', id: r.creatorId });
      if (r.data.activityTypeId) wanted.push({ entityType: 'Activity_Types', id: r.data.activityTypeId });
      if (r.data.milestoneId) wanted.push({ entityType: 'Milestones', id: r.data.milestoneId });
      if (r.data.outcomeId) wanted.push({ entityType: 'Lead_Outcomes', id: r.data.outcomeId });
    }
    const refs = await this.store.many(wanted);
    // A person's, company's or lead's full render lists its notes (reference 3.2: notes [...]), as stubs.
    const parents = rows.filter((r) => ['Contacts', 'Accounts', 'Leads'].includes(r.entityType)).map((r) => ({ entityType: r.entityType, id: r.id }));
    const notes = new Map<string, Data[]>();
    for (const n of await this.store.notesOf(parents)) {
      const k = `${n.data.parent.entityType}:${n.data.parent.id}`;
      notes.set(k, [...(notes.get(k) ?? []), this.stub(n)]);
    }
    const stubOf = (v: Ref | null | undefined) => {
      if (!v) return null;
      const row = refs.get(`${v.entityType}:${v.id}`);
      const s = row ? this.stub(row) : { stub: true, id: v.id, entityType: v.entityType };
      return v.relationship ? { ...s, relationship: v.relationship } : s;
    };
    return rows.map((r) => {
      const d = r.data;
      const out: Data = {
        id: r.id,
        entityType: r.entityType,
        rev: String(r.rev),
        createdTime: fmtDate(r.createdTime),
        modifiedTime: fmtDate(r.modifiedTime),
        htmlUrl: `https://app.nutshell.com/${r.entityType.toLowerCase()}/${r.id}`,
        creator: r.creatorId ? stubOf({ entityType: 'Users', id: r.creatorId }) : null,
      };
      for (const [k, v] of Object.entries(d)) {
        if (MULTI.includes(k)) out[k] = this.withPrimary(v as Data, k === 'phone');
        else if (['owner', 'assignee', 'primaryAccount', 'entity', 'parent'].includes(k)) out[k] = stubOf(v as Ref);
        else if (['accounts', 'contacts', 'leads', 'sources', 'participants'].includes(k)) out[k] = (v as Ref[]).map(stubOf);
        else out[k] = v;
      }
      if (d.activityTypeId) out.activityType = stubOf({ entityType: 'Activity_Types', id: d.activityTypeId });
      if (d.milestoneId) out.milestone = stubOf({ entityType: 'Milestones', id: d.milestoneId });
      if (d.outcomeId) out.outcome = stubOf({ entityType: 'Lead_Outcomes', id: d.outcomeId });
      if (['Contacts', 'Accounts', 'Leads'].includes(r.entityType)) {
        out.tags ??= [];
        out.customFields ??= {};
        out.notes = notes.get(`${r.entityType}:${r.id}`) ?? [];
      }
      if (r.deletedTime) out.deletedTime = fmtDate(r.deletedTime);
      return out;
    });
  }
}
