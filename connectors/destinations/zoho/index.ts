/**
 * Zoho CRM as a destination: the real org when ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET /
 * ZOHO_REFRESH_TOKEN are set, else the sandbox emulator started in-process.
 *
 * Idempotency: every module the pipeline writes gets a unique custom field CRM_Migrate_Key
 * (created by `setup`) holding the record's source_key, and first writes are upserts with
 * duplicate_check_fields = ['CRM_Migrate_Key']. Repeating such a write after a dropped
 * connection finds the record the first attempt created and updates it: never a duplicate.
 */
import type { Destination, DestinationFactory, DestinationField, OrgProbe, DestinationRule, LookupRef, Payload, RecordOutcome } from '../../../engine/destination.ts';
import { CliError } from '../../../engine/errors.ts';
import { isMoney } from '../../../engine/values.ts';
import { CreditBudget } from './credits.ts';
import { ZohoClient, ZOHO_MAX_BATCH, bulkUpsertViaJob, zohoBulkWritable } from './client.ts';
import { zohoCustomFields } from './custom-fields.ts';
import type { ZohoSandboxSeed } from './sandbox/server.ts';
import { ZOHO_REHEARSAL_FAULTS, zohoInjectedFaults } from './sandbox/rehearsal.ts';

export interface ZohoDestinationOptions {
  /** Users and other state the sandbox org starts with (for rehearsals on sample data). */
  sandboxSeed?: ZohoSandboxSeed;
}

/** The unique field that carries the source_key on every record the pipeline writes. */
export const ZOHO_KEY_FIELD = 'CRM_Migrate_Key';

/** Zoho lookups are `{ "id": ... }`; multi-module What_Id also needs `$se_module`. */
export function shapeZohoRecord(fields: Payload, lookups: Record<string, LookupRef>, owner?: string): Payload {
  const out: Payload = {};
  // A currency field takes the amount; the org's currency applies (a foreign amount is a finding).
  for (const [k, v] of Object.entries(fields)) out[k] = isMoney(v) ? v.amount : v;
  for (const [field, ref] of Object.entries(lookups)) {
    if (field === 'Parent_Id') out.Parent_Id = { module: { api_name: ref.module }, id: ref.id };
    else {
      out[field] = { id: ref.id };
      if (field === 'What_Id') out.$se_module = ref.module;
    }
  }
  if (owner) out.Owner = { id: owner };
  return out;
}

/** Zoho field data_type for a requirement type (setup). */
function zohoFieldBody(f: { apiName: string; label: string; type: string; length?: number; unique?: boolean; picklistValues?: string[]; lookupModule?: string }): Record<string, unknown> {
  const t = f.type === 'long_text' ? 'textarea' : f.type === 'number' ? 'double' : f.type === 'checkbox' ? 'boolean' : f.type;
  const body: Record<string, unknown> = { field_label: f.label, api_name: f.apiName, data_type: t };
  if (t === 'text') body.length = f.length ?? 255;
  if (t === 'textarea') body.textarea = { type: 'large' };
  if (t === 'double' || t === 'currency') {
    body.length = 16;
    body.decimal_place = 2;
  }
  if (t === 'integer') body.length = 9;
  if (t === 'email') body.length = 100;
  if (t === 'phone') body.length = 30;
  if (t === 'website') body.length = 255;
  if (t === 'picklist' || t === 'multiselectpicklist') body.pick_list_values = (f.picklistValues?.length ? f.picklistValues : ['-None-']).map((v) => ({ display_value: v, actual_value: v }));
  if (t === 'lookup' && f.lookupModule) body.lookup = { module: { api_name: f.lookupModule } };
  if (f.unique) body.unique = { case_sensitive: true };
  return body;
}

/** Longest text per data type when the metadata gives no length (reference §6.4). */
const ZOHO_TEXT_MAX: Record<string, number> = { text: 255, email: 100, phone: 30, website: 255, picklist: 255 };
const ZOHO_TEXTAREA_MAX: Record<string, number> = { small: 2000, large: 32000, rich_text: 50000 };

/**
 * What Zoho refuses in a record of a module, from the fields metadata (system_mandatory, length,
 * pick_list_values) and the layouts (a field a layout marks `required`: Leads.Company and
 * Deals.Closing_Date in a stock org). The view column that fills a field is its API name.
 */
