import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCustomFieldsFile, readCustomFieldMappings, workspaceCustomFieldsFile, writeCustomFieldMappings } from '../custom-fields.ts';
import { mergeMappings, notMigratedInventory, notMigratedMarkdown, profileSource, proposeMapping, saveProfiles, targetModule, type ColumnProfile, type ProposalContext } from '../discover/index.ts';
import type { DestinationField } from '../destination.ts';
import { readDefinitions } from '../discover/definitions.ts';
import { ensureWorkspaceDir } from '../workspace.ts';
import { csvText } from '../util/csv-write.ts';
import type { Step, StepContext } from './context.ts';

const PROFILE_COLUMNS = ['object', 'column_name', 'header', 'is_custom', 'inferred_type', 'rows', 'non_null', 'null_share', 'distinct_count', 'max_length', 'sample_values', 'longest_value'] as const;

function profilesCsv(profiles: ColumnProfile[]): string {
  // These values come from the export: the one writer neutralises spreadsheet formulas.
  return csvText(
    PROFILE_COLUMNS,
    profiles.map((p) => PROFILE_COLUMNS.map((c) => (c === 'sample_values' ? p.sample_values.join(' | ') : c === 'longest_value' ? (p.longest_value ?? '').slice(0, 200) : p[c]))),
  );
}

const mdCell = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').slice(0, 80);

function profilesMarkdown(pipeline: string, profiles: ColumnProfile[]): string {
  const lines = [`# Discovery: ${pipeline}`, '', 'Every column of every raw table, as exported. `custom` columns are not in the connector\'s spec; their proposed mapping is in `custom-fields.csv`.', ''];
  const objects = [...new Set(profiles.map((p) => p.object))];
  for (const o of objects) {
    const ps = profiles.filter((p) => p.object === o);
    lines.push(`## ${o} (${ps[0]?.rows ?? 0} rows)`, '', '| column | header | custom | type | empty | distinct | longest | samples |', '|---|---|---|---|---|---|---|---|');
    for (const p of ps)
      lines.push(
        `| ${p.column_name} | ${mdCell(p.header)} | ${p.is_custom ? 'yes' : ''} | ${p.inferred_type} | ${Math.round(p.null_share * 100)}% | ${p.distinct_count} | ${p.max_length ?? ''} | ${mdCell(p.sample_values.slice(0, 3).join(', '))} |`,
      );
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * What the destination says about custom fields: its conventions (names, labels, types), and
 * the fields each target module already has, standard and custom, read from its metadata, so
 * that no proposal clashes with one of them. A destination whose metadata cannot be read is
 * proposed for all the same, without that check, and the log says so.
 */
async function destinationContext(ctx: StepContext, profiles: ColumnProfile[]): Promise<ProposalContext> {
  const { pipeline } = ctx;
  const dest = await ctx.destination();
  const existing = new Map<string, DestinationField[]>();
  const reserved = new Set<string>();
  const definitions = await readDefinitions(ctx.db, pipeline.source);
  const objects = [...profiles.filter((p) => p.is_custom).map((p) => p.object), ...definitions.map((d) => d.object)];
  const modules = new Set(objects.map((o) => targetModule(pipeline, o)).filter(Boolean));
  for (const m of new Set(pipeline.objects.filter((o) => !o.attachment).map((o) => o.module))) if (dest.idempotencyField) reserved.add(`${m}.${dest.idempotencyField}`);
  for (const f of [...(pipeline.schema?.fields ?? []), ...(pipeline.schema?.modules ?? []).flatMap((m) => m.fields)]) reserved.add(`${f.module}.${f.field}`);
  if (dest.schema) {
    try {
      const have = new Set((await dest.schema.listModules()).map((m) => m.apiName));
      for (const m of modules) if (have.has(m)) existing.set(m, await dest.schema.listFields(m));
    } catch (err) {
      ctx.log(`discover: the fields ${dest.target} already has could not be read (${(err as Error).message}); proposals are not checked against them`);
    }
  }
  return { conventions: dest.customFields, destination: dest.name, existing, reserved, definitions };
}

/**
 * Profile every raw table of the pipeline's source, propose the custom-field mapping for this
 * export (out/<pipeline>/custom-fields.csv, keeping the rows a person confirmed there), and
 * inventory what will not migrate. Writes out/<pipeline>/discovery/.
 */
export const discover: Step = async (ctx) => {
  const { pipeline } = ctx;
  const profiles = await profileSource(ctx.db, pipeline.source);
  await saveProfiles(ctx.db, pipeline.source.name, profiles, ctx.runId);
  const dir = ensureWorkspaceDir(pipeline.name, ctx.flags.out, 'discovery');
  writeFileSync(path.join(dir, 'column-profiles.csv'), profilesCsv(profiles));
  writeFileSync(path.join(dir, 'column-profiles.md'), profilesMarkdown(pipeline.name, profiles));

  // The proposal for this export goes to the run's workspace, never to the pipeline's committed
  // defaults. A workspace mapping a person already edited keeps their confirmed rows (even for a
  // column this export lacks: setup skips those); started from the defaults, only the rows for
  // columns this export has are kept, so the bundled sample's fields are not created for it.
  const mappingFile = workspaceCustomFieldsFile(pipeline, ctx.flags.out);
  const fromWorkspace = existsSync(mappingFile);
  const base = readCustomFieldMappings(fromWorkspace ? mappingFile : defaultCustomFieldsFile(pipeline));
  const dctx = await destinationContext(ctx, profiles);
  // a field a confirmed row writes is taken for every other column
  for (const r of base) if (r.confirmed && r.module && r.field) dctx.reserved?.add(`${r.module}.${r.field}`);
  const proposed = proposeMapping(pipeline, profiles, dctx);
  const merged = mergeMappings(base, proposed);
  const gone = fromWorkspace ? merged.gone : [];
  const rows = fromWorkspace ? merged.rows : merged.rows.filter((r) => !merged.gone.includes(r));
  writeCustomFieldMappings(mappingFile, rows);
  writeCustomFieldMappings(path.join(dir, 'custom-fields.csv'), rows);

  const items = await notMigratedInventory(ctx.db, pipeline);
  writeFileSync(path.join(dir, 'not-migrated.md'), notMigratedMarkdown(pipeline, items));

  const unconfirmed = rows.filter((r) => !r.confirmed).length;
  ctx.log(`discover: ${profiles.length} column(s) profiled in ${new Set(profiles.map((p) => p.object)).size} raw table(s); written to ${dir}`);
  ctx.log(`  custom fields: ${rows.length} (${rows.length - unconfirmed} confirmed, ${unconfirmed} to confirm in ${mappingFile})`);
  for (const r of rows.filter((x) => !x.confirmed)) ctx.log(`    ${r.object}.${r.source_column || `"${r.source_header}" (no column)`} -> ${r.module || '?'}.${r.field} (${r.field_type}): ${r.reason}`);
  for (const g of gone) ctx.log(`  confirmed mapping kept for a column no longer in the export: ${g.object}.${g.source_column}`);
  for (const it of items) ctx.log(`  not migrated: ${it.what} (${it.file}): ${it.rows} row(s)`);
  ctx.summary.discover = {
    columns: profiles.length,
    custom_fields: rows.length,
    unconfirmed,
    not_migrated: items.map((i) => ({ file: i.file, what: i.what, rows: i.rows })),
    folder: dir,
  };
};
