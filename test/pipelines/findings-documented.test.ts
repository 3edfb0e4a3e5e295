/**
 * Each pipeline README lists every data-quality finding category the pipeline can emit, each
 * named in backticks. The categories are read statically from the SQL that writes them: the
 * pipeline's own sql/dq_<pipeline>/ and its source's sql/dq_<source>/, plus the ones the
 * engine generates for every pipeline (orphans from the connector's declared references,
 * broken view contracts from lib.dq_findings, and the destination-rule findings of `report`).
 * No database: the SQL text is read as committed. test/report/finding-lineage.test.ts checks
 * the categories a real run emits against the same READMEs, for what a text scan cannot see.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../pipelines/registry.ts';
import { pipelineSchema } from '../../engine/pipeline.ts';
import { dqSchema } from '../../engine/source.ts';
import { declaredReferences } from '../../engine/extract/orphans.ts';
import { RULE_CATEGORY } from '../../engine/report/destination-rules.ts';
import { documentedCategories, readmeOf } from '../helpers/findings-readme.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SEVERITY = new Set(['error', 'warning', 'warn', 'info']);
const NAME = `[a-z][a-z0-9_]*`;

/** Comments out, so a category named in a comment is not taken for one the SQL writes. */
const code = (sql: string) => sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');

/**
 * Every category literal of one SQL text. `q` is the quote as written: `'` in SQL, `''` inside
 * a PL/pgSQL format string. The patterns used by the dq views:
 *   'x' as category / 'x'::text as category
 *   case ... then 'x' ... else 'y' end as category
 *   select 'x', 'warning', ...           (a union's later branch: a literal, then a severity)
 *   select 'x', case ... end, ...        (severity computed)
 *   select 'x', f.severity, ...          (severity taken from a subquery)
 */
function categoryLiterals(sql: string, q = `'`): string[] {
  const text = code(sql);
  const lit = (n: string) => `${q}(${n})${q}(?:::text)?`;
  const found = new Set<string>();
  for (const m of text.matchAll(new RegExp(`${lit(NAME)}\\s+as\\s+category\\b`, 'gi'))) found.add(m[1]!);
  for (const m of text.matchAll(/\bcase\b((?:(?!\bcase\b)[\s\S])*?)\bend\s+as\s+category\b/gi))
    for (const l of m[1]!.matchAll(new RegExp(`\\b(?:then|else)\\s+${lit(NAME)}`, 'gi'))) found.add(l[1]!);
  const severity = `(?:${q}(?:error|warning|warn|info)${q}(?:::text)?|case\\b|(?:[a-z_][a-z0-9_]*\\.)?severity\\b)`;
  for (const m of text.matchAll(new RegExp(`\\bselect\\s+(?:distinct\\s+)?(?:%L(?:::text)?\\s*,\\s*)?${lit(NAME)}\\s*,\\s*${severity}`, 'gi'))) found.add(m[1]!);
  return [...found].filter((c) => !SEVERITY.has(c.toLowerCase()));
}

const sqlFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

/** Categories the engine writes for every pipeline, read from where it writes them. */
function engineCategories(p: (typeof registry.pipelines)[number]): string[] {
  const out = new Set<string>(Object.values(RULE_CATEGORY));
  // lib.dq_findings reports a view breaking the contract from inside a format string ('' quotes)
  for (const f of sqlFiles(path.join(ROOT, 'sql/lib'))) for (const c of categoryLiterals(readFileSync(f, 'utf8'), `''`)) out.add(c);
  if (declaredReferences(p.source).length)
    for (const c of categoryLiterals(readFileSync(path.join(ROOT, 'engine/extract/orphans.ts'), 'utf8'))) out.add(c);
  return [...out];
}

/** Every category a pipeline can emit, with the file that writes it. */
function pipelineCategories(p: (typeof registry.pipelines)[number]): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of [dqSchema(p.source.name), `dq_${pipelineSchema(p)}`])
    for (const f of sqlFiles(path.join(ROOT, 'sql', dir)))
      for (const c of categoryLiterals(readFileSync(f, 'utf8'))) if (!out.has(c)) out.set(c, path.relative(ROOT, f));
  for (const c of engineCategories(p)) if (!out.has(c)) out.set(c, 'engine');
  return out;
}

describe('the category extraction reads every pattern the dq views use', () => {
  it('literal with alias, case expression, union branches, computed severity; not objects or severities', () => {
    const sql = `
      -- 'commented_out' as category
      select 'first_cat'::text as category, 'warning'::text as severity, 'leads'::text as object from x
      union all select 'second_cat', 'error', 'leads' from y
      union all select 'third_cat', case when z then 'error' else 'info' end, 'leads' from z
      union all select 'fourth_cat', f.severity, f.object from (select 'warning' as severity, 'accounts' as object) f
      union all select case when a then 'fifth_cat' else 'sixth_cat' end as category, 'info', 'x' from a
      union all select 'leads', 'Leads', source_key from l`;
    expect(categoryLiterals(sql).sort()).toEqual(['fifth_cat', 'first_cat', 'fourth_cat', 'second_cat', 'sixth_cat', 'third_cat']);
    expect(categoryLiterals(`format('select %L, ''contract_cat''::text, ''error''::text')`, `''`)).toEqual(['contract_cat']);
  });
});

describe('each pipeline README names every finding category its SQL can emit', () => {
  for (const p of registry.pipelines)
    it(p.name, () => {
      const categories = pipelineCategories(p);
      // a scan that finds (almost) nothing is broken, not passing: counted apart for the
      // pipeline's SQL and for the engine (3 destination rules, orphan, dq_view_contract)
      const fromSql = [...categories.values()].filter((f) => f !== 'engine').length;
      expect(fromSql, `categories found in the dq SQL of ${p.name}`).toBeGreaterThanOrEqual(5);
      expect(categories.size - fromSql, `categories found in the engine for ${p.name}`).toBeGreaterThanOrEqual(5);
      const documented = documentedCategories(readmeOf(p.name));
      const missing = [...categories].filter(([c]) => !documented.has(c)).map(([c, f]) => `${c} (${f})`);
      expect(missing, `categories not named in backticks in pipelines/${p.name}/README.md`).toEqual([]);
    });
});
