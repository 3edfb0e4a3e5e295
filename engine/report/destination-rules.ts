/**
 * Destination rules before data moves: `setup` reads what the destination refuses (mandatory
 * fields, text lengths, picklist options) from its metadata into etl.destination_rules, and
 * `report` checks every row of every destination view against them. Each row the destination
 * would refuse becomes a finding, so that no load meets a refusal the report did not predict.
 *
 * Rows the SQL already holds back (`_reject_reason`, `_skip_reason`) are never sent and are not
 * checked; queued rows are (they are sent once their blocker clears). A view carrying `_file`
 * and `_line` (the export file and line of the record) has them named in the message.
 */
import type { Db } from '../db/connection.ts';
import type { Destination, DestinationRule } from '../destination.ts';
import { ident } from '../extract/headers.ts';
import { pipelineSchema, viewOf, type PipelineDefinition } from '../pipeline.ts';
import type { Finding } from './collect.ts';

/** Finding categories, one per kind of rule. */
export const RULE_CATEGORY: Record<DestinationRule['rule'], string> = {
  mandatory: 'destination_mandatory_missing',
  max_length: 'destination_too_long',
  picklist: 'destination_not_in_picklist',
};

const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'name']);

/** Modules the pipeline writes records to (attachments are files, not records). */
export const writtenModules = (p: PipelineDefinition) => [...new Set(p.objects.filter((o) => !o.attachment).map((o) => o.module))];

