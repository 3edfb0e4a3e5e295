/**
 * Where the sandbox Nutshell instance keeps its state: schema sandbox_nutshell of the staging
 * database, so several invocations of a migration see one instance. Seeded once.
 */
import type pg from 'pg';

export const SANDBOX_DOMAIN = 'sandbox.example';

export interface NutshellSandboxUser {
  email: string;
  name: string;
  isAdministrator?: boolean;
  isEnabled?: boolean;
}

export interface NutshellSandboxApiKey {
  apiKey: string;
  name: string;
  /** E-mail of the user the key belongs to. */
  userEmail: string;
  /** An impersonation key accepts any enabled user's e-mail as username. */
  impersonation?: boolean;
}

export interface NutshellSandboxSeed {
  users?: NutshellSandboxUser[];
  teams?: { name: string }[];
  sources?: string[];
  tags?: { name: string; entityType: 'Contacts' | 'Accounts' | 'Leads' }[];
  customFields?: { entityType: 'Contacts' | 'Accounts' | 'Leads'; name: string; type: string; choices?: string[] }[];
  activityTypes?: string[];
  /** Existing records, created through the same rules as newX (in order; ids follow the order). */
  records?: { entityType: 'Contacts' | 'Accounts' | 'Leads' | 'Activities' | 'Tasks'; data: Record<string, unknown> }[];
  apiKeys?: NutshellSandboxApiKey[];
}

export const SANDBOX_ADMIN = { email: 'admin@sandbox.example', name: 'Sandbox Admin', isAdministrator: true };
export const SANDBOX_API_KEY = 'sbx-nutshell-0a1b2c3d4e5f60718293';

export async function ensureNutshellSchema(pool: pg.Pool): Promise<void> {
  await pool.query(`
    create schema if not exists sandbox_nutshell;
    create table if not exists sandbox_nutshell.counters (name text primary key, n bigint not null);
    create table if not exists sandbox_nutshell.entities (
      entity_type text not null, id int not null, rev int not null default 1, data jsonb not null,
      creator_id int, created_time timestamptz not null default now(), modified_time timestamptz not null default now(),
      deleted_time timestamptz, primary key (entity_type, id));
    create table if not exists sandbox_nutshell.tags (
      entity_type text not null, name text not null, created_time timestamptz not null default now());
    create unique index if not exists tags_name on sandbox_nutshell.tags (entity_type, lower(name));
    create table if not exists sandbox_nutshell.custom_fields (
      id serial primary key, entity_type text not null, name text not null, type text not null,
      choices jsonb, is_multiple boolean not null default false, title text);
    create unique index if not exists custom_fields_name on sandbox_nutshell.custom_fields (entity_type, name);
    create table if not exists sandbox_nutshell.api_keys (
      api_key text primary key, name text not null, user_email text not null, impersonation boolean not null default false);
    create table if not exists sandbox_nutshell.meta (key text primary key, value jsonb not null);
    -- searchByEmail runs before every contact create: an index keeps it cheap at 100k people.
    create table if not exists sandbox_nutshell.emails (entity_type text not null, id int not null, email text not null);
    create index if not exists emails_email on sandbox_nutshell.emails (email);
    create index if not exists emails_entity on sandbox_nutshell.emails (entity_type, id);
    create table if not exists sandbox_nutshell.request_log (
      id bigint generated always as identity primary key, http_method text not null, path text not null,
      rpc_method text, status int not null, error_code int, fault text, latency_ms real not null,
      at timestamptz not null default now());
  `);
  // State written before the e-mail index existed gets indexed once.
  await pool.query(`
    insert into sandbox_nutshell.emails (entity_type, id, email)
    select e.entity_type, e.id, lower(v.value) from sandbox_nutshell.entities e, jsonb_each_text(e.data->'email') v
     where e.deleted_time is null and jsonb_typeof(e.data->'email') = 'object'
       and not exists (select 1 from sandbox_nutshell.emails)`);
}

