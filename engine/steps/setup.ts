/**
 * `setup`: the destination's schema before data. Plans, prints the plan, and with --apply (or
 * on a sandbox rehearsal, unless --strict-gates) performs it:
 *   - the idempotency field (unique, holds the source_key) on every module the pipeline writes,
 *   - the custom fields pipeline.schema.fields / modules[].fields and the confirmed
 *     custom-field mapping (custom-fields.csv, confirmed = yes) need,
 *   - every picklist value the data uses (valuesFrom SQL) added to its picklist,
 *   - the custom modules pipeline.schema.modules need (created where the API allows).
 * What the API cannot do goes to out/<pipeline>/admin-checklist.md and the step stops at a
 * gate (exit 3) until a person has done it. Re-running finds everything in place: no actions.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Step, StepContext } from './context.ts';
import type { Destination, DestinationField } from '../destination.ts';
import { customFieldsFile, readCustomFieldMappings } from '../custom-fields.ts';
import { pipelineSchema } from '../pipeline.ts';
import { gate } from '../gates.ts';
import { GateError } from '../errors.ts';
import { ensureWorkspaceDir, workspaceDir } from '../workspace.ts';
import { destinationRuleFindings, storeDestinationRules } from '../report/destination-rules.ts';
import { report } from './report.ts';

interface FieldNeed {
  module: string;
  apiName: string;
  label: string;
  type: string;
  length?: number;
  unique?: boolean;
  values?: string[];
  lookupModule?: string;
  why: string;
}

type Action =
  | { kind: 'create_module'; module: string; label: string }
  | { kind: 'create_field'; need: FieldNeed }
  | { kind: 'add_picklist_values'; module: string; field: DestinationField; values: string[]; why: string };

interface Plan {
  actions: Action[];
  checklist: string[];
  inPlace: number;
  /** Confirmed custom-field rows set aside, with why (their column is not in this export). */
  skipped: string[];
}