/** Read the destination's rules for every module the pipeline writes and replace the stored set. */
export async function storeDestinationRules(db: Db, p: PipelineDefinition, dest: Destination): Promise<{ modules: number; rules: Record<DestinationRule['rule'], number> } | null> {
  if (!dest.schema?.rules) return null;
  const rows: (DestinationRule & { module: string })[] = [];
  const existing = new Set((await dest.schema.listModules()).map((m) => m.apiName));
  const modules = writtenModules(p).filter((m) => existing.has(m));
  for (const module of modules) for (const r of await dest.schema.rules(module)) rows.push({ ...r, module });
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query('delete from etl.destination_rules where pipeline = $1', [p.name]);
    await client.query(
      `insert into etl.destination_rules (pipeline, destination, module, field, rule, columns, data_type, max_length, "values", strict, origin)
       select $1, $2, r.module, r.field, r.rule, r.columns, r.data_type, r.max_length, r.values, coalesce(r.strict, true), r.origin
         from jsonb_to_recordset($3::jsonb) as r(module text, field text, rule text, columns text[], data_type text, max_length int, "values" text[], strict boolean, origin text)
       on conflict do nothing`,
      [
        p.name,
        dest.name,
        JSON.stringify(
          rows.map((r) => ({ module: r.module, field: r.field, rule: r.rule, columns: r.columns, data_type: r.dataType ?? null, max_length: r.maxLength ?? null, values: r.values ?? null, strict: r.strict ?? null, origin: r.origin })),
        ),
      ],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  const count = { mandatory: 0, max_length: 0, picklist: 0 };
  for (const r of rows) count[r.rule]++;
  return { modules: modules.length, rules: count };
}

interface StoredRule {
  module: string;
  field: string;
  rule: DestinationRule['rule'];
  columns: string[];
  max_length: number | null;
  values: string[] | null;
  strict: boolean;
  origin: string;
  destination: string;
}

/**
 * One finding per view row and rule the destination would refuse (severity error), or store
 * outside a picklist's options (warning). Empty when setup has not read the rules yet.
 */
export async function destinationRuleFindings(db: Db, p: PipelineDefinition): Promise<Finding[]> {
  if (!(await db.pool.query(`select to_regclass('etl.destination_rules') is not null as ok`)).rows[0].ok) return [];
  const rules = (await db.pool.query<StoredRule>(`select * from etl.destination_rules where pipeline = $1 order by module, field, rule`, [p.name])).rows;
  if (!rules.length) return [];
  const out: Finding[] = [];
  const schema = pipelineSchema(p);
  for (const o of p.objects.filter((x) => !x.attachment)) {
    const moduleRules = rules.filter((r) => r.module === o.module);
    if (!moduleRules.length) continue;
    const [s, n] = viewOf(p, o).split('.') as [string, string];
    const cols = new Map(
      (
        await db.pool.query<{ c: string; t: string }>(
          `select a.attname as c, format_type(a.atttypid, null) as t from pg_attribute a
            where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped`,
          [`${ident(s)}.${ident(n)}`],
        )
      ).rows.map((r) => [r.c, r.t]),
    );
    if (!cols.size) continue;
    const rel = `${ident(s)}.${ident(n)}`;
    const held = ['_reject_reason', '_skip_reason'].filter((c) => cols.has(c)).map((c) => `${ident(c)} is null`);
    const lineage = cols.has('_file') && cols.has('_line') ? `_file::text as _f, _line::text as _l` : `null::text as _f, null::text as _l`;
    const at = (r: { _f: string | null; _l: string | null }) => (r._f ? ` (${r._f} line ${r._l})` : '');
    const title = (d: string) => (d === p.destination.name ? (p.destination.title ?? d) : d);
    // Every rule of the object is one condition of a single scan of the view (a view row is
    // computed once however many rules apply): `hits` lists the checks a row breaks.
    interface Check {
      rule: StoredRule;
      present: string[];
      /** SQL of the value the finding names (lengths, picklists). */
      value?: string;
      cond: string;
    }
    const checks: Check[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    for (const rule of moduleRules) {
      const present = rule.columns.filter((c) => cols.has(c));
      if (rule.rule === 'mandatory') {
        const empty = present.length
          ? present.map((c) => (cols.get(c) === 'jsonb' ? `coalesce(${ident(c)} in ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb), true)` : `nullif(btrim(${ident(c)}::text), '') is null`)).join(' and ')
          : 'true';
        checks.push({ rule, present, cond: empty });
        continue;
      }
      for (const c of present) {
        const type = cols.get(c)!;
        const col = ident(c);
        if (rule.rule === 'max_length' && rule.max_length && TEXT_TYPES.has(type)) checks.push({ rule, present, value: `${col}::text`, cond: `char_length(${col}) > ${param(rule.max_length)}::int` });
        if (rule.rule === 'picklist' && rule.values && (TEXT_TYPES.has(type) || type === 'text[]'))
          checks.push({
            rule,
            present,
            value: `${col}::text`,
            cond: type === 'text[]' ? `${col} is not null and not (${col} <@ ${param(rule.values)}::text[])` : `nullif(btrim(${col}), '') is not null and ${col} <> all(${param(rule.values)}::text[])`,
          });
      }
      // A custom field the view does not carry as a column rides in `_custom` ({field: typed value}).
      if (!present.length && cols.get('_custom') === 'jsonb') {
        const f = param(rule.field);
        const v = `(_custom->>${f}::text)`;
        if (rule.rule === 'max_length' && rule.max_length)
          checks.push({ rule, present: ['_custom'], value: v, cond: `jsonb_typeof(_custom->${f}::text) = 'string' and char_length(${v}) > ${param(rule.max_length)}::int` });
        if (rule.rule === 'picklist' && rule.values) {
          const vals = param(rule.values);
          checks.push({
            rule,
            present: ['_custom'],
            value: v,
            cond: `case jsonb_typeof(_custom->${f}::text)
                     when 'string' then nullif(btrim(${v}), '') is not null and ${v} <> all(${vals}::text[])
                     when 'array' then not (array(select jsonb_array_elements_text(_custom->${f}::text)) <@ ${vals}::text[])
                     else false end`,
          });
        }
      }
    }
    if (!checks.length) continue;
    const used = [...new Set(checks.map((c) => c.value).filter((c): c is string => !!c))];
    const values = used.map((c, i) => `${c} as _v${i}`).join(', ');
    const hits = `array_remove(array[${checks.map((c, i) => `case when ${c.cond} then ${i} end`).join(', ')}], null)`;
    const { rows } = await db.pool.query(
      `select * from (select source_key, ${lineage}${values ? `, ${values}` : ''}, ${hits} as _hits from ${rel}${held.length ? ` where ${held.join(' and ')}` : ''}) x
        where cardinality(_hits) > 0 order by source_key`,
      params,
    );
    for (const r of rows) {
      for (const i of r._hits as number[]) {
        const { rule, present, value } = checks[i]!;
        const v: string | null = value ? r[`_v${used.indexOf(value)}`] : null;
        if (rule.rule === 'mandatory')
          out.push({
            dq_view: 'etl.destination_rules',
            category: RULE_CATEGORY.mandatory,
            severity: 'error',
            object: o.name,
            source_key: r.source_key,
            field: rule.field,
            value: null,
            message: `${title(rule.destination)} refuses a ${o.module} record without ${rule.field} (${rule.origin})${present.length ? `: ${present.join(', ')} empty` : `: ${schema}.${n} has no ${rule.columns.join(' / ')} column`}${at(r)}`,
          });
        else if (rule.rule === 'max_length') {
          const len = [...(v ?? '')].length;
          out.push({
            dq_view: 'etl.destination_rules',
            category: RULE_CATEGORY.max_length,
            severity: 'error',
            object: o.name,
            source_key: r.source_key,
            field: rule.field,
            value: v && len > 200 ? `${[...v].slice(0, 200).join('')}…` : v,
            message: `${title(rule.destination)} refuses ${o.module}.${rule.field} longer than ${rule.max_length} characters; this value has ${len}${at(r)}`,
          });
        } else
          out.push({
            dq_view: 'etl.destination_rules',
            category: RULE_CATEGORY.picklist,
            severity: rule.strict ? 'error' : 'warning',
            object: o.name,
            source_key: r.source_key,
            field: rule.field,
            value: v,
            message: rule.strict
              ? `${title(rule.destination)} refuses ${o.module}.${rule.field} values outside its options (${(rule.values ?? []).join(', ')})${at(r)}`
              : `not among the options of ${o.module}.${rule.field} in ${title(rule.destination)}: stored as written, but reports and filters will not offer it; add it to the picklist or map it${at(r)}`,
          });
      }
    }
  }
  return out;
}