/** Next value of a named counter (per-entity id sequences, lead numbers). */
export async function nextNumber(q: pg.Pool | pg.PoolClient, name: string, start = 1): Promise<number> {
  const { rows } = await q.query(
    `insert into sandbox_nutshell.counters (name, n) values ($1, $2) on conflict (name) do update set n = sandbox_nutshell.counters.n + 1 returning n`,
    [name, start],
  );
  return Number(rows[0].n);
}

/** Users/teams/metadata rows that are not created through newX (no validation needed). */
export async function insertPlain(pool: pg.Pool, entityType: string, data: Record<string, unknown>): Promise<number> {
  const id = await nextNumber(pool, entityType);
  await pool.query('insert into sandbox_nutshell.entities (entity_type, id, data) values ($1,$2,$3)', [entityType, id, JSON.stringify(data)]);
  return id;
}

export function userData(u: NutshellSandboxUser): Record<string, unknown> {
  const [firstName, ...rest] = u.name.trim().split(/\s+/);
  return {
    name: u.name,
    firstName: firstName ?? '',
    lastName: rest.join(' '),
    emails: [u.email.toLowerCase()],
    isEnabled: u.isEnabled ?? true,
    isAdministrator: u.isAdministrator ?? false,
  };
}

/**
 * Seed the instance the first time (a `seeded` flag in meta); later starts leave the state as is.
 * Records are created by `createRecord` so they obey the same rules as the API.
 */
export async function seedNutshellSandbox(
  pool: pg.Pool,
  seed: NutshellSandboxSeed,
  createRecord: (entityType: string, data: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
  const { rowCount } = await pool.query(`select 1 from sandbox_nutshell.meta where key = 'seeded'`);
  if (rowCount) return;
  const users = [SANDBOX_ADMIN, ...(seed.users ?? [])];
  const seen = new Set<string>();
  for (const u of users) {
    if (seen.has(u.email.toLowerCase())) continue;
    seen.add(u.email.toLowerCase());
    await insertPlain(pool, 'Users', userData(u));
  }
  for (const t of [{ name: 'Sales' }, ...(seed.teams ?? [])]) await insertPlain(pool, 'Teams', { name: t.name });
  // Observed defaults: "Phone Call / Meeting" id 1, "Email/Log" id 3; id 2 "Meeting" is a fixture choice.
  for (const name of seed.activityTypes ?? ['Phone Call / Meeting', 'Meeting', 'Email/Log']) await insertPlain(pool, 'Activity_Types', { name });
  const stageset = await insertPlain(pool, 'Stagesets', { name: 'Default Pipeline', default: true, position: 0 });
  for (const [i, name] of ['Qualify', 'Present', 'Propose', 'Negotiate'].entries())
    await insertPlain(pool, 'Milestones', { name, position: i, stagesetId: stageset });
  for (const [description, type] of [['Won', 10], ['Lost', 11], ['Cancelled', 12]] as const)
    await insertPlain(pool, 'Lead_Outcomes', { description, type });
  for (const s of seed.sources ?? []) await insertPlain(pool, 'Sources', { name: s });
  for (const t of seed.tags ?? [])
    await pool.query('insert into sandbox_nutshell.tags (entity_type, name) values ($1,$2) on conflict do nothing', [t.entityType, t.name]);
  for (const f of seed.customFields ?? [])
    await pool.query('insert into sandbox_nutshell.custom_fields (entity_type, name, type, choices) values ($1,$2,$3,$4) on conflict do nothing', [
      f.entityType,
      f.name,
      f.type,
      f.choices ? JSON.stringify(f.choices) : null,
    ]);
  const keys = seed.apiKeys ?? [{ apiKey: SANDBOX_API_KEY, name: 'Migration key', userEmail: SANDBOX_ADMIN.email, impersonation: true }];
  for (const k of keys)
    await pool.query('insert into sandbox_nutshell.api_keys values ($1,$2,$3,$4) on conflict do nothing', [k.apiKey, k.name, k.userEmail.toLowerCase(), k.impersonation ?? false]);
  for (const r of seed.records ?? []) await createRecord(r.entityType, r.data);
  await pool.query(`insert into sandbox_nutshell.meta (key, value) values ('seeded', 'true')`);
}
