/** Header names are data from outside: they become identifiers only through normalisation. */
import type { FileSpec } from '../source.ts';

/** Case-, whitespace- and punctuation-insensitive key for matching headers against the spec. */
export function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A safe snake_case column name for a header (letters, digits, underscore; max 63 bytes). */
export function columnNameFor(header: string): string {
  let name = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) name = 'column';
  if (/^[0-9]/.test(name)) name = `c_${name}`;
  if (name.startsWith('_')) name = `c${name}`;
  return name.slice(0, 60);
}

/** Quote an identifier for SQL. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface HeaderMapping {
  /** For each position in the file's header: the raw column it lands in, or null (dropped duplicate). */
  columns: (string | null)[];
  /** Custom (unknown) columns, in file order, with their original header. */
  custom: { name: string; header: string }[];
  /** Spec columns the file does not have. */
  missing: string[];
  /** Headers that appeared more than once (the later ones land as <name>_2, ...). */
  duplicates: string[];
}

export function mapHeaders(spec: FileSpec, headers: string[]): HeaderMapping {
  const byKey = new Map<string, string>();
  for (const col of spec.columns) {
    for (const h of [col.header, ...(col.aliases ?? []), col.name]) byKey.set(headerKey(h), col.name);
  }
  const used = new Set<string>();
  const columns: (string | null)[] = [];
  const custom: { name: string; header: string }[] = [];
  const duplicates: string[] = [];
  for (const raw of headers) {
    const header = raw.trim();
    let name = byKey.get(headerKey(header)) ?? columnNameFor(header);
    const known = byKey.has(headerKey(header));
    if (used.has(name)) {
      duplicates.push(header);
      let i = 2;
      while (used.has(`${name}_${i}`)) i++;
      name = `${name}_${i}`;
    }
    // lineage columns start with "_" and cannot be produced by columnNameFor
    used.add(name);
    columns.push(name);
    if (!known) custom.push({ name, header });
  }
  const present = new Set(columns.filter((c): c is string => c !== null));
  const missing = spec.columns.filter((c) => !present.has(c.name)).map((c) => c.name);
  return { columns, custom, missing, duplicates };
}

/** Check required columns; returns a message naming the missing ones, or null. */
export function requiredProblem(spec: FileSpec, mapping: HeaderMapping): string | null {
  const present = new Set(mapping.columns);
  const missingRequired = spec.columns.filter((c) => c.required && !present.has(c.name)).map((c) => c.header);
  if (missingRequired.length) return `missing required column(s): ${missingRequired.join(', ')}`;
  if (spec.requireOneOf && !spec.requireOneOf.some((set) => set.every((c) => present.has(c)))) {
    const label = (set: string[]) =>
      set.map((c) => spec.columns.find((s) => s.name === c)?.header ?? c).join(' + ');
    return `needs one of: ${spec.requireOneOf.map(label).join(' or ')}`;
  }
  return null;
}