export function zohoRules(
  fields: Awaited<ReturnType<ZohoClient['fields']>>,
  layouts: Awaited<ReturnType<ZohoClient['layouts']>>,
): DestinationRule[] {
  const required = new Map<string, string>();
  for (const l of layouts)
    if ((l.status ?? 'active') === 'active')
      for (const s of l.sections ?? []) for (const f of s.fields ?? []) if (f.required && !required.has(f.api_name)) required.set(f.api_name, `layout ${l.name ?? '?'}: required`);
  const out: DestinationRule[] = [];
  for (const f of fields) {
    if (f.read_only || f.api_name === 'Tag') continue;
    const columns = [f.api_name];
    if (f.system_mandatory) out.push({ field: f.api_name, rule: 'mandatory', columns, dataType: f.data_type, origin: 'fields metadata: system_mandatory' });
    else if (required.has(f.api_name)) out.push({ field: f.api_name, rule: 'mandatory', columns, dataType: f.data_type, origin: required.get(f.api_name)! });
    const max =
      f.data_type === 'textarea'
        ? (f.length && f.length > 0 ? f.length : ZOHO_TEXTAREA_MAX[f.textarea?.type ?? 'large'])
        : ZOHO_TEXT_MAX[f.data_type] !== undefined
          ? f.data_type === 'picklist'
            ? ZOHO_TEXT_MAX.picklist
            : f.length && f.length > 0
              ? f.length
              : ZOHO_TEXT_MAX[f.data_type]
          : undefined;
    if (max) out.push({ field: f.api_name, rule: 'max_length', columns, dataType: f.data_type, maxLength: max, origin: `fields metadata: length ${max}` });
    if ((f.data_type === 'picklist' || f.data_type === 'multiselectpicklist') && f.pick_list_values?.length)
      out.push({
        field: f.api_name,
        rule: 'picklist',
        columns,
        dataType: f.data_type,
        values: f.pick_list_values.map((v) => v.display_value),
        // Whether Zoho refuses a value outside a standard picklist's options is not documented
        // (the sandbox stores it): a warning, since reports and filters will not offer it.
        strict: false,
        origin: 'fields metadata: pick_list_values',
      });
  }
  return out;
}

