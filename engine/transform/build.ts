/**
 * Builds models in dependency order, each atomically (drop + create in one transaction).
 *
 * Change-aware by default: each model's hash (its SQL and materialization, the lib functions,
 * the hashes of the models it depends on and, for tables, the data version) is kept in
 * etl.model_state; a model whose hash is unchanged and whose relation still exists is skipped.
 * `force` rebuilds everything; models named with `select` are always rebuilt.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { inTransaction, type Db } from '../db/connection.ts';
import { CliError } from '../errors.ts';
import { ident } from '../extract/headers.ts';
import { mapsHash } from './value-maps.ts';
import { ancestors, buildStatement, descendants, indexStatements, lineOfPosition, loadModels, topoSort, type Model, type ModelGraph } from './models.ts';

export interface BuildOptions {
  /** Schemas whose models to build (with everything they depend on). */
  schemas: string[];
  /** `model` or `model+` (the model and everything downstream); by default all in `schemas`. */
  select?: string[];
  /** Rebuild every model even when nothing changed. */
  force?: boolean;
  /**
   * What table models read besides other models (landed files, value maps): when it changes,
   * tables are rebuilt. Views read live data and do not need it.
   */
  dataVersion?: string;
  runId?: number;
  onModel?: (m: Model, ms: number) => void;
  /** Models built at once (default buildConcurrency()). */
  concurrency?: number;
}

export interface BuildResult {
  built: { id: string; materialized: string; ms: number }[];
  /** Models left as they were: unchanged and present. */
  skipped: string[];
  /**
   * Views outside this build (another pipeline's, an analyst's) that a rebuild dropped by
   * cascade and that were re-created from their saved definitions.
   */
  restored: string[];
  /** Such views that could not be re-created (an upstream column they read is gone). */
  lost: { id: string; error: string }[];
}

export async function runLib(db: Db, sqlDir: string, graph: ModelGraph = loadModels(sqlDir)): Promise<void> {
  // Two processes on one database (two loads resumed at once, each rewriting its report) would
  // replace the same functions at once, and PostgreSQL refuses that ("tuple concurrently
  // updated"): one at a time, under a transaction-scoped advisory lock.
  await inTransaction(db, async (client) => {
    await client.query(`select pg_advisory_xact_lock(hashtext('crm-migrate lib'))`);
    await client.query('create schema if not exists lib');
    for (const script of graph.lib) await runLibScript(client, script);
  });
}

async function runLibScript(client: { query(sql: string): Promise<unknown> }, script: ModelGraph['lib'][number]): Promise<void> {
  try {
    await client.query(script.sql);
  } catch (err) {
    const e = err as Error & { position?: string };
    const line = e.position ? script.sql.slice(0, Number(e.position) - 1).split('\n').length : undefined;
    throw new CliError('MODEL_SQL', `${script.file}${line ? `:${line}` : ''}: ${e.message}`, { cause: err });
  }
}

/** Hash of every model in `order` (dependencies first), chained through their upstream hashes. */
export function modelHashes(graph: ModelGraph, order: Model[], dataVersion = ''): Map<string, string> {
  const lib = createHash('sha256');
  for (const s of graph.lib) lib.update(s.sql).update('\0');
  const libHash = lib.digest('hex');
  const out = new Map<string, string>();
  const hashOf = (m: Model): string => {
    const known = out.get(m.id);
    if (known) return known;
    const h = createHash('sha256').update(m.materialized).update('\0').update(m.sql).update('\0').update(libHash);
    for (const d of [...m.dependsOn].sort()) h.update('\0').update(d).update('=').update(hashOf(graph.models.get(d)!));
    if (m.materialized === 'table') h.update('\0data=').update(dataVersion);
    const v = h.digest('hex');
    out.set(m.id, v);
    return v;
  };
  for (const m of order) hashOf(m);
  return out;
}

/**
 * What table models read besides other models: landed files (etl.extract_batches), the
 * conventions they are read with (etl.source_conventions), the pipeline's value maps and other
 * files loaded as tables (the custom-field mapping). A new batch, a changed convention or an
 * edited map makes table models rebuild.
 */