async function valuesFrom(ctx: StepContext, sql: string, what: string): Promise<string[]> {
  try {
    const { rows, fields } = await ctx.db.pool.query(sql);
    const col = fields[0]?.name;
    if (!col) return [];
    return picklistOptions(rows.map((r) => r[col]).filter((v) => v !== null && v !== undefined && String(v).trim() !== '').map((v) => String(v)));
  } catch (err) {
    throw new GateError('SETUP_VALUES_SQL', `${what}: valuesFrom SQL failed (${(err as Error).message}); fix the pipeline definition or run transform first.`);
  }
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** How a destination compares picklist options: case and runs of spaces do not count. */
export const optionKey = (v: string) => v.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The options for the values the data uses: one per value as the destination compares them
 * (a destination may refuse a field whose options differ only by case, DUPLICATE_DATA,
 * and the whole field is then missing). Of several spellings the one in mixed case wins (`Retail` over `retail` and
 * `RETAIL`), then the first in order; records keep their own spelling, which the destination
 * stores as sent.
 */
export function picklistOptions(values: string[]): string[] {
  const rank = (v: string) => (v === v.toLowerCase() || v === v.toUpperCase() ? 1 : 0);
  const best = new Map<string, string>();
  for (const raw of values) {
    const v = raw.trim().replace(/\s+/g, ' ');
    const k = optionKey(v);
    const had = best.get(k);
    if (had === undefined || rank(v) < rank(had) || (rank(v) === rank(had) && v < had)) best.set(k, v);
  }
  return [...best.values()].sort();
}

export async function planSetup(ctx: StepContext, dest: Destination): Promise<Plan> {
  const { pipeline } = ctx;
  const plan: Plan = { actions: [], checklist: [], inPlace: 0, skipped: [] };
  const needs: FieldNeed[] = [];
  if (dest.idempotencyField && dest.upsert) {
    for (const m of new Set(pipeline.objects.filter((o) => !o.attachment).map((o) => o.module)))
      needs.push({ module: m, apiName: dest.idempotencyField, label: dest.idempotencyField.replace(/_/g, ' '), type: 'text', length: 255, unique: true, why: 'idempotency key (source_key) so a retried write never duplicates' });
  }
  const reqFields = [...(pipeline.schema?.fields ?? []), ...(pipeline.schema?.modules ?? []).flatMap((m) => m.fields)];
  for (const f of reqFields)
    needs.push({
      module: f.module,
      apiName: f.field,
      label: f.label,
      type: f.type,
      length: f.length,
      lookupModule: f.lookupModule,
      values: f.valuesFrom ? await valuesFrom(ctx, f.valuesFrom, `${f.module}.${f.field}`) : undefined,
      why: 'pipeline schema',
    });
  // A source that defines its custom fields (a definitions file in its export) lists their
  // options in the pipeline's custom_field_options model (module, field, option).
  const optionsModel = `${pipelineSchema(pipeline)}.custom_field_options`;
  const hasOptions = (await ctx.db.pool.query('select to_regclass($1) is not null as ok', [optionsModel])).rows[0].ok as boolean;
  // Fields only for the columns this export has: a confirmed row for a column the landed export
  // lacks (a mapping kept from another export) creates nothing.
  const landed = new Set(
    (
      await ctx.db.pool.query(`select table_name || '.' || column_name as c from information_schema.columns where table_schema = $1`, [`raw_${pipeline.source.name}`])
    ).rows.map((r) => r.c as string),
  );
  for (const m of readCustomFieldMappings(customFieldsFile(pipeline, ctx.flags.out)).filter((r) => r.confirmed && r.module && r.field)) {
    // (A source that defines its custom fields in a definitions file declares them in the
    // export itself: every definition is created, with or without a column.)
    if (!hasOptions && landed.size && !landed.has(`${m.object}.${m.source_column}`)) {
      plan.skipped.push(`${m.module}.${m.field}: the export has no column ${m.object}.${m.source_header || m.source_column}`);
      continue;
    }
    const type = m.field_type || m.inferred_type;
    // A picklist's options: every value this export's records hold (typed in custom_values),
    // and every option the source defines for it.
    const typed = await ctx.db.pool.query(`select to_regclass($1) is not null as ok`, [`${pipelineSchema(pipeline)}.custom_values`]);
    const where = `module = ${literal(m.module)} and field = ${literal(m.field)}`;
    const values = /picklist/i.test(type) && typed.rows[0].ok
      ? await valuesFrom(
          ctx,
          `select distinct jsonb_array_elements_text(case jsonb_typeof(value) when 'array' then value else jsonb_build_array(value) end)
             from ${pipelineSchema(pipeline)}.custom_values where ${where} and value is not null` +
            (hasOptions ? ` union select option from ${optionsModel} where ${where}` : ''),
          `${m.module}.${m.field}`,
        )
      : undefined;
    needs.push({ module: m.module, apiName: m.field, label: m.source_header || m.field, type, values, why: `custom column ${m.object}.${m.source_column}` });
  }

  if (!dest.schema) {
    for (const n of needs) plan.checklist.push(`Check that ${n.module} has the field ${n.apiName} (${n.type}${n.unique ? ', unique' : ''}) - ${n.why}.`);
    for (const m of pipeline.schema?.modules ?? []) plan.checklist.push(`Check that the custom module ${m.apiName} ("${m.label}") exists.`);
    return plan;
  }
  const schema = dest.schema;
  const modules = new Set((await schema.listModules()).map((m) => m.apiName));
  const missingModules = new Set<string>();
  for (const m of pipeline.schema?.modules ?? []) {
    if (modules.has(m.apiName)) plan.inPlace++;
    else {
      missingModules.add(m.apiName);
      if (schema.createModule) plan.actions.push({ kind: 'create_module', module: m.apiName, label: m.label });
      else plan.checklist.push(`Create the custom module ${m.apiName} ("${m.label}"); ${dest.name}'s API cannot.`);
    }
  }
  const fieldCache = new Map<string, DestinationField[]>();
  const fieldsOf = async (module: string) => {
    if (!fieldCache.has(module)) fieldCache.set(module, missingModules.has(module) ? [] : await schema.listFields(module));
    return fieldCache.get(module)!;
  };
  const seen = new Set<string>();
  for (const n of needs) {
    const id = `${n.module}.${n.apiName}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!modules.has(n.module) && !missingModules.has(n.module)) {
      plan.checklist.push(`Module ${n.module} does not exist in the destination (needed for ${n.apiName}: ${n.why}).`);
      continue;
    }
    const have = (await fieldsOf(n.module)).find((f) => f.apiName === n.apiName);
    if (!have && n.values && n.values.length === 0) {
      // A picklist needs its options, and no record of this export has a value for it.
      plan.skipped.push(`${id} (${n.type}): no record of this export has a value for it, so it has no options yet; run setup again after an export that does`);
      continue;
    }
    if (!have) {
      plan.actions.push({ kind: 'create_field', need: n });
      continue;
    }
    plan.inPlace++;
    if (n.values?.length && have.picklistValues) {
      const known = new Set(have.picklistValues.map(optionKey));
      const missing = n.values.filter((v) => !known.has(optionKey(v)));
      if (missing.length) plan.actions.push({ kind: 'add_picklist_values', module: n.module, field: have, values: missing, why: n.why });
    }
  }
  for (const p of pipeline.schema?.picklists ?? []) {
    const values = await valuesFrom(ctx, p.valuesFrom, `${p.module}.${p.field}`);
    const have = (await fieldsOf(p.module)).find((f) => f.apiName === p.field);
    if (!have) {
      plan.checklist.push(`Picklist ${p.module}.${p.field} does not exist; the data uses: ${values.join(', ')}.`);
      continue;
    }
    const known = new Set((have.picklistValues ?? []).map(optionKey));
    const missing = values.filter((v) => !known.has(optionKey(v)));
    if (missing.length) plan.actions.push({ kind: 'add_picklist_values', module: p.module, field: have, values: missing, why: 'values the data uses' });
    else plan.inPlace++;
  }
  return plan;
}

function describe(a: Action): string {
  if (a.kind === 'create_module') return `create custom module ${a.module} ("${a.label}")`;
  if (a.kind === 'create_field') return `create field ${a.need.module}.${a.need.apiName} (${a.need.type}${a.need.unique ? ', unique' : ''}${a.need.values?.length ? `, ${a.need.values.length} values` : ''}) - ${a.need.why}`;
  return `add ${a.values.length} value(s) to picklist ${a.module}.${a.field.apiName}: ${a.values.join(', ')}`;
}

export const setup: Step = async (ctx) => {
  const dest = await ctx.destination();
  const plan = await planSetup(ctx, dest);
  ctx.log(`setup: ${dest.target}: ${plan.inPlace} item(s) in place, ${plan.actions.length} to do, ${plan.checklist.length} for an admin`);
  for (const a of plan.actions) ctx.log(`  - ${describe(a)}`);
  for (const k of plan.skipped) ctx.log(`  not created: ${k}`);
  const apply = !!ctx.flags.apply || (dest.isSandbox && !ctx.flags.strictGates);
  const done: string[] = [];
  const checklist = [...plan.checklist];
  if (plan.actions.length && !apply) {
    await readRules(ctx, dest);
    ctx.summary.setup = { in_place: plan.inPlace, planned: plan.actions.map(describe), checklist };
    throw new GateError('SETUP_NOT_APPLIED', `setup has ${plan.actions.length} change(s) to make in ${dest.target} (listed above); run setup --apply to make them.`);
  }
  if (plan.actions.length) {
    if (!ctx.flags.apply) ctx.log('setup: applying on the sandbox (a real destination needs --apply)');
    const schema = dest.schema!;
    for (const a of plan.actions.filter((x) => x.kind === 'create_module')) {
      let o;
      try {
        o = await schema.createModule!({ apiName: a.module, label: a.label });
      } catch (err) {
        if ((err as { code?: string }).code !== 'AMBIGUOUS_WRITE') throw err;
        // The answer was lost: the module list says whether it was created.
        const made = (await schema.listModules()).some((m) => m.apiName === a.module);
        o = made ? { ok: true } : { ok: false, code: 'NO_ANSWER', message: (err as Error).message };
      }
      if (o.ok) done.push(describe(a));
      else checklist.push(`Create the custom module ${a.module} ("${a.label}"): the API answered ${o.code}${o.message ? ` (${o.message})` : ''}.`);
    }
    const byModule = new Map<string, FieldNeed[]>();
    for (const a of plan.actions) if (a.kind === 'create_field') byModule.set(a.need.module, [...(byModule.get(a.need.module) ?? []), a.need]);
    for (const [module, list] of byModule) {
      const outcomes = await schema.createFields(
        module,
        list.map((n) => ({ apiName: n.apiName, label: dest.customFields?.label(n.label, n.apiName) ?? n.label, type: n.type, length: n.length, unique: n.unique, picklistValues: n.values, lookupModule: n.lookupModule })),
      );
      const after = await schema.listFields(module);
      for (const [i, n] of list.entries()) {
        const o = outcomes[i];
        if (after.some((f) => f.apiName === n.apiName)) done.push(describe({ kind: 'create_field', need: n }));
        else
          checklist.push(
            `Create field ${module}.${n.apiName} (${n.type}${n.unique ? ', "do not allow duplicate values"' : ''}) - ${n.why}: ${o?.ok ? `the API created it under another name (${o.id ?? '?'}); rename its API name to ${n.apiName}` : `the API answered ${o?.code ?? 'nothing'}${o?.message ? ` (${o.message})` : ''}`}.`,
          );
      }
    }
    for (const a of plan.actions) {
      if (a.kind !== 'add_picklist_values') continue;
      const o = await schema.addPicklistValues(a.module, a.field, a.values);
      if (o.ok) done.push(describe(a));
      else checklist.push(`Add to picklist ${a.module}.${a.field.apiName} the values ${a.values.join(', ')}: the API answered ${o.code}${o.message ? ` (${o.message})` : ''}.`);
    }
    for (const d of done) ctx.log(`  done: ${d}`);
  }
  const rules = await readRules(ctx, dest);
  ctx.summary.setup = { in_place: plan.inPlace, done, checklist, ...(rules ? { destination_rules: rules } : {}) };
  if (checklist.length) {
    const outDir = ensureWorkspaceDir(ctx.pipeline.name, ctx.flags.out);
    const file = path.join(outDir, 'admin-checklist.md');
    writeFileSync(
      file,
      `# Admin checklist: ${ctx.pipeline.name}\n\nDestination: ${dest.target}\n\nThe API could not do these; do them in the ${dest.name} admin settings, then run \`setup\` again (it checks each one).\n\n${checklist.map((c) => `- [ ] ${c}`).join('\n')}\n`,
    );
    ctx.log(`setup: ${checklist.length} item(s) need an admin: ${file}`);
    await gate(ctx, 'ADMIN_CHECKLIST', `${checklist.length} schema item(s) need an admin (see ${file}); run setup again once they are done.`);
  }
};

