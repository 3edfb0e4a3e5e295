/**
 * Nutshell as a destination: the real instance when NUTSHELL_USERNAME and NUTSHELL_API_KEY are
 * set, else the sandbox emulator started in-process. Modules are Nutshell entity types:
 * Contacts (people), Accounts (companies), Leads, Activities, Notes, Tasks.
 *
 * JSON-RPC has no batch write and no idempotency key (reference 5.3, 6), so each record is one
 * call, and duplicates are avoided by looking before creating: a Contact with an e-mail is
 * searched by e-mail first (an existing one is reused), after a write whose answer was lost the
 * adapter checks whether the record exists before sending it again, and a create a killed run
 * may have made is found by the engine through `createdSince` + `isSameRecord`
 * (engine/load/intents.ts). See README.md.
 */
import { z } from 'zod';
import type { Destination, DestinationFactory, DestinationField, DestinationRule, OrgProbe, Payload, RecordOutcome } from '../../../engine/destination.ts';
import { CliError } from '../../../engine/errors.ts';
import { NUTSHELL_CUSTOM_FIELD_MODULES, nutshellCustomFields } from './custom-fields.ts';
import { entitySchema, NutshellClient, NutshellError, type NutshellEntity } from './client.ts';
import { NUTSHELL_MODULES, nutshellAsWritten, shapeNutshellRecord } from './shape.ts';
import type { FaultConfig, NutshellSandboxSeed } from './sandbox/server.ts';
import { NUTSHELL_REHEARSAL_FAULTS, nutshellInjectedFaults } from './rehearsal.ts';

export { shapeNutshellRecord, NUTSHELL_MODULES } from './shape.ts';

export interface NutshellDestinationOptions {
  /** Users and other state the sandbox instance starts with. */
  sandboxSeed?: NutshellSandboxSeed;
  /** Sandbox fault injection (else CRM_SANDBOX_FAULTS). */
  sandboxFaults?: FaultConfig;
}

/**
 * What Nutshell refuses, per entity type. Its API has no metadata call for mandatory fields or
 * lengths, so these are the rules the reference documents (sections 3.2-3.8, 8.8), written against
 * the view-column convention of shape.ts; the Decision (picklist) custom fields and their choices
 * come from findCustomFields.
 */
export const NUTSHELL_RULES: Record<string, DestinationRule[]> = {
  Contacts: [
    { field: 'name', rule: 'mandatory', columns: ['name', 'first_name', 'last_name', 'email', 'phone'], origin: 'reference 3.2: a contact needs one of name, phone or email' },
  ],
  Activities: [
    { field: 'name', rule: 'mandatory', columns: ['name'], origin: 'reference 3.6: an activity needs a name' },
    { field: 'startTime', rule: 'mandatory', columns: ['startTime'], origin: 'reference 3.6: an activity needs a startTime' },
  ],
  Tasks: [{ field: 'title', rule: 'mandatory', columns: ['title'], origin: 'reference 3.8: a task needs a title' }],
  Notes: [{ field: 'note', rule: 'mandatory', columns: ['note'], origin: 'reference 3.7: a note needs text' }],
  Leads: [{ field: 'description', rule: 'max_length', columns: ['description'], maxLength: 100, origin: 'reference 3.4, 8.8: a lead description over 100 characters is refused' }],
};

/**
 * Records the engine hands to one insert/update call. Each record is one API call anyway, and
 * with one per call the engine records each id in etl.id_map as soon as its call is answered.
 */
export const NUTSHELL_MAX_BATCH = 1;

/** Errors that are about the connection as a whole, not one record: the run stops. */
const FATAL = new Set(['AUTH', 'DISCOVERY', 'METHOD_NOT_FOUND', 'BAD_RESPONSE']);

const fail = (err: unknown): RecordOutcome => {
  if (err instanceof NutshellError) {
    if (FATAL.has(err.code)) throw err.toCliError();
    return { ok: false, code: err.code, message: err.message, retryable: err.retryable, ...(err.ambiguous ? { maybeWritten: true } : {}) };
  }
  if (err instanceof CliError) throw err;
  return { ok: false, code: 'INVALID_DATA', message: (err as Error).message };
};

const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const instant = (s: string) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
const refId = (v: unknown) => (v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : undefined);

/**
 * Whether a value read back (in the written shape: nutshellAsWritten) is the value sent. The
 * representation may differ (dates in another notation, numbers as text, references as stubs
 * with more keys, tags in the instance's casing); the value may not.
 */
