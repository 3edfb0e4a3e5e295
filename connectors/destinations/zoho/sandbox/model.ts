/** Module/field metadata as the records API validates against it, read from sandbox_zoho.fields. */
import type pg from 'pg';

export interface FieldMeta {
  id: string;
  api_name: string;
  field_label: string;
  data_type: string;
  length: number | null;
  system_mandatory: boolean;
  custom_field: boolean;
  read_only: boolean;
  unique: Record<string, unknown>;
  lookup_module: string | null;
  pick_list: { id: string; display_value: string; actual_value: string }[] | null;
  strict_picklist: boolean;
  textarea_type: string | null;
  seq: number;
}

export interface ModuleMeta {
  api_name: string;
  id: string;
  custom: boolean;
  singular_label: string;
  plural_label: string;
  duplicateCheck: string | null;
  apiSupported: boolean;
  fields: Map<string, FieldMeta>;
}

export async function loadModule(pool: pg.Pool, module: string): Promise<ModuleMeta | undefined> {
  const m = await pool.query('select api_name, id, custom, data from sandbox_zoho.modules where api_name = $1', [module]);
  if (!m.rowCount) return undefined;
  const row = m.rows[0];
  const f = await pool.query('select api_name, id, seq, data from sandbox_zoho.fields where module = $1 order by seq', [module]);
  const fields = new Map<string, FieldMeta>();
  for (const r of f.rows) fields.set(r.api_name, { ...r.data, id: r.id, api_name: r.api_name, seq: r.seq });
  return {
    api_name: row.api_name,
    id: row.id,
    custom: row.custom,
    singular_label: row.data.singular_label,
    plural_label: row.data.plural_label,
    duplicateCheck: row.data.duplicate_check ?? null,
    apiSupported: row.data.api_supported !== false,
    fields,
  };
}

export async function moduleNames(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query('select api_name from sandbox_zoho.modules order by api_name');
  return rows.map((r) => r.api_name);
}

/**
 * `lower(data->>'Field')` with the field name written into the SQL as a literal, never a
 * parameter: only then can the planner use the expression indexes on the key and duplicate-check
 * fields (store.ts). With `data->>$2` every lookup scanned the whole module.
 */
export function lowerFieldSql(field: string, alias = ''): string {
  return `lower(${alias}data->>'${field.replace(/'/g, "''")}')`;
}
