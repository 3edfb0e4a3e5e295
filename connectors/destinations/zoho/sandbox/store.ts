/**
 * Sandbox Zoho org state in PostgreSQL (schema sandbox_zoho): schema, id generation, the default
 * module/field registry and the one-time seed. Every table lives in the staging database so a
 * migration spread over several invocations sees one org.
 */
import type pg from 'pg';
import { DEFAULT_MODULES, type FieldDef, type ModuleDef } from './catalog.ts';

export interface ZohoSandboxUser {
  email: string;
  full_name: string;
  status?: 'active' | 'inactive';
  /** Makes the user an administrator (profile Administrator); the first seeded admin is the API user. */
  admin?: boolean;
}

export interface ZohoSandboxCustomField {
  api_name?: string;
  field_label: string;
  data_type: string;
  length?: number;
  pick_list_values?: string[];
  unique?: boolean;
  /** Lookup target module for data_type lookup. */
  lookup_module?: string;
  /** Reject picklist values that are not among the options (Zoho stores them; see README). */
  strict_picklist?: boolean;
}

export interface ZohoSandboxSeed {
  users?: ZohoSandboxUser[];
  /** Edition of the org: free | standard | professional | enterprise | ultimate. */
  edition?: string;
  /** Extra picklist options per module and field: { Leads: { Lead_Source: ['Expo'] } }. */
  picklists?: Record<string, Record<string, string[]>>;
  /** Custom modules by api_name (display field "Name"). */
  customModules?: { api_name: string; singular_label?: string; plural_label?: string }[];
  /** Custom fields per module. */
  customFields?: Record<string, ZohoSandboxCustomField[]>;
  /** Records already in the org (fields as the API would take them; an optional id keeps that id). */
  records?: Record<string, Record<string, unknown>[]>;
}

export const ORG_PREFIX = '5725767';
export const ORG_ZGID = '60012345';

export async function ensureSandboxSchema(pool: pg.Pool): Promise<void> {
  // Two processes starting the sandbox at once (setup and users side by side) would race on
  // "create ... if not exists", which PostgreSQL answers with a unique violation; the statements
  // below run as one transaction, so its lock serialises them.
  await pool.query(`
    select pg_advisory_xact_lock(hashtext('sandbox_zoho.schema'));
    create schema if not exists sandbox_zoho;
    create sequence if not exists sandbox_zoho.ids;
    create table if not exists sandbox_zoho.users (
      id text primary key, email text not null unique, full_name text not null, status text not null default 'active');
    alter table sandbox_zoho.users add column if not exists profile text not null default 'Standard';
    alter table sandbox_zoho.users add column if not exists role text not null default 'CEO';
    alter table sandbox_zoho.users add column if not exists confirm boolean not null default true;
    create table if not exists sandbox_zoho.records (
      module text not null, id text not null, data jsonb not null,
      created_time timestamptz not null default now(), modified_time timestamptz not null default now(),
      primary key (module, id));
    -- Duplicate checks and upserts look records up by these fields (records.ts findByFieldSql).
    create index if not exists records_by_key on sandbox_zoho.records (module, lower(data->>'CRM_Migrate_Key'));
    create index if not exists records_by_email on sandbox_zoho.records (module, lower(data->>'Email'));
    create index if not exists records_by_account_name on sandbox_zoho.records (module, lower(data->>'Account_Name'));
    create index if not exists records_by_deal_name on sandbox_zoho.records (module, lower(data->>'Deal_Name'));
    create index if not exists records_by_name on sandbox_zoho.records (module, lower(data->>'Name'));
    create table if not exists sandbox_zoho.deleted_records (
      module text not null, id text not null, data jsonb not null, deleted_time timestamptz not null default now());
    create table if not exists sandbox_zoho.tokens (
      access_token text primary key, expires_at timestamptz not null);
    alter table sandbox_zoho.tokens add column if not exists created_at timestamptz not null default now();
    create table if not exists sandbox_zoho.request_log (
      id bigint generated always as identity primary key, method text not null, path text not null,
      status int not null, records int not null default 0, latency_ms real not null, at timestamptz not null default now());
    alter table sandbox_zoho.request_log add column if not exists credits int not null default 0;
    alter table sandbox_zoho.request_log add column if not exists code text;
    alter table sandbox_zoho.request_log add column if not exists fault text;
    create table if not exists sandbox_zoho.meta (key text primary key, value jsonb not null);
    create table if not exists sandbox_zoho.modules (
      api_name text primary key, id text not null, custom boolean not null default false, data jsonb not null default '{}');
    create table if not exists sandbox_zoho.fields (
      module text not null, api_name text not null, id text not null, seq serial, data jsonb not null,
      primary key (module, api_name));
    create table if not exists sandbox_zoho.credit_ledger (
      id bigint generated always as identity primary key, at timestamptz not null default now(), credits int not null, path text not null);
    create index if not exists credit_ledger_at on sandbox_zoho.credit_ledger (at);
    create table if not exists sandbox_zoho.attachments (
      id text primary key, module text not null, record_id text not null, file_name text not null, size int not null,
      content bytea not null, created_time timestamptz not null default now());
    create table if not exists sandbox_zoho.tags (
      module text not null, name text not null, id text not null, primary key (module, name));
    create table if not exists sandbox_zoho.bulk_files (
      id text primary key, name text not null, content bytea not null, created_time timestamptz not null default now());
    create table if not exists sandbox_zoho.bulk_jobs (
      id text primary key, status text not null, request jsonb not null, job jsonb not null, result bytea,
      created_time timestamptz not null default now());
  `);
}

