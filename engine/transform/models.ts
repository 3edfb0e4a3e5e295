/**
 * SQL models: plain `.sql` files under sql/<schema>/<name>.sql, each a SELECT that becomes
 * the view (or table) <schema>.<name>. Files under sql/lib/ are run as written (functions).
 *
 * A model's dependencies are the other models it names as <schema>.<name>.
 *
 * Materialization is declared per folder, as dbt does per directory: `sql/<schema>/_config.yml`
 * (`materialized: table`) sets the default of every model in it; without one, models are views.
 * Header comments at the top of a file set a model's own options:
 *   -- materialized: table|view   (overrides the folder's)
 *   -- depends_on: stg_x.y, ...   (extra dependencies the text does not show)
 *   -- unique_key: col[, col]     (tables: a unique index, so a duplicate key fails the build)
 *   -- indexes: col[, col]; col   (tables: more indexes, `;` between them)
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CliError } from '../errors.ts';
import { ident } from '../extract/headers.ts';
import { sqlDir } from '../paths.ts';

/** The models folder: the project's sql/, or CRM_MIGRATE_SQL_DIR (fixtures, a customer's copy). */
export function modelsDir(): string {
  return process.env.CRM_MIGRATE_SQL_DIR ? path.resolve(process.env.CRM_MIGRATE_SQL_DIR) : sqlDir;
}

export interface Model {
  schema: string;
  name: string;
  /** schema.name */
  id: string;
  file: string;
  sql: string;
  materialized: 'view' | 'table';
  dependsOn: string[];
  /** Tables: columns of the unique index built with the table. */
  uniqueKey: string[];
  /** Tables: further indexes, each a list of columns. */
  indexes: string[][];
}

/** What `sql/<schema>/_config.yml` may set for the models of its folder. */
export interface FolderConfig {
  materialized?: 'view' | 'table';
}

export const FOLDER_CONFIG = '_config.yml';