function sameSent(sent: unknown, got: unknown, key = ''): boolean {
  if (sent === null || sent === undefined || sent === '') return got === null || got === undefined || got === '' || (Array.isArray(got) && !got.length);
  if (refId(sent) !== undefined && !Array.isArray(sent)) return refId(got) === refId(sent);
  if (Array.isArray(sent)) {
    if (!Array.isArray(got) || got.length !== sent.length) return false;
    if (sent.every((x) => refId(x) !== undefined)) {
      const ids = (l: unknown[]) => l.map((x) => refId(x) ?? '').sort().join(',');
      return ids(sent) === ids(got);
    }
    if (key === 'tags' || key === 'sources') {
      const names = (l: unknown[]) => l.map((x) => String(x).toLowerCase()).sort().join('\u0000');
      return names(sent) === names(got);
    }
    return sent.every((x, i) => sameSent(x, got[i]));
  }
  if (typeof sent === 'object') {
    if (!got || typeof got !== 'object') return false;
    return Object.entries(sent as Record<string, unknown>).every(([k, v]) => sameSent(v, (got as Record<string, unknown>)[k], k));
  }
  if (typeof sent === 'string' && typeof got === 'string' && DATE_RE.test(sent) && DATE_RE.test(got)) return instant(sent) === instant(got);
  if (typeof sent === 'number' || typeof got === 'number') return String(got).trim() !== '' && Number(sent) === Number(got);
  if (typeof sent === 'boolean' || typeof got === 'boolean') return String(sent) === String(got);
  return sent === got;
}

/**
 * Whether `got` (a full entity read back) is the record created from `sent` (a shaped payload):
 * every field sent has the value sent. `note` is appended as a separate Note, not a field, and
 * a lead's outcome comes back as an id: neither is compared (the rest of the record is).
 */
export function isSameNutshellRecord(module: string, sent: Payload, got: Payload): boolean {
  const seen = nutshellAsWritten(module, got, sent);
  return Object.entries(sent).every(([k, v]) => k === 'note' || k === 'outcome' || sameSent(v, seen[k], k));
}

