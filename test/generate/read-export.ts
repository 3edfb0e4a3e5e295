/**
 * Reads a generated export back without the generator's help: encoding from the bytes, the
 * delimiter from the header line, line ends from the text, records with csv-parse, and each
 * header matched to the layout by the connector-independent rule (case, spaces and punctuation
 * ignored; aliases accepted).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { ColumnDef } from '../../tools/generate/mess/writer.ts';

export interface ReadFile {
  file: string;
  encoding: 'utf8' | 'utf8_bom' | 'win1252';
  delimiter: string;
  eol: 'crlf' | 'lf' | 'cr';
  header: string[];
  /** Layout key of each header position, or null for a column the layout does not have. */
  keys: (string | null)[];
  /** Records, blank lines left out. */
  records: string[][];
  blankLines: number;
  /** Records with another number of fields than the header. */
  ragged: number;
  /** Values of one layout column (records too short to have it are skipped). */
  col(key: string): string[];
  /** Records as key -> value (layout columns only). */
  rows(): Record<string, string>[];
}

export const norm = (h: string) => h.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

function decode(buf: Buffer): { text: string; encoding: ReadFile['encoding'] } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf8_bom' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf8' };
  } catch {
    return { text: iconv.decode(buf, 'win1252'), encoding: 'win1252' };
  }
}

function sniffDelimiter(line: string): string {
  let best = ',', most = -1;
  for (const d of [',', ';', '\t']) {
    let n = 0, q = false;
    for (const ch of line) {
      if (ch === '"') q = !q;
      else if (ch === d && !q) n++;
    }
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

export function readExportFile(dir: string, file: string, columns: readonly ColumnDef[]): ReadFile | undefined {
  const p = path.join(dir, file);
  if (!existsSync(p)) return undefined;
  const { text, encoding } = decode(readFileSync(p));
  const firstBreak = text.search(/\r\n|\n|\r/);
  const eol = firstBreak < 0 ? 'lf' : text.startsWith('\r\n', firstBreak) ? 'crlf' : text[firstBreak] === '\r' ? 'cr' : 'lf';
  const delimiter = sniffDelimiter(text.slice(0, firstBreak < 0 ? undefined : firstBreak));
  const all = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, record_delimiter: eol === 'cr' ? '\r' : eol === 'crlf' ? '\r\n' : '\n' }) as string[][];
  const [header = [], ...rest] = all;
  const blank = (r: string[]) => r.length === 1 && r[0] === '';
  const records = rest.filter((r) => !blank(r));
  const byNorm = new Map<string, string>();
  for (const c of columns) for (const h of [c.header, ...(c.aliases ?? []), c.key]) byNorm.set(norm(h), c.key);
  const keys = header.map((h) => byNorm.get(norm(h)) ?? null);
  const idx = (key: string) => keys.indexOf(key);
  return {
    file, encoding, delimiter, eol, header, keys, records,
    blankLines: rest.length - records.length,
    ragged: records.filter((r) => r.length !== header.length).length,
    col(key) {
      const i = idx(key);
      return i < 0 ? [] : records.filter((r) => r.length > i).map((r) => r[i]!);
    },
    rows() {
      return records.filter((r) => r.length === header.length).map((r) => Object.fromEntries(keys.flatMap((k, i) => (k ? [[k, r[i]!]] : []))));
    },
  };
}

/** Every file of a layout that is in the export (a missing optional file is left out). */
export function readExport(dir: string, layout: Record<string, { file: string; columns: readonly ColumnDef[] }>): Map<string, ReadFile> {
  const out = new Map<string, ReadFile>();
  const present = new Set(readdirSync(dir));
  for (const def of Object.values(layout)) {
    if (!present.has(def.file)) continue;
    const f = readExportFile(dir, def.file, def.columns);
    if (f) out.set(def.file, f);
  }
  return out;
}
