/**
 * Copies of a source's sample export for lifecycle tests: a smaller slice (the first N records
 * of the main file and the rows of other files that reference them), and edited copies for a
 * delta (records changed, added, removed). Records are copied byte for byte unless edited, so
 * the copy is as messy as the original.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

interface CsvFile {
  header: string;
  delimiter: string;
  columns: string[];
  records: { raw: string; fields: string[] }[];
}

/** Read as latin1 so every byte survives the round trip whatever the file's encoding. */
export function readCsv(file: string): CsvFile {
  const text = readFileSync(file, 'latin1');
  const firstLine = text.split(/\r?\n/, 1)[0]!;
  const delimiter = [';', ',', '\t', '|'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const rows = parse(text, { delimiter, raw: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as unknown as { record: string[]; raw: string }[];
  const [head, ...rest] = rows;
  // raw carries the line break before or after a record depending on CRLF/LF mixes: trim it.
  const trimBreaks = (t: string) => t.replace(/^[\r\n]+|[\r\n]+$/g, '');
  return {
    header: trimBreaks(head!.raw),
    delimiter,
    columns: head!.record.map(trimBreaks),
    records: rest.map((r) => ({ raw: trimBreaks(r.raw), fields: r.record.map((f, i) => (i === 0 ? trimBreaks(f) : f)) })),
  };
}

export function writeCsvFile(file: string, f: CsvFile): void {
  writeFileSync(file, [f.header, ...f.records.map((r) => r.raw)].join('\r\n') + '\r\n', 'latin1');
}

export function serialise(fields: string[], delimiter: string): string {
  return fields.map((v) => (v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(delimiter);
}

/**
 * The first `n` records of `mainFile` (keyed by its first column) and, from every other CSV,
 * the rows that name one of their keys (files that never name a main key are kept whole).
 */
export function sliceExport(from: string, to: string, mainFile: string, n: number): string[] {
  mkdirSync(to, { recursive: true });
  const main = readCsv(path.join(from, mainFile));
  main.records = main.records.slice(0, n);
  const keys = new Set(main.records.map((r) => r.fields[0]!.trim()));
  const pattern = /^[A-Z]{1,4}-\d+$/;
  const allMain = new Set(readCsv(path.join(from, mainFile)).records.map((r) => r.fields[0]!.trim()));
  writeCsvFile(path.join(to, mainFile), main);
  for (const name of readdirSync(from)) {
    const src = path.join(from, name);
    if (name === mainFile) continue;
    if (statSync(src).isDirectory()) {
      cpSync(src, path.join(to, name), { recursive: true });
      continue;
    }
    if (!name.toLowerCase().endsWith('.csv')) {
      cpSync(src, path.join(to, name));
      continue;
    }
    const f = readCsv(src);
    const refCol = f.columns.findIndex((_, i) => i > 0 && f.records.some((r) => pattern.test(r.fields[i]?.trim() ?? '') && allMain.has(r.fields[i]!.trim())));
    if (refCol >= 0) f.records = f.records.filter((r) => keys.has(r.fields[refCol]?.trim() ?? ''));
    writeCsvFile(path.join(to, name), f);
  }
  return [...keys];
}

/** Copy an export folder and edit its main file's records. */
export function editExport(
  from: string,
  to: string,
  mainFile: string,
  edit: { change?: Record<string, Record<string, string>>; add?: { like: string; id: string; set: Record<string, string> }[]; remove?: string[] },
): void {
  cpSync(from, to, { recursive: true });
  const f = readCsv(path.join(to, mainFile));
  const col = (name: string) => {
    const i = f.columns.findIndex((c) => c.trim().toLowerCase() === name.toLowerCase());
    if (i < 0) throw new Error(`${mainFile} has no column ${name}`);
    return i;
  };
  const byId = (id: string) => f.records.find((r) => r.fields[0]!.trim() === id);
  for (const [id, set] of Object.entries(edit.change ?? {})) {
    const r = byId(id);
    if (!r) throw new Error(`${mainFile} has no record ${id}`);
    for (const [c, v] of Object.entries(set)) r.fields[col(c)] = v;
    r.raw = serialise(r.fields, f.delimiter);
  }
  for (const a of edit.add ?? []) {
    const like = byId(a.like);
    if (!like) throw new Error(`${mainFile} has no record ${a.like}`);
    const fields = [...like.fields];
    fields[0] = a.id;
    for (const [c, v] of Object.entries(a.set)) fields[col(c)] = v;
    f.records.push({ raw: serialise(fields, f.delimiter), fields });
  }
  const removed = new Set(edit.remove ?? []);
  f.records = f.records.filter((r) => !removed.has(r.fields[0]!.trim()));
  writeCsvFile(path.join(to, mainFile), f);
}

export const exists = existsSync;