export async function dataVersion(db: Db, mapsDir: string, ...files: string[]): Promise<string> {
  const b = await db.pool.query(`select coalesce(max(batch_id), 0) as b, count(*) as n from etl.extract_batches`);
  const c = await db.pool.query(
    `select coalesce(string_agg(concat_ws('|', source, date_order, timezone, phone_country, decimal_separator, currency), ';' order by source), '') as c
       from etl.source_conventions`,
  );
  const h = createHash('sha256').update(c.rows[0].c).update('\0').update(mapsHash(mapsDir));
  for (const f of files) h.update('\0').update(existsSync(f) ? readFileSync(f) : '');
  return `${b.rows[0].b}:${b.rows[0].n}:${h.digest('hex').slice(0, 24)}`;
}

export async function buildModels(db: Db, sqlDir: string, opts: BuildOptions): Promise<BuildResult> {
  const graph = loadModels(sqlDir);
  const { models } = graph;
  await runLib(db, sqlDir, graph);
  let roots: string[];
  let selected: Set<string> | null = null;
  const inScope = (id: string) => opts.schemas.includes(models.get(id)!.schema);
  if (opts.select?.length) {
    roots = [];
    selected = new Set();
    for (const sel of opts.select) {
      const m = /^(\+?)([^+]+)(\+?)$/.exec(sel);
      const id = m?.[2] ?? sel;
      if (!m || !models.has(id)) throw new CliError('MODEL_MISSING_REF', `--select ${sel}: no model named ${id}`);
      // A shared staging model is also upstream of other pipelines: --select stays inside this
      // pipeline's own schemas, so another pipeline's models are never built from here.
      if (!inScope(id)) throw new CliError('SELECT_OUTSIDE_PIPELINE', `--select ${sel}: ${id} is not a model of this pipeline (its schemas: ${opts.schemas.join(', ')})`);
      selected.add(id);
      roots.push(id);
      if (m[1]) for (const u of ancestors(models, id)) if (inScope(u)) selected.add(u);
      // Without a trailing +, downstream views are still visited: rebuilding a model drops its
      // dependent views (cascade), and those are rebuilt because they went missing.
      for (const d of descendants(models, id)) {
        if (!inScope(d)) continue;
        roots.push(d);
        if (m[3]) selected.add(d);
      }
    }
  } else {
    roots = [...models.values()].filter((m) => inScope(m.id)).map((m) => m.id);
  }
  const order = topoSort(models, roots);
  const hashes = modelHashes(graph, order, opts.dataVersion);
  const state = new Map<string, string>(
    (await db.pool.query<{ model: string; hash: string }>('select model, hash from etl.model_state')).rows.map((r) => [r.model, r.hash]),
  );
  const built: BuildResult['built'] = [];
  const skipped: string[] = [];
  const visit = async (m: Model) => {
    // Checked now, not up front: rebuilding an upstream view drops its dependents (cascade).
    const exists = (await db.pool.query('select to_regclass($1) is not null as ok', [`${ident(m.schema)}.${ident(m.name)}`])).rows[0].ok;
    const explicit = selected?.has(m.id) ?? false;
    const unchanged = exists && state.get(m.id) === hashes.get(m.id);
    // Models outside --select (upstream, or downstream without +) are only built when missing.
    if (selected && !explicit && exists) {
      skipped.push(m.id);
      return;
    }
    if (!explicit && !opts.force && unchanged) {
      skipped.push(m.id);
      return;
    }
    const t0 = performance.now();
    await buildOne(db, m, hashes.get(m.id)!, opts.runId);
    const ms = performance.now() - t0;
    built.push({ id: m.id, materialized: m.materialized, ms });
    opts.onModel?.(m, ms);
  };
  // Schemas first, one at a time: two builds creating one schema at once collide in the catalog.
  for (const schema of new Set(order.map((m) => m.schema))) await db.pool.query(`create schema if not exists ${ident(schema)}`);
  // Rebuilding a model drops the views on it (cascade): other pipelines' views on a shared
  // staging table, an analyst's own views, or this pipeline's views when a later build fails.
  // Their definitions are kept first and any that did not come back are re-created after.
  const dependents = await dependentViews(db, order.map((m) => `${ident(m.schema)}.${ident(m.name)}`));
  let failure: unknown;
  try {
    await runInDependencyOrder(order, visit, opts.concurrency ?? buildConcurrency());
  } catch (err) {
    failure = err;
  }
  const { restored, lost } = await restoreViews(db, dependents);
  if (failure !== undefined) {
    if (failure instanceof CliError && (restored.length || lost.length))
      failure.message += `${restored.length ? `; views put back as they were: ${restored.join(', ')}` : ''}${lost.length ? `; views that could not be put back: ${lost.map((l) => `${l.id} (${l.error})`).join(', ')}` : ''}`;
    throw failure;
  }
  return { built, skipped, restored, lost };
}