export function zohoDestination(opts: ZohoDestinationOptions = {}): DestinationFactory {
  return {
    name: 'zoho',
    title: 'Zoho CRM',
    environment: ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_ACCOUNTS_URL', 'ZOHO_API_DOMAIN'],
    secrets: {
      variables: ['ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_CLIENT_ID'],
      // Zoho access/refresh tokens have a recognisable shape.
      tokens: [{ pattern: /\b1000\.[0-9a-f]{16,}\.[0-9a-f]{8,}\b/g, mask: '1000.***' }],
    },
    async connect({ databaseUrl, env, log }) {
      const haveCreds = env.ZOHO_CLIENT_ID || env.ZOHO_CLIENT_SECRET || env.ZOHO_REFRESH_TOKEN;
      // pg and the sandbox load on connect: `--help` and `list` read this definition without them.
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      pool.on('error', () => {});
      const budget = CreditBudget.fromEnv(pool, haveCreds ? `zoho:${env.ZOHO_API_DOMAIN ?? 'www.zohoapis.com'}` : 'zoho:sandbox', env);
      const common = {
        concurrency: env.ZOHO_CONCURRENCY ? Number(env.ZOHO_CONCURRENCY) : 10,
        credits: budget,
        baseDelayMs: env.CRM_RETRY_BASE_MS ? Number(env.CRM_RETRY_BASE_MS) : undefined,
        maxAttempts: env.CRM_RETRY_ATTEMPTS ? Number(env.CRM_RETRY_ATTEMPTS) : undefined,
        // Per-request timeout (default 30 s / 60 s): lowered by the fault matrix to rehearse
        // answers that arrive after the client gave up.
        timeoutMs: env.CRM_HTTP_TIMEOUT_MS ? Number(env.CRM_HTTP_TIMEOUT_MS) : undefined,
        log: env.CRM_MIGRATE_DEBUG ? log : undefined,
        notice: log,
        giveUpMs: env.CRM_HTTP_GIVE_UP_MS ? Number(env.CRM_HTTP_GIVE_UP_MS) : undefined,
      };
      let client: ZohoClient;
      let target: string;
      let closeSandbox: (() => Promise<void>) | undefined;
      if (haveCreds) {
        const missing = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN'].filter((k) => !env[k]);
        if (missing.length) {
          await pool.end();
          throw new CliError('ZOHO_CREDENTIALS', `Zoho credentials incomplete: set ${missing.join(', ')} (or none of them to use the sandbox).`, { exitCode: 2 });
        }
        const accountsUrl = env.ZOHO_ACCOUNTS_URL ?? 'https://accounts.zoho.com';
        const apiDomain = env.ZOHO_API_DOMAIN ?? 'https://www.zohoapis.com';
        // The file host of the same data centre (www.zohoapis.<tld> -> content.zohoapis.<tld>).
        const uploadUrl = env.ZOHO_UPLOAD_URL ?? apiDomain.replace('://www.', '://content.');
        client = new ZohoClient({
          ...common,
          accountsUrl,
          apiDomain,
          uploadUrl,
          credentials: { clientId: env.ZOHO_CLIENT_ID!, clientSecret: env.ZOHO_CLIENT_SECRET!, refreshToken: env.ZOHO_REFRESH_TOKEN! },
        });
        target = `Zoho CRM at ${apiDomain}`;
      } else if (env.ZOHO_SANDBOX_URL) {
        // A sandbox already running as a server of its own (`sandbox.start`, `crm-migrate sandbox zoho`).
        const { SANDBOX_CREDENTIALS } = await import('./sandbox/auth.ts');
        const url = env.ZOHO_SANDBOX_URL.replace(/\/+$/, '');
        client = new ZohoClient({ ...common, accountsUrl: url, apiDomain: url, uploadUrl: url, credentials: SANDBOX_CREDENTIALS });
        target = `sandbox Zoho CRM at ${url}`;
      } else {
        const { startZohoSandbox } = await import('./sandbox/server.ts');
        const sb = await startZohoSandbox({ databaseUrl, seed: opts.sandboxSeed, env });
        const sbx = sb as typeof sb & { uploadUrl?: string };
        client = new ZohoClient({
          ...common,
          accountsUrl: env.ZOHO_ACCOUNTS_URL ?? sb.accountsUrl,
          apiDomain: env.ZOHO_API_DOMAIN ?? sb.apiDomain,
          uploadUrl: sbx.uploadUrl ?? sb.apiDomain,
          credentials: sb.credentials,
        });
        target = `sandbox Zoho CRM at ${sb.apiDomain}`;
        closeSandbox = () => sb.close();
      }
      const toField = (f: Awaited<ReturnType<ZohoClient['fields']>>[number]): DestinationField => ({
        id: f.id,
        apiName: f.api_name,
        label: f.field_label,
        type: f.data_type,
        custom: f.custom_field,
        unique: !!f.unique && typeof f.unique === 'object' && Object.keys(f.unique as object).length > 0,
        picklistValues: f.pick_list_values?.map((v) => v.display_value),
      });
      let modulesMeta: ReturnType<ZohoClient['modules']> | undefined;
      const dest: Destination = {
        name: 'zoho',
        target,
        isSandbox: !haveCreds,
        maxBatch: ZOHO_MAX_BATCH,
        idempotencyField: ZOHO_KEY_FIELD,
        maxAttachmentBytes: env.ZOHO_MAX_ATTACHMENT_BYTES ? Number(env.ZOHO_MAX_ATTACHMENT_BYTES) : 20 * 1024 * 1024,
        bulkThreshold: env.ZOHO_BULK_THRESHOLD ? Number(env.ZOHO_BULK_THRESHOLD) : 5000,
        shape: (_module, fields, lookups, owner) => shapeZohoRecord(fields, lookups, owner),
        insert: (module, records) => client.insert(module, records),
        upsert: (module, records) => client.upsert(module, records, [ZOHO_KEY_FIELD]),
        async findByKey(module, sourceKey) {
          return (await client.coqlEquals(module, ZOHO_KEY_FIELD, sourceKey))[0] ?? null;
        },
        async listIdsByKeyPrefix(module, prefix) {
          const ids = new Set<string>();
          for await (const page of client.coqlIdsByPrefix(module, ZOHO_KEY_FIELD, prefix)) for (const id of page) ids.add(id);
          return ids;
        },
        bulkUpsert: (module, records) =>
          bulkUpsertViaJob(client, module, records, ZOHO_KEY_FIELD, { firstPollMs: env.ZOHO_BULK_POLL_MS ? Number(env.ZOHO_BULK_POLL_MS) : undefined }),
        // The module list is read once per connection (one credit) and asked per object.
        async bulkSupported(module) {
          modulesMeta ??= client.modules().catch((err) => {
            modulesMeta = undefined;
            throw err;
          });
          return zohoBulkWritable((await modulesMeta).find((m) => m.api_name === module));
        },
        update: (module, records) => client.update(module, records.map((r) => ({ ...r.fields, id: r.id }))),
        delete: (module, ids): Promise<RecordOutcome[]> => client.delete(module, ids),
        get: (module, id) => client.get(module, id),
        async listUsers() {
          const users = await client.users();
          return users.map((u) => ({ id: u.id, email: u.email.toLowerCase(), name: u.full_name, active: (u.status ?? 'active') === 'active' }));
        },
        uploadAttachment: (module, parentId, file) => client.uploadAttachment(module, parentId, file),
        listAttachments: (module, parentId) => client.listAttachments(module, parentId),
        convertLead: (id, body) => client.convertLead(id, body),
        customFields: zohoCustomFields,
        schema: {
          async listModules() {
            return (await client.modules()).map((m) => ({ apiName: m.api_name, label: m.plural_label ?? m.module_name, custom: m.generated_type === 'custom' }));
          },
          async createModule(m) {
            const profiles = await client.profiles();
            const admin = profiles.find((p) => /administrator/i.test(p.name)) ?? profiles[0];
            return client.createModule({ ...m, profileIds: admin ? [admin.id] : [] });
          },
          async listFields(module) {
            return (await client.fields(module)).map(toField);
          },
          createFields: (module, fields) => client.createFields(module, fields.map(zohoFieldBody)),
          async rules(module) {
            return zohoRules(await client.fields(module), await client.layouts(module));
          },
          async addPicklistValues(module, field, values) {
            if (!field.id) return { ok: false, code: 'NO_FIELD_ID', message: `${module}.${field.apiName} has no id in the fields metadata` };
            return client.addPicklistValues(module, field.id, values);
          },
        },
        stats: () => ({ writeCalls: client.stats.writeCalls, recordsWritten: client.stats.recordsWritten, retries: client.stats.retries }),
        async close() {
          await closeSandbox?.();
          await pool.end().catch(() => {});
        },
      };
      return dest;
    },
    sandbox: {
      async start({ databaseUrl, port, host, env }) {
        const { startZohoSandbox } = await import('./sandbox/server.ts');
        const sb = await startZohoSandbox({ databaseUrl, port, host, seed: opts.sandboxSeed, env });
        return { url: sb.apiDomain, clientEnv: { ZOHO_SANDBOX_URL: sb.apiDomain }, close: () => sb.close() };
      },
      async dump(databaseUrl, pipeline, modules) {
        const { dumpZohoOrg } = await import('./sandbox/dump.ts');
        return dumpZohoOrg(databaseUrl, pipeline, modules, ZOHO_KEY_FIELD);
      },
      rehearsalFaults: ZOHO_REHEARSAL_FAULTS,
      injectedFaults: zohoInjectedFaults,
      async probe(pool) {
        const { snapshotZohoOrg, diffZohoSnapshots } = await import('./sandbox/snapshot.ts');
        type State = Pick<Awaited<ReturnType<typeof snapshotZohoOrg>>, 'records' | 'attachments'>;
        const empty = { modules: [], fields: {}, users: {}, tags: {} };
        const probe: OrgProbe<State> = {
          async state() {
            const s = await snapshotZohoOrg(pool as never);
            return { records: s.records, attachments: s.attachments };
          },
          diff: (a, b) => diffZohoSnapshots({ ...empty, ...a }, { ...empty, ...b }),
        };
        return probe as OrgProbe;
      },
    },
  };
}
