/** Discovery: column profiles, the custom-field mapping, and what will not migrate. */
import { gate } from '../gates.ts';
import { customFieldsFile, readCustomFieldMappings } from '../custom-fields.ts';
import type { StepContext } from '../steps/context.ts';

export { profileSource, saveProfiles, type ColumnProfile } from './profile.ts';
export { proposeMapping, mergeMappings, zohoApiName, targetModule } from './mapping.ts';
export { notMigratedInventory, notMigratedMarkdown } from './not-migrated.ts';

/**
 * Stop (exit 3 on a real destination) while any custom field is unconfirmed: a row of
 * pipelines/<pipeline>/custom-fields.csv not marked confirmed, or a custom column in the raw
 * tables that has no confirmed row (discover has not been run since it appeared).
 */
export async function requireConfirmedCustomFields(ctx: StepContext): Promise<void> {
  const file = customFieldsFile(ctx.pipeline, ctx.flags.out);
  const rows = readCustomFieldMappings(file);
  const confirmed = new Set(rows.filter((r) => r.confirmed).map((r) => `${r.object}.${r.source_column}`));
  const unconfirmed = rows.filter((r) => !r.confirmed).map((r) => `${r.object}.${r.source_column}`);
  const { rows: custom } = await ctx.db.pool.query(
    `select file || '.' || column_name as name from etl.raw_columns where source = $1 and is_custom order by file, ordinal`,
    [ctx.pipeline.source.name],
  );
  const unmapped = custom.map((r) => r.name as string).filter((n) => !confirmed.has(n) && !unconfirmed.includes(n));
  const open = [...unconfirmed, ...unmapped];
  if (!open.length) return;
  const list = open.slice(0, 10).join(', ') + (open.length > 10 ? `, and ${open.length - 10} more` : '');
  await gate(
    ctx,
    'CUSTOM_FIELDS_UNCONFIRMED',
    `${open.length} custom field(s) not confirmed in ${file} (${list}). Run discover, review the proposed mapping, and set confirmed to yes.`,
  );
}