interface SavedView {
  id: string;
  kind: 'v' | 'm';
  definition: string;
  comment: string | null;
  columnComments: { column: string; comment: string }[];
}

/**
 * Every view (and materialized view) among `relations`, or depending on them directly or through
 * other views, with what it takes to create it again.
 */
async function dependentViews(db: Db, relations: string[]): Promise<SavedView[]> {
  const r = await db.pool.query<{ id: string; kind: 'v' | 'm'; definition: string; comment: string | null; column_comments: SavedView['columnComments'] }>(
    `with recursive roots as (
       select to_regclass(x)::oid as oid from unnest($1::text[]) x where to_regclass(x) is not null
     ), deps(oid, depth) as (
       select oid, 0 from roots
       union
       select v.oid, deps.depth + 1 from deps join pg_depend d on d.refobjid = deps.oid and d.classid = 'pg_rewrite'::regclass
         join pg_rewrite rw on rw.oid = d.objid join pg_class v on v.oid = rw.ev_class
        where v.oid <> deps.oid and v.relkind in ('v', 'm') and deps.depth < 50
     )
     select format('%I.%I', n.nspname, c.relname) as id, c.relkind as kind, pg_get_viewdef(c.oid) as definition,
            obj_description(c.oid, 'pg_class') as comment,
            coalesce((select json_agg(json_build_object('column', a.attname, 'comment', col_description(c.oid, a.attnum)))
                        from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and col_description(c.oid, a.attnum) is not null), '[]') as column_comments
       from (select oid from deps group by oid) d join pg_class c on c.oid = d.oid join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('v', 'm')
      order by 1`,
    [relations],
  );
  return r.rows.map((x) => ({ id: x.id, kind: x.kind, definition: x.definition, comment: x.comment, columnComments: x.column_comments }));
}

/**
 * Re-create, from their saved definitions, the `saved` views that are now missing. A view on
 * another missing view fails until that one is back, so passes repeat while any succeeds.
 */
