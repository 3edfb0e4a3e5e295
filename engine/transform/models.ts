/**
 * SQL models: plain `.sql` files under sql/<schema>/<name>.sql, each a SELECT that becomes
 * the view (or table) <schema>.<name>. Files under sql/lib/ are run as written (functions).
 *
 * A model's dependencies are the other models it names as <schema>.<name>. Header comments
 * at the top of a file set options:
 *   -- materialized: table        (default: view)
 *   -- depends_on: stg_x.y, ...   (extra dependencies the text does not show)
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
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
}

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
      models.set(`${schema}.${name}`, {
        schema,
        name,
        id: `${schema}.${name}`,
        file,
        sql: sql.trim().replace(/;\s*$/, ''),
        materialized: h.materialized === 'table' ? 'table' : 'view',
        dependsOn: (h.depends_on ?? '').split(',').map((s) => s.trim()).filter(Boolean),
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

/** Line number in the model file for a character position PostgreSQL reported. */
export function lineOfPosition(m: Model, position: number, offset: number): number {
  const raw = readFileSync(m.file, 'utf8');
  const lead = raw.length - raw.trimStart().length;
  const idx = Math.max(0, position - 1 - offset) + lead;
  return raw.slice(0, idx).split('\n').length;
}