function folderConfig(dir: string): FolderConfig {
  const file = path.join(dir, FOLDER_CONFIG);
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new CliError('MODEL_CONFIG_INVALID', `${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  const cfg = raw as Record<string, unknown>;
  const unknown = Object.keys(cfg).filter((k) => !['materialized', 'comment'].includes(k));
  if (unknown.length) throw new CliError('MODEL_CONFIG_INVALID', `${file}: unknown setting(s) ${unknown.join(', ')}; allowed: materialized, comment`);
  if (cfg.materialized !== undefined && cfg.materialized !== 'table' && cfg.materialized !== 'view')
    throw new CliError('MODEL_CONFIG_INVALID', `${file}: materialized must be table or view, not ${JSON.stringify(cfg.materialized)}`);
  return { materialized: cfg.materialized as FolderConfig['materialized'] };
}

const columnList = (v: string | undefined) => (v ?? '').split(',').map((c) => c.trim()).filter(Boolean);

export interface LibScript {
  file: string;
  sql: string;
}

export interface ModelGraph {
  models: Map<string, Model>;
  lib: LibScript[];
}

function header(sql: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of sql.split('\n')) {
    const m = /^\s*--\s*([a-z_]+)\s*:\s*(.+?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
    else if (line.trim() && !line.trim().startsWith('--')) break;
  }
  return out;
}

/** SQL text without comments and string literals, for finding references. */
function codeOnly(sql: string): string {
  // One left-to-right pass, so a `--` inside a string literal ('--fallback-owner') is not taken
  // for a comment, nor a quote inside a comment for a string.
  return sql.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => (m.startsWith("'") ? "''" : ' '));
}

export function loadModels(sqlDir: string): ModelGraph {
  const models = new Map<string, Model>();
  const lib: LibScript[] = [];
  if (!existsSync(sqlDir)) return { models, lib };
  for (const schema of readdirSync(sqlDir).sort()) {
    const dir = path.join(sqlDir, schema);
    if (!statSync(dir).isDirectory()) continue;
    const cfg = schema === 'lib' ? {} : folderConfig(dir);
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.sql')) continue;
      const file = path.join(dir, f);
      const sql = readFileSync(file, 'utf8');
      if (schema === 'lib') {
        lib.push({ file, sql });
        continue;
      }
      const name = f.replace(/\.sql$/, '');
      const h = header(sql);
      if (h.materialized !== undefined && h.materialized !== 'table' && h.materialized !== 'view')
        throw new CliError('MODEL_CONFIG_INVALID', `${file}: materialized must be table or view, not "${h.materialized}"`);
      const materialized = (h.materialized ?? cfg.materialized ?? 'view') as Model['materialized'];
      const uniqueKey = columnList(h.unique_key);
      const indexes = (h.indexes ?? '').split(';').map(columnList).filter((l) => l.length);
      if (materialized === 'view' && (uniqueKey.length || indexes.length))
        throw new CliError('MODEL_CONFIG_INVALID', `${file}: unique_key and indexes need a table (materialized: table); a view has no index of its own`);
      models.set(`${schema}.${name}`, {
        schema,
        name,
        id: `${schema}.${name}`,
        file,
        sql: sql.trim().replace(/;\s*$/, ''),
        materialized,
        dependsOn: (h.depends_on ?? '').split(',').map((s) => s.trim()).filter(Boolean),
        uniqueKey,
        indexes,
      });
    }
  }
  // Dependencies from references in the text.
  for (const m of models.values()) {
    const code = codeOnly(m.sql).toLowerCase();
    for (const other of models.keys()) {
      if (other === m.id) continue;
      const [s, n] = other.split('.');
      const re = new RegExp(`(^|[^a-z0-9_."])"?${s}"?\\s*\\.\\s*"?${n}"?($|[^a-z0-9_"])`);
      if (re.test(code) && !m.dependsOn.includes(other)) m.dependsOn.push(other);
    }
    for (const d of m.dependsOn) {
      if (!models.has(d)) throw new CliError('MODEL_MISSING_REF', `${m.file}: depends_on names ${d}, which is not a model.`);
    }
  }
  return { models, lib };
}

/** Models in dependency order; a cycle is an error naming its models. */
export function topoSort(models: Map<string, Model>, ids: Iterable<string>): Model[] {
  const out: Model[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      throw new CliError('MODEL_CYCLE', `models depend on each other in a cycle: ${cycle.join(' -> ')}`);
    }
    const m = models.get(id);
    if (!m) throw new CliError('MODEL_MISSING_REF', `no model named ${id}`);
    state.set(id, 'visiting');
    for (const d of m.dependsOn) visit(d, [...trail, id]);
    state.set(id, 'done');
    out.push(m);
  };
  for (const id of ids) visit(id, []);
  return out;
}

/** Every model downstream of `id` (those that depend on it, directly or not). */
/** Every model `id` depends on, directly or not. */
export function ancestors(models: Map<string, Model>, id: string): Set<string> {
  const out = new Set<string>();
  const walk = (x: string) => {
    for (const d of models.get(x)?.dependsOn ?? []) if (!out.has(d)) (out.add(d), walk(d));
  };
  walk(id);
  return out;
}

export function descendants(models: Map<string, Model>, id: string): Set<string> {
  const out = new Set<string>();
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const m of models.values()) {
      if (!out.has(m.id) && m.dependsOn.some((d) => frontier.includes(d))) {
        out.add(m.id);
        next.push(m.id);
      }
    }
    frontier = next;
  }
  return out;
}

/** The statement that builds a model; `offset` is where the model's own text starts in it. */
export function buildStatement(m: Model): { sql: string; offset: number } {
  const target = `${ident(m.schema)}.${ident(m.name)}`;
  const prefix = m.materialized === 'table' ? `create table ${target} as\n` : `create view ${target} as\n`;
  return { sql: prefix + m.sql, offset: prefix.length };
}

/** The indexes a table model declares (unique key first), as statements. */
export function indexStatements(m: Model): string[] {
  if (m.materialized !== 'table') return [];
  const target = `${ident(m.schema)}.${ident(m.name)}`;
  const out: string[] = [];
  if (m.uniqueKey.length) out.push(`create unique index on ${target} (${m.uniqueKey.map(ident).join(', ')})`);
  for (const cols of m.indexes) out.push(`create index on ${target} (${cols.map(ident).join(', ')})`);
  return out;
}

/** Line number in the model file for a character position PostgreSQL reported. */
export function lineOfPosition(m: Model, position: number, offset: number): number {
  const raw = readFileSync(m.file, 'utf8');
  const lead = raw.length - raw.trimStart().length;
  const idx = Math.max(0, position - 1 - offset) + lead;
  return raw.slice(0, idx).split('\n').length;
}
