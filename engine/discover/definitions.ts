/**
 * The export's own custom-field definitions (SourceConnector.customFieldDefinitions): one per
 * object and field as the export lists them (the first or the last counts, as the source's
 * staging model reads them), read from the raw table, so that
 * `discover` proposes every defined field, typed as defined, whether this export has its column
 * or not.
 */
import type { Db } from '../db/connection.ts';
import { rawSchema, type SourceConnector } from '../source.ts';
import { mappingHeaderKey, type InferredType } from '../custom-fields.ts';

export interface CustomFieldDefinition {
  /** Raw table the field belongs to. */
  object: string;
  /** The field's name as defined (the header its column carries). */
  header: string;
  /** The type as the source writes it. */
  type: string;
  options: string[];
  /** The raw table and line of the definition. */
  file: string;
  line: number;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function readDefinitions(db: Db, source: SourceConnector): Promise<CustomFieldDefinition[]> {
  const spec = source.customFieldDefinitions;
  if (!spec) return [];
  const table = `${rawSchema(source.name)}.${ident(spec.file)}`;
  const exists = (await db.pool.query('select to_regclass($1) is not null as ok', [`${rawSchema(source.name)}.${spec.file}`])).rows[0].ok as boolean;
  if (!exists) return [];
  const { rows } = await db.pool.query<{ field: string | null; type: string | null; object: string | null; options: string | null; line: number }>(
    `select ${ident(spec.field)} as field, ${ident(spec.type)} as type, ${ident(spec.object)} as object,
            ${spec.options ? ident(spec.options) : 'null::text'} as options, _line as line
       from ${table} order by _line ${spec.wins === 'last' ? 'desc' : ''}`,
  );
  const seen = new Set<string>();
  const out: CustomFieldDefinition[] = [];
  for (const r of rows) {
    const header = (r.field ?? '').replace(/\s+/g, ' ').trim();
    const object = spec.objects[(r.object ?? '').replace(/\s+/g, ' ').trim().toLowerCase()];
    if (!header || !object) continue;
    const key = `${object}\u0000${mappingHeaderKey(header)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const options = (r.options ?? '')
      .split(spec.optionSeparator ?? '|')
      .map((o) => o.replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    out.push({ object, header, type: (r.type ?? '').replace(/\s+/g, ' ').trim(), options, file: spec.file, line: Number(r.line) });
  }
  return out;
}

/** The inferred type a definition's type stands for (null: a type discover does not know; the column's values decide). */
export function definedType(type: string): { inferred: InferredType; money?: boolean } | null {
  const t = type.toLowerCase().replace(/[^a-z]/g, '');
  if (['text', 'string', 'singleline', 'url', 'website', 'link'].includes(t)) return { inferred: 'text' };
  if (['longtext', 'textarea', 'multiline', 'note', 'notes'].includes(t)) return { inferred: 'long_text' };
  if (['number', 'numeric', 'integer', 'decimal', 'double'].includes(t)) return { inferred: 'number' };
  if (['currency', 'money', 'amount'].includes(t)) return { inferred: 'number', money: true };
  if (['date', 'datetime'].includes(t)) return { inferred: 'date' };
  if (['checkbox', 'boolean', 'yesno', 'bool'].includes(t)) return { inferred: 'checkbox' };
  if (['picklist', 'dropdown', 'select', 'list', 'multiselect', 'multiselectpicklist'].includes(t)) return { inferred: 'picklist' };
  if (t === 'email') return { inferred: 'email' };
  if (t === 'phone') return { inferred: 'phone' };
  return null;
}
