/**
 * Model tests: a YAML file beside a model (sql/<schema>/<name>.yml) lists checks on it.
 *
 *   tests:
 *     - not_null: [source_key, Last_Name]
 *     - unique: [source_key, [email, company]]     # a nested list is a combination
 *     - accepted_values: { column: Lead_Status, values: [A, B] }
 *     - relationships: { column: lead_key, to: stg_x.leads, field: lead_id }
 *     - row_count: { min: 1 }        # also max: N, equals: N or equals: "raw_x.leads"
 *     - sql: "select ... "           # returns the offending rows
 *       name: short_name
 *
 * Any test may add `severity: warn` (reported, not failing). Each test becomes one query
 * returning offending rows; a test passes when it returns none.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isSeq, isMap, type Node } from 'yaml';
import type { Db } from '../db/connection.ts';
import { CliError } from '../errors.ts';
import { ident } from '../extract/headers.ts';

export interface ModelTest {
  /** schema.name of the model tested */
  model: string;
  /** e.g. not_null(email), unique(lead_id), relationships(lead_key -> stg_x.leads.lead_id) */
  name: string;
  kind: 'not_null' | 'unique' | 'accepted_values' | 'relationships' | 'row_count' | 'sql';
  severity: 'error' | 'warn';
  /** Query returning the offending rows. */
  sql: string;
  /** file:line where the test is declared */
  where: string;
}

export interface TestResult extends ModelTest {
  status: 'pass' | 'fail' | 'error';
  failures: number;
  sample: Record<string, unknown>[];
  /** SQL error text when the test could not run */
  error?: string;
}

const KINDS = ['not_null', 'unique', 'accepted_values', 'relationships', 'row_count', 'sql'] as const;

/** `a.b` -> "a"."b" (each part quoted as written). */
function rel(name: string, where: string): string {
  const parts = String(name).split('.');
  if (parts.length !== 2 || parts.some((p) => !p)) throw new CliError('MODEL_TEST_INVALID', `${where}: "${name}" is not a schema.relation name.`);
  return parts.map(ident).join('.');
}

const lit = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;

/** Every test declared for the models of `schemas` under sqlDir, in file order. */
export function loadModelTests(sqlDir: string, schemas: string[]): ModelTest[] {
  const out: ModelTest[] = [];
  for (const schema of schemas) {
    const dir = path.join(sqlDir, schema);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      // `_config.yml` is the folder's model settings, not a test file.
      if (!/\.ya?ml$/.test(f) || f.startsWith('_')) continue;
      const name = f.replace(/\.ya?ml$/, '');
      const file = path.join(dir, f);
      if (!existsSync(path.join(dir, `${name}.sql`)))
        throw new CliError('MODEL_TEST_INVALID', `${file}: no model ${schema}.${name} (${name}.sql) beside it.`);
      out.push(...parseTestFile(file, `${schema}.${name}`));
    }
  }
  return out;
}