/**
 * Read what the destination refuses (mandatory fields, lengths, picklists) into
 * etl.destination_rules, count the view rows that would be refused, and rewrite an existing report
 * when the rules changed, so that it lists them before anything is sent (a full run writes the
 * report before setup).
 */
async function readRules(ctx: StepContext, dest: Destination) {
  const before = await rulesDigest(ctx);
  const stored = await storeDestinationRules(ctx.db, ctx.pipeline, dest);
  if (!stored) return null;
  const findings = await destinationRuleFindings(ctx.db, ctx.pipeline);
  const refused = findings.filter((f) => f.severity === 'error').length;
  ctx.log(
    `setup: destination rules read for ${stored.modules} module(s): ${stored.rules.mandatory} mandatory, ${stored.rules.max_length} length, ${stored.rules.picklist} picklist; ` +
      `${refused} row(s) would be refused (report: destination_* findings)`,
  );
  // A report written before the rules were known (a full run writes it before setup) is rewritten.
  if ((await rulesDigest(ctx)) !== before && existsSync(path.join(workspaceDir(ctx.pipeline.name, ctx.flags.out), 'report', 'report.html'))) await report(ctx);
  return { ...stored.rules, would_be_refused: refused };
}

const rulesDigest = async (ctx: StepContext) =>
  (
    await ctx.db.pool.query(
      `select md5(coalesce(string_agg(concat_ws('|', module, field, rule, columns::text, max_length, "values"::text, strict), ',' order by module, field, rule), '')) as d
         from etl.destination_rules where pipeline = $1`,
      [ctx.pipeline.name],
    )
  ).rows[0].d as string;

/** `load` refuses to write without the idempotency field: a retry could otherwise duplicate. */
export async function requireIdempotencyFields(ctx: StepContext, dest: Destination): Promise<void> {
  if (!dest.upsert || !dest.idempotencyField || !dest.schema) return;
  const missing: string[] = [];
  for (const m of new Set(ctx.pipeline.objects.filter((o) => !o.attachment).map((o) => o.module))) {
    const fields = await dest.schema.listFields(m);
    if (!fields.some((f) => f.apiName === dest.idempotencyField)) missing.push(m);
  }
  if (missing.length)
    throw new GateError('SETUP_REQUIRED', `${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no ${dest.idempotencyField} field, which makes retried writes safe; run the setup step (setup --apply) first.`);
}
