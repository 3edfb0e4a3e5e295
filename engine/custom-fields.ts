/**
 * The custom-field mapping: every source column the connector does not know, with the
 * destination field and type proposed by `discover`, and whether a person confirmed it.
 * It lives in pipelines/<pipeline>/custom-fields.csv so a consultant edits it like a value map;
 * `load` stops at a gate while any row is unconfirmed.
 *
 * Views carry custom values in a `_custom` jsonb column ({ "<source_column>": "<text>" });
 * the loader writes each confirmed mapping's value to its destination field, typed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { PipelineDefinition } from './pipeline.ts';

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
  /** Destination field type (Zoho data_type or Nutshell custom field type). */
  field_type: string;
  /** `yes` once a person confirmed the row. */
  confirmed: boolean;
  reason: string;
}

export const CUSTOM_FIELD_COLUMNS = ['object', 'source_column', 'source_header', 'inferred_type', 'module', 'field', 'field_type', 'confirmed', 'reason'] as const;

export const customFieldsFile = (p: PipelineDefinition) => path.join(p.dir, 'custom-fields.csv');

export function readCustomFieldMappings(file: string): CustomFieldMapping[] {
  if (!existsSync(file)) return [];
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true, trim: true, comment: '#' }) as Record<string, string>[];
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

function csvCell(v: string): string {
  // Neutralise spreadsheet formulas in every CSV the tool writes.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function writeCustomFieldMappings(file: string, rows: CustomFieldMapping[]): void {
  const lines = [
    '# Custom-field mapping proposed by `discover`. Edit module/field/field_type if needed,',
    '# then set confirmed to yes. `load` stops at a gate while any row is not confirmed.',
    CUSTOM_FIELD_COLUMNS.join(','),
    ...rows.map((r) => CUSTOM_FIELD_COLUMNS.map((c) => csvCell(c === 'confirmed' ? (r.confirmed ? 'yes' : 'no') : String(r[c]))).join(',')),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
}