const createdAt = (r: Record<string, unknown>) => Date.parse(String(r.createdTime ?? '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

const REST_TYPE: Record<string, { type: string; leadsType?: string; choices?: string[]; multiple?: boolean }> = {
  text: { type: 'Text' },
  textarea: { type: 'LongText' },
  currency: { type: 'Currency' },
  date: { type: 'Date' },
  datetime: { type: 'Date' },
  picklist: { type: 'Decision' },
  multiselectpicklist: { type: 'Decision', multiple: true },
  boolean: { type: 'Decision', choices: ['Yes', 'No'] },
  email: { type: 'Text', leadsType: 'Email' },
  phone: { type: 'Text', leadsType: 'Phone' },
  website: { type: 'Text', leadsType: 'URL' },
  // Nutshell custom fields have no number type (reference 3.11): numbers are written as text.
  integer: { type: 'Text' },
  bigint: { type: 'Text' },
  double: { type: 'Text' },
  percent: { type: 'Text' },
};

export function createNutshellAdapter(client: NutshellClient, target: string, isSandbox: boolean, close: () => Promise<void>): Destination {
  const cache = {
    sources: new Map<string, number>(),
    tags: undefined as Record<string, string[]> | undefined,
    named: new Map<string, Map<string, number>>(),
  };
  let recordsWritten = 0;
  let outcomes: { id: number; name?: string; description?: string; type?: number }[] | undefined;

  const byName = async (method: string, label: string) => {
    let m = cache.named.get(method);
    if (!m) {
      const rows = await client.findAll(method, z.looseObject({ id: z.number(), name: z.string().optional(), description: z.string().optional() }));
      m = new Map(rows.map((r) => [String(r.name ?? r.description ?? '').toLowerCase(), r.id]));
      cache.named.set(method, m);
    }
    return (name: string) => {
      const id = m!.get(name.toLowerCase());
      if (id === undefined) throw new Error(`${label} "${name}" does not exist in Nutshell (known: ${[...m!.keys()].join(', ')})`);
      return id;
    };
  };

  /** Names -> ids for what the API references by id; tags created when missing (reference 3.10, 8.6). */
  async function resolve(module: string, rec: Payload): Promise<Payload> {
    const out: Payload = { ...rec };
    if (Array.isArray(out.sources)) {
      const ids = [];
      for (const name of out.sources as unknown[]) {
        if (typeof name === 'object' && name) {
          ids.push(name);
          continue;
        }
        const key = String(name).toLowerCase();
        let id = cache.sources.get(key);
        if (id === undefined) {
          id = (await client.call('newSource', { name: String(name) }, z.looseObject({ id: z.number() }))).id;
          cache.sources.set(key, id);
        }
        ids.push({ id });
      }
      out.sources = ids;
    }
    if (Array.isArray(out.tags) && out.tags.length) {
      cache.tags ??= await client.call('findTags', {}, z.record(z.string(), z.array(z.string())));
      const have = (cache.tags[module] ??= []);
      for (const t of out.tags as string[]) {
        if (have.some((h) => h.toLowerCase() === t.toLowerCase())) continue;
        try {
          await client.call('newTag', { tag: { name: t, entityType: module } }, z.unknown());
        } catch (err) {
          // Another writer created it in between: "already exists" is success (reference 3.10).
          if (!(err instanceof NutshellError && /already exists/i.test(err.message))) throw err;
        }
        have.push(t);
      }
    }
    if (typeof out.activityType === 'string') {
      out.activityTypeId = (await byName('findActivityTypes', 'Activity type'))(out.activityType);
      delete out.activityType;
    }
    if (typeof out.milestone === 'string') {
      out.milestoneId = (await byName('findMilestones', 'Milestone'))(out.milestone);
      delete out.milestone;
    }
    if (typeof out.outcome === 'string') {
      out.outcome = { entityType: 'Lead_Outcomes', id: (await byName('findLead_Outcomes', 'Lead outcome'))(out.outcome) };
    }
    return out;
  }

  const emailsOf = (rec: Payload): string[] => {
    const e = rec.email;
    const list = Array.isArray(e) ? e : e && typeof e === 'object' ? Object.values(e) : e ? [e] : [];
    return list.map((x) => String(x).trim().toLowerCase()).filter(Boolean);
  };

  /**
   * Every record of the module created at or after `since`, newest first (find* ordered by id
   * descending, full records, pages of 100 until one reaches back past `since`). Notes have no
   * find method: null.
   */
  async function createdSince(module: string, since: Date): Promise<NutshellEntity[] | null> {
    if (module === 'Notes') return null;
    const out: NutshellEntity[] = [];
    for (let page = 1; ; page++) {
      const rows = await client.call(`find${module}`, { query: {}, orderBy: 'id', orderDirection: 'DESC', limit: 100, page, stubResponses: false }, z.array(entitySchema));
      for (const r of rows) if (!(createdAt(r) < since.getTime())) out.push(r);
      if (rows.length < 100 || rows.some((r) => createdAt(r) < since.getTime())) return out;
    }
  }

  /** Notes this loader created (a note found after a lost answer is never one of them). */
  const notesCreated = new Set<number>();

  /**
   * After a lost answer to newNote: its parent's full render lists the parent's notes (reference
   * 3.2); a note with exactly the text sent, created since shortly before the call and not one
   * this loader created already, is the one that landed.
   */
  async function findLandedNote(rec: Payload, sentAt: number): Promise<NutshellEntity | undefined> {
    const parent = rec.entity as { entityType: string; id: number } | undefined;
    if (!parent) return undefined;
    const p = await client.get(parent.entityType, Number(parent.id));
    const listed = Array.isArray(p?.notes) ? (p!.notes as { id?: unknown }[]) : [];
    for (const entry of [...listed].reverse()) {
      const id = Number(entry.id);
      if (!Number.isInteger(id) || notesCreated.has(id)) continue;
      const n = await client.get('Notes', id);
      if (n && !n.deletedTime && String(n.note ?? '') === String(rec.note ?? '') && !(createdAt(n) < sentAt - 5_000)) return n;
    }
    return undefined;
  }

  /** After a lost answer: did the create land? The person by e-mail, a note on its parent, else the records created since the call was sent. */
  async function findLanded(module: string, sent: Payload, rec: Payload, sentAt: number): Promise<NutshellEntity | undefined> {
    if (module === 'Notes') return findLandedNote(rec, sentAt);
    if (module === 'Contacts' && emailsOf(rec).length) return (await client.searchByEmail(emailsOf(rec)[0]!)).contacts[0];
    const recent = await createdSince(module, new Date(sentAt - 60_000));
    return recent?.find((r) => isSameNutshellRecord(module, sent, r));
  }

  async function createOne(module: string, shaped: Payload): Promise<RecordOutcome> {
    const rec = await resolve(module, shaped);
    if (module === 'Contacts') {
      // Nutshell never dedupes on create (reference 6): look the person up by e-mail first.
      for (const e of emailsOf(rec)) {
        const hit = (await client.searchByEmail(e)).contacts[0];
        if (hit) return { ok: true, id: String(hit.id), code: 'MATCHED_BY_EMAIL', message: `existing contact ${hit.id} has ${e}` };
      }
    }
    const send = () =>
      module === 'Notes' ? client.newNote(rec.entity as { entityType: string; id: number }, String(rec.note ?? '')) : client.create(module, rec);
    for (let attempt = 0; ; attempt++) {
      const sentAt = Date.now();
      try {
        const e = await send();
        recordsWritten++;
        if (module === 'Notes') notesCreated.add(Number(e.id));
        return { ok: true, id: String(e.id), code: 'SUCCESS' };
      } catch (err) {
        if (!(err instanceof NutshellError && err.ambiguous) || attempt > 0) throw err;
        const landed = await findLanded(module, shaped, rec, sentAt);
        if (landed) {
          recordsWritten++;
          if (module === 'Notes') notesCreated.add(Number(landed.id));
          return { ok: true, id: String(landed.id), code: 'SUCCESS', message: 'found after a lost answer' };
        }
      }
    }
  }

  async function editOne(module: string, id: number, changes: Payload): Promise<RecordOutcome> {
    const rec = await resolve(module, changes);
    if (!Object.keys(rec).length) return { ok: true, id: String(id), code: 'UNCHANGED' };
    if (module === 'Notes') {
      const cur = await client.get('Notes', id);
      if (!cur) return { ok: false, code: 'NOT_FOUND', message: `Note ${id} does not exist` };
      await client.call('editNote', { noteId: id, rev: cur.rev, note: String(rec.note ?? '') }, entitySchema);
      recordsWritten++;
      return { ok: true, id: String(id), code: 'SUCCESS' };
    }
    const before = await client.get(module, id);
    if (!before || before.deletedTime) return { ok: false, code: 'NOT_FOUND', message: `${module} ${id} does not exist` };
    try {
      await client.edit(module, id, rec, before.rev);
    } catch (err) {
      if (!(err instanceof NutshellError && err.ambiguous)) throw err;
      // Lost answer: a moved rev means the edit landed (no other writer during a migration).
      const after = await client.get(module, id);
      if (!after || after.rev === before.rev) await client.edit(module, id, rec);
    }
    recordsWritten++;
    return { ok: true, id: String(id), code: 'SUCCESS' };
  }

  const each = async <T>(items: T[], fn: (x: T) => Promise<RecordOutcome>): Promise<RecordOutcome[]> => {
    const out: RecordOutcome[] = [];
    for (const x of items) {
      try {
        out.push(await fn(x));
      } catch (err) {
        out.push(fail(err));
      }
    }
    return out;
  };
  const checkModule = (module: string) => {
    if (!(NUTSHELL_MODULES as readonly string[]).includes(module)) throw new CliError('NUTSHELL_MODULE', `Nutshell has no module ${module}; use one of ${NUTSHELL_MODULES.join(', ')}`);
  };
  const numId = (id: string) => {
    const n = Number(id);
    if (!Number.isInteger(n)) throw new NutshellError('NOT_FOUND', `not a Nutshell id: ${id}`);
    return n;
  };

  return {
    name: 'nutshell',
    target,
    isSandbox,
    maxBatch: NUTSHELL_MAX_BATCH,
    shape: shapeNutshellRecord,
    createdSince: async (module, since) => (checkModule(module), createdSince(module, since)),
    isSameRecord: isSameNutshellRecord,
    async asWritten(module, read, written) {
      const out = nutshellAsWritten(module, read, written);
      // A lead's outcome can come back as its id only (or not at all, its status telling the
      // outcome's type): named through the instance's outcome list.
      if (typeof written.outcome === 'string' && typeof out.outcome !== 'string') {
        outcomes ??= await client.findAll('findLead_Outcomes', z.looseObject({ id: z.number(), name: z.string().optional(), description: z.string().optional(), type: z.number().optional() }));
        const ref = (read.outcome as { id?: unknown } | undefined)?.id ?? read.outcomeId;
        const hits = ref != null ? outcomes.filter((o) => o.id === Number(ref)) : outcomes.filter((o) => o.type !== undefined && o.type === Number(read.status));
        if (hits.length === 1) out.outcome = hits[0]!.name ?? hits[0]!.description;
      }
      return out;
    },
    insert: async (module, records) => (checkModule(module), each(records, (r) => createOne(module, r))),
    update: async (module, records) => (checkModule(module), each(records, (r) => editOne(module, numId(r.id), r.fields))),
    delete: async (module, ids) =>
      (checkModule(module),
      each(ids, async (id) => {
        const r = await client.delete(module, numId(id));
        return { ok: true, id, code: r === 'deleted' ? 'SUCCESS' : 'ALREADY_DELETED' };
      })),
    async get(module, id) {
      checkModule(module);
      const n = Number(id);
      if (!Number.isInteger(n)) return null;
      const e = await client.get(module, n);
      return e && !e.deletedTime ? (e as Payload) : null;
    },
    async listUsers() {
      return (await client.users()).map((u) => ({ id: String(u.id), email: (u.emails[0] ?? '').toLowerCase(), name: u.name, active: u.isEnabled }));
    },
    customFields: nutshellCustomFields,
    schema: {
      listModules: async () => NUTSHELL_MODULES.map((m) => ({ apiName: m, label: m, custom: false })),
      async listFields(module) {
        const all = await client.call('findCustomFields', {}, z.record(z.string(), z.array(z.looseObject({ name: z.string(), type: z.string().optional(), choices: z.array(z.string()).optional() }))));
        return (all[module] ?? []).map((f): DestinationField => ({ apiName: `cf:${f.name}`, label: f.name, type: f.type ?? 'Text', custom: true, picklistValues: f.choices }));
      },
      async createFields(module, fields) {
        const out: RecordOutcome[] = [];
        for (const f of fields) {
          const t = REST_TYPE[f.type];
          if (!t || !NUTSHELL_CUSTOM_FIELD_MODULES.includes(module)) {
            out.push({ ok: false, code: 'NOT_SUPPORTED', message: `Nutshell cannot create a ${f.type} custom field on ${module}`, field: f.apiName });
            continue;
          }
          const name = f.apiName.replace(/^cf:/, '');
          const body = { name, type: module === 'Leads' && t.leadsType ? t.leadsType : t.type, title: f.label, choices: t.choices ?? f.picklistValues, isMultiple: t.multiple ?? false };
          const { status, json } = await client.rest('POST', `/${module.toLowerCase()}/customfield`, body);
          const title = (json as { errors?: { title?: string }[] } | null)?.errors?.[0]?.title;
          if (status === 200 || status === 201) out.push({ ok: true, id: name, code: 'SUCCESS' });
          else if (/already exists/i.test(title ?? '')) out.push({ ok: true, id: name, code: 'ALREADY_EXISTS' });
          else out.push({ ok: false, code: 'INVALID_DATA', message: `HTTP ${status}: ${title ?? 'custom field not created'}`, field: f.apiName });
        }
        return out;
      },
      async rules(module) {
        const all = await client.call('findCustomFields', {}, z.record(z.string(), z.array(z.looseObject({ name: z.string(), type: z.string().optional(), choices: z.array(z.string()).optional() }))));
        const decisions = (all[module] ?? [])
          .filter((f) => f.type === 'Decision' && f.choices?.length)
          .map((f): DestinationRule => ({ field: `cf:${f.name}`, rule: 'picklist', columns: [`cf:${f.name}`], dataType: 'Decision', values: f.choices, strict: true, origin: 'findCustomFields: Decision choices (reference 3.11)' }));
        return [...(NUTSHELL_RULES[module] ?? []), ...decisions];
      },
      // Decision choices cannot be changed through either API as documented: the checklist says so.
      addPicklistValues: async (_module, field) => ({ ok: false, code: 'NOT_SUPPORTED', message: `add the choices of ${field.apiName} in Nutshell Setup`, field: field.apiName }),
    },
    stats: () => ({ writeCalls: client.counters.writeCalls, recordsWritten, retries: client.counters.retries }),
    close,
  };
}

export function nutshellDestination(opts: NutshellDestinationOptions = {}): DestinationFactory {
  return {
    name: 'nutshell',
    title: 'Nutshell',
    environment: ['NUTSHELL_USERNAME', 'NUTSHELL_API_KEY', 'NUTSHELL_API_URL'],
    secrets: { variables: ['NUTSHELL_API_KEY'] },
    async connect({ databaseUrl, env, log }) {
      const haveCreds = env.NUTSHELL_USERNAME || env.NUTSHELL_API_KEY;
      const common = {
        baseDelayMs: env.CRM_RETRY_BASE_MS ? Number(env.CRM_RETRY_BASE_MS) : undefined,
        maxAttempts: env.CRM_RETRY_ATTEMPTS ? Number(env.CRM_RETRY_ATTEMPTS) : undefined,
        log: env.CRM_MIGRATE_DEBUG ? log : undefined,
        notice: log,
        giveUpMs: env.CRM_HTTP_GIVE_UP_MS ? Number(env.CRM_HTTP_GIVE_UP_MS) : undefined,
      };
      if (haveCreds) {
        const missing = ['NUTSHELL_USERNAME', 'NUTSHELL_API_KEY'].filter((k) => !env[k]);
        if (missing.length) throw new CliError('NUTSHELL_CREDENTIALS', `Nutshell credentials incomplete: set ${missing.join(', ')} (or neither to use the sandbox).`, { exitCode: 2 });
        const client = new NutshellClient({
          username: env.NUTSHELL_USERNAME!,
          apiKey: env.NUTSHELL_API_KEY!,
          apiUrl: env.NUTSHELL_API_URL,
          discoveryUrl: env.NUTSHELL_DISCOVERY_URL,
          ...common,
        });
        return createNutshellAdapter(client, `Nutshell at ${await client.apiUrl()}`, false, async () => {});
      }
      if (env.NUTSHELL_SANDBOX_URL) {
        // A sandbox already running as a server of its own (`sandbox.start`, `crm-migrate sandbox nutshell`).
        const { SANDBOX_ADMIN, SANDBOX_API_KEY } = await import('./sandbox/schema.ts');
        const url = env.NUTSHELL_SANDBOX_URL.replace(/\/+$/, '');
        const client = new NutshellClient({ username: SANDBOX_ADMIN.email, apiKey: SANDBOX_API_KEY, apiUrl: env.NUTSHELL_API_URL, discoveryUrl: `${url}/v1/json`, ...common });
        return createNutshellAdapter(client, `sandbox Nutshell at ${url}/api/v1/json`, true, async () => {});
      }
      // The sandbox loads on connect: `--help` and `list` read this definition without it.
      const { startNutshellSandbox } = await import('./sandbox/server.ts');
      const sb = await startNutshellSandbox({ databaseUrl, seed: opts.sandboxSeed, faults: opts.sandboxFaults, env });
      // The sandbox is reached the way the real service is: through discovery, unless overridden.
      const client = new NutshellClient({ ...sb.credentials, apiUrl: env.NUTSHELL_API_URL, discoveryUrl: sb.discoveryUrl, ...common });
      return createNutshellAdapter(client, `sandbox Nutshell at ${sb.apiUrl}`, true, () => sb.close());
    },
    sandbox: {
      async start({ databaseUrl, port, host, env }) {
        const { startNutshellSandbox } = await import('./sandbox/server.ts');
        const sb = await startNutshellSandbox({ databaseUrl, port, host, seed: opts.sandboxSeed, faults: opts.sandboxFaults, env });
        return { url: sb.url, clientEnv: { NUTSHELL_SANDBOX_URL: sb.url }, close: () => sb.close() };
      },
      async dump(databaseUrl, pipeline, modules) {
        const { dumpNutshellOrg } = await import('./sandbox/dump.ts');
        return dumpNutshellOrg(databaseUrl, pipeline, modules);
      },
      rehearsalFaults: NUTSHELL_REHEARSAL_FAULTS,
      injectedFaults: nutshellInjectedFaults,
      // Live entities only. Tags, custom fields and lead sources are the instance's lists of values
      // (what picklist values are elsewhere): setup and the load's get-or-create add them, and
      // rollback leaves them.
      async probe(pool) {
        const { snapshotNutshellOrg, diffNutshellSnapshots } = await import('./sandbox/snapshot.ts');
        type State = Pick<Awaited<ReturnType<typeof snapshotNutshellOrg>>, 'entities'>;
        const probe: OrgProbe<State> = {
          async state() {
            const { entities } = await snapshotNutshellOrg(pool as never);
            return { entities: Object.fromEntries(Object.entries(entities).filter(([k]) => !k.startsWith('Sources:'))) };
          },
          // Each changed entity with its data before and after, so a failure says what differs.
          diff: (a, b) =>
            diffNutshellSnapshots({ tags: [], customFields: [], ...a }, { tags: [], customFields: [], ...b }).map((l) =>
              l.startsWith('~ ') ? `${l}: ${JSON.stringify(a.entities[l.slice(2)])} -> ${JSON.stringify(b.entities[l.slice(2)])}` : l,
            ),
        };
        return probe as OrgProbe;
      },
    },
  };
}
