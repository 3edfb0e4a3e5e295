/**
 * The one CSV writer: every CSV the tool writes (findings, discovery profiles, the custom-field
 * proposal, hand-off documents, verify's diff, delta's deleted list, a destination's bulk
 * import file) goes through here, built on csv-stringify beside the csv-parse that reads.
 *
 * The rule, the same for every file:
 *   - Line ending: LF ("\n") after every record, the header included. Spreadsheets and csv-parse
 *     read it, and files kept in git (a pipeline's custom-fields.csv) stay free of CR noise.
 *   - Quoting: a cell is quoted ("" inside for a quote) when it holds a comma, a double quote,
 *     CR or LF (RFC 4180), and also when it holds '#' or starts or ends with whitespace, so a
 *     reader that takes '#' lines as comments and trims unquoted cells (custom-fields.csv is read
 *     that way) gets the cell back exactly.
 *   - Formulas: a cell a spreadsheet would run as a formula (first character = + - @, tab or
 *     CR) gets a leading apostrophe, so opening any file the tool wrote cannot run what an export
 *     carried (CSV injection). A cell that already starts with an apostrophe gets one more, so the
 *     guard is reversible: `readWrittenCsv` drops exactly one leading apostrophe and every value,
 *     headers with quotes, commas, newlines or a leading '=' included, comes back as written.
 *   - The one exception, `formulas: 'verbatim'`: a file that is data for a destination's import
 *     API (a bulk import), not a document for a person. The guard there would change the
 *     values written into the CRM, so it is left out; quoting and line ending are the same.
 *
 * Cells: null and undefined are empty, a Date is its ISO text, another object its JSON, the rest
 * String(v).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export const CSV_EOL = '\n';

/** First characters a spreadsheet reads as the start of a formula, plus the guard's own apostrophe. */
const GUARDED_LEAD = /^[=+\-@\t\r']/;

export type FormulaRule = 'guard' | 'verbatim';

/** The text of one cell before quoting. */
export function cellText(v: unknown, formulas: FormulaRule = 'guard'): string {
  const s =
    v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return formulas === 'guard' && GUARDED_LEAD.test(s) ? `'${s}` : s;
}

/** Undoes the formula guard of one cell read back from a file this module wrote. */
export const unguardCell = (s: string): string => (s.startsWith("'") ? s.slice(1) : s);

export interface CsvOptions {
  formulas?: FormulaRule;
  /** Lines written before the header as '# ' comments (a reader passes comment: '#'). */
  comments?: readonly string[];
}

const STRINGIFY = { record_delimiter: CSV_EOL, quoted_match: /#|^\s|\s$/ } as const;

/** One cell as it stands in a file: guarded, then quoted when the rule says so. */
export const csvCell = (v: unknown): string => stringify([[cellText(v)]], STRINGIFY).slice(0, -CSV_EOL.length);

/** The CSV text of a header and its rows. */
export function csvText(header: readonly string[], rows: Iterable<readonly unknown[]>, opts: CsvOptions = {}): string {
  const formulas = opts.formulas ?? 'guard';
  const records: string[][] = [header.map((h) => cellText(h, formulas))];
  for (const r of rows) records.push(r.map((v) => cellText(v, formulas)));
  const body = stringify(records, STRINGIFY);
  return (opts.comments ?? []).map((c) => `# ${c}${CSV_EOL}`).join('') + body;
}

/** Writes a header and its rows to `file` (see the module comment for the rule). */
export function writeCsvFile(file: string, header: readonly string[], rows: Iterable<readonly unknown[]>, opts: CsvOptions = {}): void {
  writeFileSync(file, csvText(header, rows, opts));
}

/**
 * Reads a CSV this module wrote (or a person edited after it): one record per row keyed by the
 * header, '#' lines skipped, unquoted cells trimmed, the formula guard undone in every cell.
 */
export function parseWrittenCsv(text: string): Record<string, string>[] {
  return parse(text, {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    trim: true,
    comment: '#',
    comment_no_infix: true,
    // applied to the header row too, so a guarded header comes back as written
    cast: (v: string) => unguardCell(v),
  }) as Record<string, string>[];
}

export const readWrittenCsv = (file: string): Record<string, string>[] => parseWrittenCsv(readFileSync(file, 'utf8'));