// Ids are drawn from the sequence in blocks: one round trip per 50 records instead of one each
// (Zoho's ids have gaps too).
const idBlocks = new WeakMap<object, string[]>();

export async function newId(pool: pg.Pool | pg.PoolClient): Promise<string> {
  let block = idBlocks.get(pool);
  if (!block?.length) {
    const { rows } = await pool.query(`select nextval('sandbox_zoho.ids') as n from generate_series(1, 50) order by 1`);
    block = rows.map((r) => ORG_PREFIX + String(r.n).padStart(12, '0'));
    idBlocks.set(pool, block);
  }
  return block.shift()!;
}

export function zohoTime(d: Date | string = new Date()): string {
  return new Date(d).toISOString().replace(/\.\d+Z$/, '+00:00');
}

/** Custom-field api_name from a label: drop special characters, spaces to "_" (reference §6.4). */
export function apiNameFromLabel(label: string): string {
  const base = label
    .replace(/[^A-Za-z0-9 _]/g, '')
    .trim()
    .replace(/\s+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return /^[A-Za-z]/.test(base) ? base : `Field_${base}`;
}

export function fieldRow(def: FieldDef, custom: boolean): Record<string, unknown> {
  return {
    field_label: def.label ?? def.api_name.replace(/_/g, ' '),
    data_type: def.type,
    length: def.length ?? null,
    system_mandatory: def.mandatory ?? false,
    custom_field: custom,
    read_only: def.readOnly ?? false,
    unique: def.unique ? { casesensitive: false } : {},
    lookup_module: def.lookup ?? null,
    pick_list: def.picklist ?? null,
    strict_picklist: def.strictPicklist ?? false,
    textarea_type: def.textareaType ?? null,
  };
}

export async function insertField(pool: pg.Pool | pg.PoolClient, module: string, def: FieldDef, custom: boolean): Promise<string> {
  const id = await newId(pool);
  const row = fieldRow(def, custom);
  if (Array.isArray(row.pick_list)) {
    const opts = [];
    for (const v of row.pick_list as string[]) opts.push({ id: await newId(pool), display_value: v, actual_value: v });
    row.pick_list = opts;
  }
  await pool.query('insert into sandbox_zoho.fields (module, api_name, id, data) values ($1,$2,$3,$4) on conflict do nothing', [module, def.api_name, id, row]);
  return id;
}

export async function insertModule(pool: pg.Pool | pg.PoolClient, mod: ModuleDef, custom: boolean): Promise<string> {
  const id = await newId(pool);
  await pool.query('insert into sandbox_zoho.modules (api_name, id, custom, data) values ($1,$2,$3,$4) on conflict do nothing', [
    mod.api_name,
    id,
    custom,
    { singular_label: mod.singular ?? mod.api_name, plural_label: mod.plural ?? mod.api_name, duplicate_check: mod.duplicateCheck ?? null, api_supported: mod.apiSupported ?? true },
  ]);
  for (const f of mod.fields) await insertField(pool, mod.api_name, f, false);
  return id;
}

/**
 * Creates the org on first use (default modules and fields, users, seed state). A seeded org is
 * seeded only once: later invocations find meta.seeded and leave the org as it is.
 */
export async function seedSandbox(pool: pg.Pool, seed: ZohoSandboxSeed): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtext('sandbox_zoho.seed'))`);
    const done = await client.query(`select 1 from sandbox_zoho.meta where key = 'seeded'`);
    if (done.rowCount) {
      await client.query('commit');
      return false;
    }
    // An org created by an older sandbox version already has users: keep them.
    const hadUsers = (await client.query('select count(*)::int as n from sandbox_zoho.users')).rows[0].n > 0;
    const users = hadUsers ? (seed.users ?? []) : [{ email: 'admin@sandbox.example', full_name: 'Sandbox Admin', status: 'active' as const, admin: true }, ...(seed.users ?? [])];
    for (const u of users) {
      await client.query('insert into sandbox_zoho.users (id, email, full_name, status, profile, role) values ($1,$2,$3,$4,$5,$6) on conflict (email) do nothing', [
        await newId(client),
        u.email.toLowerCase(),
        u.full_name,
        u.status ?? 'active',
        u.admin ? 'Administrator' : 'Standard',
        u.admin ? 'CEO' : 'Manager',
      ]);
    }
    for (const mod of DEFAULT_MODULES) await insertModule(client, mod, false);
    for (const m of seed.customModules ?? []) {
      await insertModule(client, { api_name: m.api_name, singular: m.singular_label, plural: m.plural_label, duplicateCheck: 'Name', fields: customModuleFields() }, true);
    }
    for (const [module, fields] of Object.entries(seed.customFields ?? {})) {
      for (const f of fields) {
        await insertField(
          client,
          module,
          {
            api_name: f.api_name ?? apiNameFromLabel(f.field_label),
            label: f.field_label,
            type: f.data_type,
            length: f.length ?? (f.data_type === 'text' ? 255 : undefined),
            picklist: f.pick_list_values,
            unique: f.unique,
            lookup: f.lookup_module,
            strictPicklist: f.strict_picklist,
          },
          true,
        );
      }
    }
    for (const [module, byField] of Object.entries(seed.picklists ?? {})) {
      for (const [field, values] of Object.entries(byField)) await addPicklistValues(client, module, field, values);
    }
    await client.query(`insert into sandbox_zoho.meta values ('seeded', $1), ('edition', $2)`, [JSON.stringify(zohoTime()), JSON.stringify(seed.edition ?? 'enterprise')]);
    for (const [module, recs] of Object.entries(seed.records ?? {})) {
      for (const r of recs) {
        const { id, ...data } = r as { id?: string };
        await client.query('insert into sandbox_zoho.records (module, id, data) values ($1,$2,$3)', [module, id ? String(id) : await newId(client), data]);
      }
    }
    await client.query('commit');
    return true;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export function customModuleFields(): FieldDef[] {
  return [
    { api_name: 'Name', type: 'text', length: 120, mandatory: true },
    { api_name: 'Email', type: 'email', length: 100 },
    { api_name: 'Owner', type: 'ownerlookup' },
    { api_name: 'Description', type: 'textarea', length: 32000 },
    ...SYSTEM_FIELDS,
  ];
}

export const SYSTEM_FIELDS: FieldDef[] = [
  { api_name: 'Created_Time', type: 'datetime', readOnly: true },
  { api_name: 'Modified_Time', type: 'datetime', readOnly: true },
  { api_name: 'Created_By', type: 'ownerlookup', readOnly: true },
  { api_name: 'Modified_By', type: 'ownerlookup', readOnly: true },
  { api_name: 'Tag', type: 'text', readOnly: false, length: 2000 },
];

export async function addPicklistValues(pool: pg.Pool | pg.PoolClient, module: string, field: string, values: string[]): Promise<void> {
  const { rows } = await pool.query('select data from sandbox_zoho.fields where module = $1 and api_name = $2', [module, field]);
  if (!rows.length) throw new Error(`sandbox seed: unknown picklist field ${module}.${field}`);
  const data = rows[0].data;
  const opts = (data.pick_list ?? []) as { id: string; display_value: string; actual_value: string }[];
  for (const v of values) if (!opts.some((o) => o.display_value === v)) opts.push({ id: await newId(pool), display_value: v, actual_value: v });
  await pool.query('update sandbox_zoho.fields set data = $3 where module = $1 and api_name = $2', [module, field, { ...data, pick_list: opts }]);
}
