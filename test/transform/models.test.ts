/**
 * The model runner, the model tests and the test step, through the real CLI, on fixture
 * models in a temporary sql folder (CRM_MIGRATE_SQL_DIR) in the leadtrekker-to-zoho schemas.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { projectRoot, sqlDir } from '../../engine/paths.ts';
import { loadModelTests } from '../../engine/transform/tests.ts';
import { registry } from '../../pipelines/registry.ts';
import { test as testStep } from '../../engine/steps/test.ts';
import type { StepContext } from '../../engine/steps/context.ts';
import { buildModels, dataVersion } from '../../engine/transform/build.ts';
import { loadModels } from '../../engine/transform/models.ts';
import { customFieldsFile } from '../../engine/custom-fields.ts';

const P = 'leadtrekker-to-zoho';
let db: TestDb;
let dir: string;
const env = () => ({ DATABASE_URL: db.url, CRM_MIGRATE_SQL_DIR: dir });
const put = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
};
const SCHEMAS = ['stg_leadtrekker', 'dq_leadtrekker', 'leadtrekker_to_zoho', 'dq_leadtrekker_to_zoho'];
// The CLI is slow to start; most checks call the runner in-process, on the same fixture folder.
const build = async (opts: { select?: string[]; force?: boolean } = {}) => {
  // the data version as the transform step computes it (value maps and the custom-field mapping)
  const pipeline = registry.pipelines.find((p) => p.name === P)!;
  const r = await buildModels(db, dir, { schemas: SCHEMAS, dataVersion: await dataVersion(db, path.join(projectRoot, 'pipelines', P, 'maps'), customFieldsFile(pipeline)), ...opts });
  return r.built.map((b) => b.id).sort();
};
const failure = async (opts: { select?: string[] } = {}) => build(opts).then(() => { throw new Error('expected the build to fail'); }, (e) => e as { code: string; message: string });

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-models-'));
  cpSync(path.join(sqlDir, 'lib'), path.join(dir, 'lib'), { recursive: true });
  await db.pool.query(`
    create schema raw_leadtrekker;
    create table raw_leadtrekker.leads (lead_id text, name text, email text, status text, _file text default 'leads.csv', _line int);
    insert into raw_leadtrekker.leads (lead_id, name, email, status, _line) values
      ('1', 'DR JAN VAN DER MERWE', 'Jan@Example.com', 'New', 2),
      ('2', 'Smith', 'bad-email', 'Won', 3),
      ('3', 'Mary Anne Smith', null, 'Weird', 4),
      ('4', 'Thandi Nkosi', 'jan@example.com', 'New', 5);
  `);
  put('stg_leadtrekker/leads.sql', `-- Fixture staging model.
select lead_id, (lib.split_name(name)).*, lib.clean_email(email) as email, status
from raw_leadtrekker.leads
`);
  put('stg_leadtrekker/lead_emails.sql', `-- materialized: table
select lead_id, email from stg_leadtrekker.leads where email is not null
`);
  put('leadtrekker_to_zoho/leads.sql', `select l.lead_id as source_key, l.first_name as "First_Name", l.last_name as "Last_Name",
  l.email as "Email", l.status as "Lead_Status"
from stg_leadtrekker.leads l
`);
  put('dq_leadtrekker/uncertain_names.sql', `-- depends_on: leadtrekker_to_zoho.leads
select 'uncertain_name'::text as category, 'warning'::text as severity, 'leads'::text as object,
  lead_id as source_key, 'Name'::text as field, last_name as value, reason as message
from stg_leadtrekker.leads where uncertain
`);
});
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('model runner', () => {
  it('finds references after a `--` inside a string literal, and not inside comments', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'crm-deps-'));
    try {
      mkdirSync(path.join(d, 's'));
      writeFileSync(path.join(d, 's', 'a.sql'), 'select 1 as x');
      writeFileSync(path.join(d, 's', 'b.sql'), 'select 2 as x');
      writeFileSync(path.join(d, 's', 'c.sql'), "select 'use --fallback-owner' as hint, x from s.a\n-- s.b is only mentioned here\n");
      expect(loadModels(d).models.get('s.c')!.dependsOn).toEqual(['s.a']);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('builds models in dependency order, views and tables as declared', async () => {
    const r = await runCli([P, 'transform', '--json'], env());
    expect(r.exitCode, r.stderr).toBe(0);
    expect([...r.json.transform.models].sort()).toEqual(['dq_leadtrekker.uncertain_names', 'leadtrekker_to_zoho.leads', 'stg_leadtrekker.lead_emails', 'stg_leadtrekker.leads']);
    const kinds = await db.pool.query(
      `select n.nspname || '.' || c.relname as m, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('stg_leadtrekker', 'leadtrekker_to_zoho', 'dq_leadtrekker') and c.relname in ('leads', 'lead_emails', 'uncertain_names') order by 1`,
    );
    expect(kinds.rows).toEqual([
      { m: 'dq_leadtrekker.uncertain_names', relkind: 'v' },
      { m: 'leadtrekker_to_zoho.leads', relkind: 'v' },
      { m: 'stg_leadtrekker.lead_emails', relkind: 'r' },
      { m: 'stg_leadtrekker.leads', relkind: 'v' },
    ]);
    const v = await db.pool.query(`select "First_Name", "Last_Name" from leadtrekker_to_zoho.leads where source_key = '1'`);
    expect(v.rows[0]).toEqual({ First_Name: 'Jan', Last_Name: 'van der Merwe' });
    const state = await db.pool.query(`select model from etl.model_state order by 1`);
    expect(state.rows.map((x) => x.model)).toContain('stg_leadtrekker.lead_emails');
  });

  it('rebuilds nothing when nothing changed, and only a changed model and its dependents after an edit', async () => {
    const again = await runCli([P, 'transform', '--json'], env());
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.json.transform.models).toEqual([]);
    expect(again.json.transform.unchanged).toHaveLength(4);

    put('leadtrekker_to_zoho/leads.sql', `select l.lead_id as source_key, l.first_name as "First_Name", l.last_name as "Last_Name",
  l.email as "Email", upper(l.status) as "Lead_Status"
from stg_leadtrekker.leads l
`);
    // the dq view depends on it (declared in its header), so it is rebuilt too
    expect(await build()).toEqual(['dq_leadtrekker.uncertain_names', 'leadtrekker_to_zoho.leads']);
    expect(await build()).toEqual([]);
    expect(await build({ force: true })).toHaveLength(4);
  });

  it('rebuilds a table model when its data changed (a new extract batch)', async () => {
    await db.pool.query(`insert into etl.extract_batches (source, file, path, sha256) values ('leadtrekker', 'leads.csv', '/x/leads.csv', 'abc')`);
    expect(await build()).toEqual(['stg_leadtrekker.lead_emails']);
  });

  it('--select model rebuilds it (and dependent views it dropped); model+ rebuilds everything downstream', async () => {
    // the views on top were dropped by cascade and so come back; the table is left alone
    expect(await build({ select: ['stg_leadtrekker.leads'] })).toEqual(['dq_leadtrekker.uncertain_names', 'leadtrekker_to_zoho.leads', 'stg_leadtrekker.leads']);
    expect(await build({ select: ['stg_leadtrekker.leads+'] })).toEqual([
      'dq_leadtrekker.uncertain_names', 'leadtrekker_to_zoho.leads', 'stg_leadtrekker.lead_emails', 'stg_leadtrekker.leads',
    ]);
    expect((await failure({ select: ['stg_leadtrekker.nope'] })).code).toBe('MODEL_MISSING_REF');
  });

  it('--select stays in the pipeline: another pipeline\'s and an analyst\'s views on a shared model are put back, +m builds upstream', async () => {
    // another pipeline's view and an analyst's own view on the shared staging model
    put('leadtrekker_to_nutshell/people.sql', 'select lead_id, last_name from stg_leadtrekker.leads\n');
    await db.pool.query(`create schema if not exists leadtrekker_to_nutshell;
      create view leadtrekker_to_nutshell.people as select lead_id, last_name from stg_leadtrekker.leads;
      comment on view leadtrekker_to_nutshell.people is 'the other pipeline''s people';
      create schema if not exists analyst;
      create view analyst.names as select p.last_name, z."Email" from leadtrekker_to_nutshell.people p join leadtrekker_to_zoho.leads z on z.source_key = p.lead_id`);
    try {
      expect((await failure({ select: ['leadtrekker_to_nutshell.people'] })).code).toBe('SELECT_OUTSIDE_PIPELINE');
      const r = await buildModels(db, dir, { schemas: SCHEMAS, select: ['stg_leadtrekker.leads+'] });
      expect(r.built.map((b) => b.id)).not.toContain('leadtrekker_to_nutshell.people');
      // (the pipeline's own generated views, such as the snake_case twins, come back too)
      expect(r.restored).toEqual(expect.arrayContaining(['analyst.names', 'leadtrekker_to_nutshell.people']));
      const back = await db.pool.query(`select obj_description('leadtrekker_to_nutshell.people'::regclass, 'pg_class') as c, (select count(*)::int from analyst.names) as n`);
      expect(back.rows[0]).toEqual({ c: "the other pipeline's people", n: 4 });
      // +m: the model and everything upstream
      expect(await build({ select: ['+leadtrekker_to_zoho.leads'] })).toEqual(['dq_leadtrekker.uncertain_names', 'leadtrekker_to_zoho.leads', 'stg_leadtrekker.leads']);
    } finally {
      rmSync(path.join(dir, 'leadtrekker_to_nutshell'), { recursive: true, force: true });
      await db.pool.query('drop schema analyst cascade; drop schema leadtrekker_to_nutshell cascade');
    }
  });

  it('a failed build leaves no view dropped: views a rebuild dropped come back as they were', async () => {
    const file = 'dq_leadtrekker/uncertain_names.sql';
    const before = readFileSync(path.join(dir, file), 'utf8');
    put(file, before.replace('from stg_leadtrekker.leads', 'from stg_leadtrekker.leads where lenght(lead_id) > 0 and'));
    try {
      const e = await failure({ select: ['stg_leadtrekker.leads'] });
      expect(e.code).toBe('MODEL_SQL');
      expect(e.message).toContain('views put back as they were: dq_leadtrekker.uncertain_names');
      const rel = await db.pool.query(`select to_regclass('dq_leadtrekker.uncertain_names') as d, to_regclass('leadtrekker_to_zoho.leads') as v`);
      expect(rel.rows[0]).toEqual({ d: 'dq_leadtrekker.uncertain_names', v: 'leadtrekker_to_zoho.leads' });
    } finally {
      put(file, before);
    }
    // the view put back is the one the model state records, so with the file fixed nothing is missing
    expect(await build()).not.toContain('dq_leadtrekker.uncertain_names');
    expect((await db.pool.query(`select count(*)::int as n from dq_leadtrekker.uncertain_names`)).rows[0].n).toBeGreaterThan(0);
  });

  it('names the file and line of a SQL error and leaves no half-built relation', async () => {
    put('stg_leadtrekker/broken.sql', `-- A model with a typo on line 3.
select lead_id,
  lenght(name) as n
from raw_leadtrekker.leads
`);
    const e = await failure();
    expect(e.code).toBe('MODEL_SQL');
    expect(e.message).toContain(`${path.join(dir, 'stg_leadtrekker', 'broken.sql')}:3: model stg_leadtrekker.broken failed`);
    // built atomically: the failed model left nothing half-made, the others are intact
    const rel = await db.pool.query(`select to_regclass('stg_leadtrekker.broken') as b, to_regclass('leadtrekker_to_zoho.leads') as v`);
    expect(rel.rows[0]).toEqual({ b: null, v: 'leadtrekker_to_zoho.leads' });
    rmSync(path.join(dir, 'stg_leadtrekker', 'broken.sql'));
  });

  it('explains a cycle and a missing reference with the model names', async () => {
    put('dq_leadtrekker_to_zoho/a.sql', 'select * from dq_leadtrekker_to_zoho.b\n');
    put('dq_leadtrekker_to_zoho/b.sql', 'select * from dq_leadtrekker_to_zoho.a\n');
    const cyc = await failure();
    expect(cyc.code).toBe('MODEL_CYCLE');
    expect(cyc.message).toMatch(/dq_leadtrekker_to_zoho\.(a|b) -> dq_leadtrekker_to_zoho\.(a|b) -> dq_leadtrekker_to_zoho\.(a|b)/);
    rmSync(path.join(dir, 'dq_leadtrekker_to_zoho', 'b.sql'));
    put('dq_leadtrekker_to_zoho/a.sql', '-- depends_on: stg_leadtrekker.ghost\nselect 1 as x\n');
    const miss = await failure();
    expect(miss.code).toBe('MODEL_MISSING_REF');
    expect(miss.message).toContain('stg_leadtrekker.ghost');
    rmSync(path.join(dir, 'dq_leadtrekker_to_zoho', 'a.sql'));
  });
});

describe('model tests (test step)', () => {
  it('runs every kind of test, prints failures with sample rows, fails on errors only', async () => {
    put('leadtrekker_to_zoho/leads.yml', `tests:
  - not_null: [source_key, Last_Name]
  - not_null: [Email]
    severity: warn
  - unique: [source_key]
  - unique: [[Email]]
  - accepted_values: { column: Lead_Status, values: [NEW, WON] }
  - relationships: { column: source_key, to: raw_leadtrekker.leads, field: lead_id }
  - row_count: { min: 1 }
  - row_count: { equals: "raw_leadtrekker.leads" }
  - row_count: { max: 2 }
    severity: warn
  - sql: "select source_key from leadtrekker_to_zoho.leads where \\"Email\\" like '%@%' and \\"Email\\" not like '%.%'"
    name: email_has_dot
`);
    const r = await runCli([P, 'test', '--json'], env());
    expect(r.exitCode).toBe(1);
    expect(r.json.error.code).toBe('MODEL_TEST_FAILED');
    const t = r.json.test;
    expect(t.tests).toBe(11);
    const failing = Object.fromEntries(t.failures.map((f: any) => [f.test, [f.severity, f.rows]]));
    expect(failing).toEqual({
      'not_null(Email)': ['warn', 1],
      'unique(Email)': ['error', 1],
      'accepted_values(Lead_Status)': ['error', 1],
      'row_count(max 2)': ['warn', 1],
    });
    expect(t.failed).toBe(2);
    expect(t.warned).toBe(2);
    expect(t.passed).toBe(7);
    // failing tests are printed with their offending rows and where they are declared
    expect(r.stderr).toContain('FAIL  leadtrekker_to_zoho.leads: accepted_values(Lead_Status)');
    expect(r.stderr).toMatch(/Lead_Status=WEIRD\s+rows=1/);
    expect(r.stderr).toMatch(/Email=jan@example.com\s+rows=2/);
    expect(r.stderr).toContain(`${path.join(dir, 'leadtrekker_to_zoho', 'leads.yml')}:6`);
  });

  it('passes when only warnings fail', async () => {
    put('leadtrekker_to_zoho/leads.yml', `tests:
  - unique: [Email]
    severity: warn
  - not_null: [Last_Name]
`);
    // the step itself, in-process (the CLI path is covered above)
    const prev = process.env.CRM_MIGRATE_SQL_DIR;
    process.env.CRM_MIGRATE_SQL_DIR = dir;
    const logs: string[] = [];
    const ctx = { db, pipeline: registry.pipelines.find((p) => p.name === P)!, flags: { json: true }, log: (m: string) => logs.push(m), summary: {} as Record<string, any> };
    try {
      await testStep(ctx as unknown as StepContext);
    } finally {
      if (prev === undefined) delete process.env.CRM_MIGRATE_SQL_DIR;
      else process.env.CRM_MIGRATE_SQL_DIR = prev;
    }
    expect(ctx.summary.test).toMatchObject({ tests: 2, passed: 1, failed: 0, warned: 1 });
    expect(logs.join('\n')).toContain('WARN  leadtrekker_to_zoho.leads: unique(Email)');
  });

  it('rejects a malformed test file with its file and line', () => {
    put('stg_leadtrekker/leads.yml', `tests:
  - not_null: [lead_id]
  - accepted_values: { column: status }
`);
    expect(() => loadModelTests(dir, ['stg_leadtrekker'])).toThrow(/leads\.yml:3: accepted_values needs column, values/);
    put('stg_leadtrekker/leads.yml', `tests:
  - unknown_kind: [lead_id]
`);
    expect(() => loadModelTests(dir, ['stg_leadtrekker'])).toThrow(/leads\.yml:2: expected exactly one of/);
    put('stg_leadtrekker/leads.yml', `tests:\n  - sql: "select 1"\n`);
    expect(() => loadModelTests(dir, ['stg_leadtrekker'])).toThrow(/leads\.yml:2: a sql test needs a name/);
    rmSync(path.join(dir, 'stg_leadtrekker', 'leads.yml'));
  });
});

describe('materialization per folder, keys and indexes', () => {
  const d = () => {
    const x = mkdtempSync(path.join(tmpdir(), 'crm-mat-'));
    mkdirSync(path.join(x, 'lib'));
    return x;
  };
  const relkind = async (rel: string) =>
    (await db.pool.query(`select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname || '.' || c.relname = $1`, [rel])).rows[0]?.relkind;

  it("a folder's _config.yml makes its models tables, a model's header overrides it, and declared indexes are built", async () => {
    const x = d();
    try {
      mkdirSync(path.join(x, 'mat_a'));
      writeFileSync(path.join(x, 'mat_a', '_config.yml'), 'materialized: table\ncomment: fixture\n');
      writeFileSync(path.join(x, 'mat_a', 'items.sql'), '-- unique_key: id\n-- indexes: grp; grp, id\nselect g as id, g % 3 as grp from generate_series(1, 50) g\n');
      writeFileSync(path.join(x, 'mat_a', 'live.sql'), '-- materialized: view\nselect id from mat_a.items where grp = 0\n');
      const r = await buildModels(db, x, { schemas: ['mat_a'] });
      expect(r.built.map((b) => `${b.id}:${b.materialized}`).sort()).toEqual(['mat_a.items:table', 'mat_a.live:view']);
      expect(await relkind('mat_a.items')).toBe('r');
      expect(await relkind('mat_a.live')).toBe('v');
      const idx = (await db.pool.query(`select indexdef from pg_indexes where schemaname = 'mat_a' and tablename = 'items' order by indexdef`)).rows.map((i) => i.indexdef.replace(/^.* USING btree /, ''));
      expect(idx.sort()).toEqual(['(grp)', '(grp, id)', '(id)'].sort());
      expect((await db.pool.query(`select indexdef from pg_indexes where schemaname = 'mat_a' and tablename = 'items' and indexdef like 'CREATE UNIQUE%'`)).rowCount).toBe(1);
    } finally {
      rmSync(x, { recursive: true, force: true });
    }
  });

  it('a duplicate unique key fails the build naming the model, and leaves the previous table in place', async () => {
    const x = d();
    try {
      mkdirSync(path.join(x, 'mat_b'));
      writeFileSync(path.join(x, 'mat_b', '_config.yml'), 'materialized: table\n');
      writeFileSync(path.join(x, 'mat_b', 'ids.sql'), '-- unique_key: id\nselect g as id from generate_series(1, 5) g\n');
      await buildModels(db, x, { schemas: ['mat_b'] });
      writeFileSync(path.join(x, 'mat_b', 'ids.sql'), '-- unique_key: id\nselect g % 2 as id from generate_series(1, 5) g\n');
      const e = await buildModels(db, x, { schemas: ['mat_b'] }).then(() => null, (err) => err as { code: string; message: string });
      expect(e?.code).toBe('MODEL_SQL');
      expect(e?.message).toMatch(/mat_b\/ids\.sql: model mat_b\.ids failed: could not create unique index/);
      expect((await db.pool.query('select count(*)::int as n from mat_b.ids')).rows[0].n).toBe(5);
    } finally {
      rmSync(x, { recursive: true, force: true });
    }
  });

  it('refuses an index on a view and an unknown folder setting', () => {
    const x = d();
    try {
      mkdirSync(path.join(x, 'mat_c'));
      writeFileSync(path.join(x, 'mat_c', 'v.sql'), '-- indexes: id\nselect 1 as id\n');
      expect(() => loadModels(x)).toThrow(/v\.sql: unique_key and indexes need a table/);
      writeFileSync(path.join(x, 'mat_c', 'v.sql'), 'select 1 as id\n');
      writeFileSync(path.join(x, 'mat_c', '_config.yml'), 'materialised: table\n');
      expect(() => loadModels(x)).toThrow(/_config\.yml: unknown setting\(s\) materialised/);
    } finally {
      rmSync(x, { recursive: true, force: true });
    }
  });

  it('builds independent models concurrently and dependents after their dependencies', async () => {
    const x = d();
    try {
      mkdirSync(path.join(x, 'mat_d'));
      writeFileSync(path.join(x, 'mat_d', '_config.yml'), 'materialized: table\n');
      // each sleeps 0.6 s: one at a time the four would take 2.4 s
      for (const n of ['a', 'b', 'c']) writeFileSync(path.join(x, 'mat_d', `${n}.sql`), `select now() as at, pg_sleep(0.6)::text as s, clock_timestamp() as done\n`);
      writeFileSync(path.join(x, 'mat_d', 'z.sql'), 'select clock_timestamp() as started, (select max(done) from (select done from mat_d.a union all select done from mat_d.b union all select done from mat_d.c) u) as deps_done\n');
      const t0 = performance.now();
      await buildModels(db, x, { schemas: ['mat_d'], concurrency: 3 });
      expect(performance.now() - t0).toBeLessThan(1800);
      const z = (await db.pool.query('select started >= deps_done as after from mat_d.z')).rows[0];
      expect(z.after).toBe(true);
    } finally {
      rmSync(x, { recursive: true, force: true });
    }
  });
});