export function parseTestFile(file: string, model: string): ModelTest[] {
  const text = readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new CliError('MODEL_TEST_INVALID', `${file}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 1);
  const root = doc.contents;
  if (root == null) return [];
  const tests = isMap(root) ? root.get('tests', true) : undefined;
  if (!isMap(root) || !isSeq(tests))
    throw new CliError('MODEL_TEST_INVALID', `${file}:${lineOf(root as Node)}: expected a top-level "tests:" list.`);
  const target = rel(model, file);
  const out: ModelTest[] = [];
  for (const item of tests.items) {
    const where = `${file}:${lineOf(item as Node)}`;
    const t = (item as Node & { toJSON(): unknown }).toJSON() as Record<string, unknown>;
    if (!t || typeof t !== 'object' || Array.isArray(t)) throw new CliError('MODEL_TEST_INVALID', `${where}: a test is a mapping such as "- not_null: [col]".`);
    const kinds = Object.keys(t).filter((k) => (KINDS as readonly string[]).includes(k));
    const unknown = Object.keys(t).filter((k) => !(KINDS as readonly string[]).includes(k) && !['severity', 'name'].includes(k));
    if (kinds.length !== 1 || unknown.length)
      throw new CliError('MODEL_TEST_INVALID', `${where}: expected exactly one of ${KINDS.join(', ')}${unknown.length ? `; unknown key(s): ${unknown.join(', ')}` : ''}.`);
    const kind = kinds[0] as ModelTest['kind'];
    const severity = t.severity === undefined || t.severity === 'error' ? 'error' : t.severity === 'warn' || t.severity === 'warning' ? 'warn' : null;
    if (!severity) throw new CliError('MODEL_TEST_INVALID', `${where}: severity must be error or warn, not "${t.severity}".`);
    const arg = t[kind];
    const base = { model, kind, severity, where } as const;
    const named = (n: string) => (typeof t.name === 'string' && t.name ? t.name : n);
    const columns = (v: unknown): (string | string[])[] => {
      const list = Array.isArray(v) ? v : [v];
      if (!list.length || list.some((c) => !(typeof c === 'string' || (Array.isArray(c) && c.length && c.every((x) => typeof x === 'string')))))
        throw new CliError('MODEL_TEST_INVALID', `${where}: ${kind} takes a column name or a list of column names.`);
      return list as (string | string[])[];
    };
    const need = (o: unknown, keys: string[]): Record<string, unknown> => {
      if (!o || typeof o !== 'object' || Array.isArray(o) || keys.some((k) => (o as Record<string, unknown>)[k] == null))
        throw new CliError('MODEL_TEST_INVALID', `${where}: ${kind} needs ${keys.join(', ')}.`);
      return o as Record<string, unknown>;
    };
    switch (kind) {
      case 'not_null':
        for (const c of columns(arg)) {
          const cols = Array.isArray(c) ? c : [c];
          out.push({ ...base, name: named(`not_null(${cols.join(', ')})`), sql: `select * from ${target} where ${cols.map((x) => `${ident(x)} is null`).join(' or ')}` });
        }
        break;
      case 'unique':
        for (const c of columns(arg)) {
          const cols = (Array.isArray(c) ? c : [c]).map(ident);
          out.push({
            ...base,
            name: named(`unique(${(Array.isArray(c) ? c : [c]).join(', ')})`),
            sql: `select ${cols.join(', ')}, count(*) as rows from ${target} where ${cols.map((x) => `${x} is not null`).join(' and ')} group by ${cols.join(', ')} having count(*) > 1 order by count(*) desc`,
          });
        }
        break;
      case 'accepted_values': {
        const o = need(arg, ['column', 'values']);
        if (!Array.isArray(o.values)) throw new CliError('MODEL_TEST_INVALID', `${where}: accepted_values.values must be a list.`);
        const col = ident(String(o.column));
        out.push({
          ...base,
          name: named(`accepted_values(${o.column})`),
          sql: `select ${col}, count(*) as rows from ${target} where ${col} is not null and ${col}::text not in (${(o.values as unknown[]).map(lit).join(', ') || 'null'}) group by ${col} order by count(*) desc`,
        });
        break;
      }
      case 'relationships': {
        const o = need(arg, ['column', 'to', 'field']);
        const col = ident(String(o.column));
        out.push({
          ...base,
          name: named(`relationships(${o.column} -> ${o.to}.${o.field})`),
          sql: `select c.* from ${target} c where c.${col} is not null and not exists (select 1 from ${rel(String(o.to), where)} p where p.${ident(String(o.field))}::text = c.${col}::text)`,
        });
        break;
      }
      case 'row_count': {
        const o = need(arg, []);
        const conds: string[] = [];
        let expected = 'null::bigint';
        if (o.min != null) conds.push(`n >= ${Number(o.min)}`);
        if (o.max != null) conds.push(`n <= ${Number(o.max)}`);
        if (o.equals != null) {
          expected = typeof o.equals === 'number' ? String(o.equals) : `(select count(*) from ${rel(String(o.equals), where)})`;
          conds.push(`n = expected`);
        }
        if (!conds.length || [o.min, o.max].some((v) => v != null && !Number.isFinite(Number(v))))
          throw new CliError('MODEL_TEST_INVALID', `${where}: row_count takes min, max and/or equals (a number or a schema.relation).`);
        const desc = Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
        out.push({
          ...base,
          name: named(`row_count(${desc})`),
          sql: `select n as rows, expected from (select (select count(*) from ${target}) as n, ${expected} as expected) x where not (${conds.join(' and ')})`,
        });
        break;
      }
      case 'sql': {
        if (typeof arg !== 'string' || !arg.trim()) throw new CliError('MODEL_TEST_INVALID', `${where}: sql takes a query returning the offending rows.`);
        if (typeof t.name !== 'string' || !t.name) throw new CliError('MODEL_TEST_INVALID', `${where}: a sql test needs a name.`);
        out.push({ ...base, name: t.name, sql: arg.trim().replace(/;\s*$/, '') });
        break;
      }
    }
  }
  return out;
}

/** Run tests; a test that cannot run (SQL error, missing model) counts as failed with the error. */
export async function runModelTests(db: Db, tests: ModelTest[], sampleSize = 5): Promise<TestResult[]> {
  const out: TestResult[] = [];
  for (const t of tests) {
    try {
      const count = await db.pool.query(`select count(*)::bigint as n from (${t.sql}) t`);
      const failures = Number(count.rows[0].n);
      const sample = failures ? (await db.pool.query(`select * from (${t.sql}) t limit ${sampleSize}`)).rows : [];
      out.push({ ...t, status: failures ? 'fail' : 'pass', failures, sample });
    } catch (err) {
      out.push({ ...t, status: 'error', failures: 0, sample: [], error: (err as Error).message });
    }
  }
  return out;
}