async function restoreViews(db: Db, saved: SavedView[]): Promise<{ restored: string[]; lost: { id: string; error: string }[] }> {
  const restored: string[] = [];
  let pending: SavedView[] = [];
  for (const v of saved) if (!(await db.pool.query('select to_regclass($1) is not null as ok', [v.id])).rows[0].ok) pending.push(v);
  const errors = new Map<string, string>();
  while (pending.length) {
    const next: SavedView[] = [];
    for (const v of pending) {
      const kind = v.kind === 'm' ? 'materialized view' : 'view';
      try {
        await inTransaction(db, async (client) => {
          await client.query(`create ${kind} ${v.id} as ${v.definition.replace(/;\s*$/, '')}`);
          if (v.comment !== null) await client.query(`comment on ${kind} ${v.id} is ${literal(v.comment)}`);
          for (const c of v.columnComments) await client.query(`comment on column ${v.id}.${ident(c.column)} is ${literal(c.comment)}`);
        });
        restored.push(v.id);
      } catch (err) {
        errors.set(v.id, (err as Error).message);
        next.push(v);
      }
    }
    if (next.length === pending.length) break;
    pending = next;
  }
  return { restored, lost: pending.map((v) => ({ id: v.id, error: errors.get(v.id)! })) };
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * How many models build at once: independent table models (a source's staging tables) are the
 * bulk of a transform, and each CREATE TABLE AS keeps one server core busy. Defaults to the
 * machine's cores (at most 4); CRM_MIGRATE_BUILD_CONCURRENCY sets it (1: one at a time).
 */
export function buildConcurrency(): number {
  const env = Number(process.env.CRM_MIGRATE_BUILD_CONCURRENCY);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Run `visit` for every model once all the models it depends on (within `order`) are done, up to
 * `concurrency` at a time. The first failure stops new starts; running ones finish, then it throws.
 */
async function runInDependencyOrder(order: Model[], visit: (m: Model) => Promise<void>, concurrency: number): Promise<void> {
  const inOrder = new Set(order.map((m) => m.id));
  const waiting = new Map(order.map((m) => [m.id, new Set(m.dependsOn.filter((d) => inOrder.has(d)))]));
  const ready: Model[] = order.filter((m) => waiting.get(m.id)!.size === 0);
  const byId = new Map(order.map((m) => [m.id, m]));
  let running = 0;
  let failure: unknown;
  let done = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure !== undefined && running === 0) return resolve();
      if (done === order.length) return resolve();
      while (failure === undefined && running < concurrency && ready.length) {
        // Tables first: they are the long builds, and views waiting on them cannot start anyway.
        const i = Math.max(0, ready.findIndex((m) => m.materialized === 'table'));
        const m = ready.splice(i, 1)[0]!;
        running++;
        visit(m).then(
          () => {
            running--;
            done++;
            for (const [id, deps] of waiting)
              if (deps.delete(m.id) && deps.size === 0) ready.push(byId.get(id)!);
            pump();
          },
          (err) => {
            running--;
            failure ??= err;
            pump();
          },
        );
      }
    };
    pump();
  });
  if (failure !== undefined) throw failure;
}

/** Memory a table model's build may use for each sort or hash (CRM_MIGRATE_BUILD_WORK_MEM, default 256MB). */
const BUILD_WORK_MEM = /^\d+(kB|MB|GB)$/.test(process.env.CRM_MIGRATE_BUILD_WORK_MEM ?? '') ? process.env.CRM_MIGRATE_BUILD_WORK_MEM! : '256MB';

async function buildOne(db: Db, m: Model, hash: string, runId: number | undefined): Promise<void> {
  const { sql, offset } = buildStatement(m);
  const t0 = performance.now();
  try {
    await inTransaction(db, async (client) => {
      // A table model sorts and hashes whole export files: with the server's default 4 MB it
      // spills to disk (a 1M-row leads file sorted 650 MB through temporary files).
      if (m.materialized === 'table') await client.query(`set local work_mem = '${BUILD_WORK_MEM}'; set local maintenance_work_mem = '${BUILD_WORK_MEM}'`);
      await client.query(`create schema if not exists ${ident(m.schema)}`);
      const kind = await client.query(
        `select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2`,
        [m.schema, m.name],
      );
      const relkind = kind.rows[0]?.relkind;
      if (relkind === 'v') await client.query(`drop view ${ident(m.schema)}.${ident(m.name)} cascade`);
      else if (relkind === 'r') await client.query(`drop table ${ident(m.schema)}.${ident(m.name)} cascade`);
      else if (relkind === 'm') await client.query(`drop materialized view ${ident(m.schema)}.${ident(m.name)} cascade`);
      await client.query(sql);
      for (const stmt of indexStatements(m)) await client.query(stmt);
      if (m.materialized === 'table') await client.query(`analyze ${ident(m.schema)}.${ident(m.name)}`);
      await client.query(
        `insert into etl.model_state (model, hash, materialized, file, built_at, run_id, ms) values ($1, $2, $3, $4, now(), $5, $6)
         on conflict (model) do update set hash = excluded.hash, materialized = excluded.materialized, file = excluded.file,
           built_at = excluded.built_at, run_id = excluded.run_id, ms = excluded.ms`,
        [m.id, hash, m.materialized, m.file, runId ?? null, Math.round(performance.now() - t0)],
      );
    });
  } catch (err) {
    const e = err as Error & { position?: string };
    const line = e.position ? lineOfPosition(m, Number(e.position), offset) : undefined;
    throw new CliError('MODEL_SQL', `${m.file}${line ? `:${line}` : ''}: model ${m.id} failed: ${e.message}`, { cause: err });
  }
}
