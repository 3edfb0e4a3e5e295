/**
 * The custom-field mapping: every source column the connector does not know, with the
 * destination field and type proposed by `discover`, and whether a person confirmed it.
 *
 * Two files, never mixed up: the pipeline's defaults (pipelines/<pipeline>/custom-fields.csv,
 * committed, for the bundled sample) and the mapping of THIS customer's export, which `discover`
 * writes to the workspace (out/<pipeline>/custom-fields.csv, or --out DIR) for a person to
 * confirm. The workspace file wins when it exists. `load` stops at a gate while any row of the
 * mapping in use is unconfirmed.
 *
 * A mapping binds to the header as the export writes it (`source_header`), not to the raw column
 * name derived from it: `transform` loads the mapping as <pipeline_schema>.map_custom_fields and
 * the pipeline's custom_values model types each value in SQL (lib.typed_value) by the field's
 * type and the source's conventions. Views carry the result in `_custom` ({field: typed value});
 * the loader writes it as it is (docs/custom-fields.md).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { readWrittenCsv, writeCsvFile } from './util/csv-write.ts';
import type { PipelineDefinition } from './pipeline.ts';
import { workspaceDir } from './workspace.ts';

export type InferredType = 'text' | 'long_text' | 'number' | 'date' | 'checkbox' | 'picklist' | 'email' | 'phone';

export interface CustomFieldMapping {
  /** Raw table / export object the column belongs to (e.g. `leads`). */
  object: string;
  source_column: string;
  source_header: string;
  inferred_type: InferredType;
  /** Destination module and field API name (created in setup). */
  module: string;
  field: string;
  /** Destination field type (its data type or custom field type, as the destination names it). */
  field_type: string;
  /** `yes` once a person confirmed the row. */
  confirmed: boolean;
  reason: string;
}

/**
 * How a mapping row and an export column are matched: by the header as written, compared as
 * extract and the SQL models compare headers (lib.header_key: case and runs of whitespace do not
 * matter; punctuation does, so `Budget (ZAR)` and `Budget ZAR` stay two columns even though both
 * derive the column name `budget_zar`). A row without a header (an old file) falls back to its column.
 */
export const mappingHeaderKey = (header: string | null | undefined, column = ''): string =>
  header && header.trim() ? `h:${header.trim().replace(/\s+/g, ' ').toLowerCase()}` : `c:${column}`;

/** A header-only mapping file, for a pipeline with no custom fields (the table still exists). */
export function emptyMappingFile(): string {
  const file = path.join(tmpdir(), `crm-migrate-empty-custom-fields-${process.pid}.csv`);
  writeCsvFile(file, CUSTOM_FIELD_COLUMNS, []);
  return file;
}

export const CUSTOM_FIELD_COLUMNS = ['object', 'source_column', 'source_header', 'inferred_type', 'module', 'field', 'field_type', 'confirmed', 'reason'] as const;

/** The pipeline's committed defaults (the bundled sample's mapping). */
export const defaultCustomFieldsFile = (p: Pick<PipelineDefinition, 'dir'>) => path.join(p.dir, 'custom-fields.csv');

/** Where `discover` writes the mapping proposed for this export. */
export const workspaceCustomFieldsFile = (p: Pick<PipelineDefinition, 'name'>, out?: string) => path.join(workspaceDir(p.name, out), 'custom-fields.csv');

/** The mapping in use: the workspace's when discover wrote one, else the pipeline's defaults. */
export function customFieldsFile(p: Pick<PipelineDefinition, 'name' | 'dir'>, out?: string): string {
  const w = workspaceCustomFieldsFile(p, out);
  return existsSync(w) ? w : defaultCustomFieldsFile(p);
}

export function readCustomFieldMappings(file: string): CustomFieldMapping[] {
  if (!existsSync(file)) return [];
  // The project's own reader of what its writer wrote: '#' comments, the formula guard undone, so
  // a header such as `=Budget, "net"` binds as the export wrote it.
  const rows = readWrittenCsv(file);
  return rows.map((r) => ({
    object: r.object ?? '',
    source_column: r.source_column ?? '',
    source_header: r.source_header ?? '',
    inferred_type: (r.inferred_type ?? 'text') as InferredType,
    module: r.module ?? '',
    field: r.field ?? '',
    field_type: r.field_type ?? '',
    confirmed: /^(yes|y|true|1)$/i.test(r.confirmed ?? ''),
    reason: r.reason ?? '',
  }));
}

export function writeCustomFieldMappings(file: string, rows: CustomFieldMapping[]): void {
  writeCsvFile(
    file,
    CUSTOM_FIELD_COLUMNS,
    rows.map((r) => CUSTOM_FIELD_COLUMNS.map((c) => (c === 'confirmed' ? (r.confirmed ? 'yes' : 'no') : String(r[c])))),
    {
      comments: [
        'Custom-field mapping proposed by `discover`. Edit module/field/field_type if needed,',
        'then set confirmed to yes. `load` stops at a gate while any row is not confirmed.',
      ],
    },
  );
}
