/** Discovery: column profiles, the custom-field mapping, and what will not migrate. */
import { gate } from '../gates.ts';
import { customFieldsFile, mappingHeaderKey, readCustomFieldMappings } from '../custom-fields.ts';
import type { StepContext } from '../steps/context.ts';

export { profileSource, saveProfiles, type ColumnProfile } from './profile.ts';
export { proposeMapping, mergeMappings, targetModule, type ProposalContext } from './mapping.ts';
export { notMigratedInventory, notMigratedMarkdown } from './not-migrated.ts';

/**
 * Stop (exit 3 on a real destination) while any custom field is unconfirmed: a row of
 * pipelines/<pipeline>/custom-fields.csv not marked confirmed, or a custom column in the raw
 * tables that has no confirmed row (discover has not been run since it appeared).
 */
export async function requireConfirmedCustomFields(ctx: StepContext): Promise<void> {
  const file = customFieldsFile(ctx.pipeline, ctx.flags.out);
  const rows = readCustomFieldMappings(file);
  // By the header as written (as the SQL binds values), never by the derived column name: a new
  // column that took a confirmed column's name is still a column nobody confirmed.
  const key = (object: string, header: string, column: string) => `${object}\u0000${mappingHeaderKey(header, column)}`;
  const label = (object: string, header: string, column: string) => `${object}.${column}${header && header !== column ? ` ("${header}")` : ''}`;
  const mapped = new Set(rows.map((r) => key(r.object, r.source_header, r.source_column)));
  const unconfirmed = rows.filter((r) => !r.confirmed).map((r) => label(r.object, r.source_header, r.source_column));
  const { rows: custom } = await ctx.db.pool.query<{ file: string; column_name: string; header: string }>(
    `select file, column_name, header from etl.raw_columns where source = $1 and is_custom order by file, ordinal`,
    [ctx.pipeline.source.name],
  );
  const unmapped = custom.filter((c) => !mapped.has(key(c.file, c.header, c.column_name))).map((c) => label(c.file, c.header, c.column_name));
  const open = [...unconfirmed, ...unmapped.filter((n) => !unconfirmed.includes(n))];
  if (!open.length) return;
  const list = open.slice(0, 10).join(', ') + (open.length > 10 ? `, and ${open.length - 10} more` : '');
  await gate(
    ctx,
    'CUSTOM_FIELDS_UNCONFIRMED',
    `${open.length} custom field(s) not confirmed in ${file} (${list}). Run discover, review the proposed mapping, and set confirmed to yes.`,
  );
}
