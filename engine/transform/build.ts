/**
 * Builds models in dependency order, each atomically (drop + create in one transaction).
 */
import type { Db } from '../db/connection.ts';
import { CliError } from '../errors.ts';
import { ident } from '../extract/headers.ts';
import { buildStatement, descendants, lineOfPosition, loadModels, topoSort, type Model } from './models.ts';

export interface BuildOptions {
  /** Schemas whose models to build (with everything they depend on). */
  schemas: string[];
  /** `model` or `model+` (the model and everything downstream); by default all in `schemas`. */
  select?: string[];
  onModel?: (m: Model, ms: number) => void;
}

export interface BuildResult {
  built: { id: string; materialized: string; ms: number }[];
}

export async function runLib(db: Db, sqlDir: string): Promise<void> {
  const { lib } = loadModels(sqlDir);
  await db.pool.query('create schema if not exists lib');
  for (const script of lib) {
    try {
      await db.pool.query(script.sql);
    } catch (err) {
      throw new CliError('MODEL_SQL', `${script.file}: ${(err as Error).message}`, { cause: err });
    }
  }
}

export async function buildModels(db: Db, sqlDir: string, opts: BuildOptions): Promise<BuildResult> {
  const { models } = loadModels(sqlDir);
  await runLib(db, sqlDir);
  let roots: string[];
  if (opts.select?.length) {
    roots = [];
    for (const sel of opts.select) {
      const plus = sel.endsWith('+');
      const id = plus ? sel.slice(0, -1) : sel;
      if (!models.has(id)) throw new CliError('MODEL_MISSING_REF', `--select ${sel}: no model named ${id}`);
      roots.push(id);
      // Dropping a model drops its dependents (cascade), so they are rebuilt either way.
      roots.push(...descendants(models, id));
    }
  } else {
    roots = [...models.values()].filter((m) => opts.schemas.includes(m.schema)).map((m) => m.id);
  }
  const order = topoSort(models, roots);
  const selected = opts.select?.length ? new Set(roots) : null;
  const built: BuildResult['built'] = [];
  for (const m of order) {
    // Upstream models already present are not rebuilt on --select.
    if (selected && !selected.has(m.id)) {
      const exists = await db.pool.query('select to_regclass($1) is not null as ok', [`${ident(m.schema)}.${ident(m.name)}`]);
      if (exists.rows[0].ok) continue;
    }
    const t0 = performance.now();
    await buildOne(db, m);
    const ms = performance.now() - t0;
    built.push({ id: m.id, materialized: m.materialized, ms });
    opts.onModel?.(m, ms);
  }
  return { built };
}

async function buildOne(db: Db, m: Model): Promise<void> {
  const client = await db.pool.connect();
  const { sql, offset } = buildStatement(m);
  try {
    await client.query('begin');
    await client.query(`create schema if not exists ${ident(m.schema)}`);
    const kind = await client.query(
      `select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2`,
      [m.schema, m.name],
    );
    const relkind = kind.rows[0]?.relkind;
    if (relkind === 'v') await client.query(`drop view ${ident(m.schema)}.${ident(m.name)} cascade`);
    else if (relkind === 'r') await client.query(`drop table ${ident(m.schema)}.${ident(m.name)} cascade`);
    await client.query(sql);
    if (m.materialized === 'table') await client.query(`analyze ${ident(m.schema)}.${ident(m.name)}`);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    const e = err as Error & { position?: string };
    const line = e.position ? lineOfPosition(m, Number(e.position), offset) : undefined;
    throw new CliError('MODEL_SQL', `${m.file}${line ? `:${line}` : ''}: model ${m.id} failed: ${e.message}`, { cause: err });
  } finally {
    client.release();
  }
}
