/**
 * What a source connector declares: its export files and their columns, as data.
 * The extract engine reads any source from this description alone.
 */
export interface ColumnSpec {
  /** Column name in the raw table (snake_case). */
  name: string;
  /** Header as docs/sources.md writes it. */
  header: string;
  /** Other headers real exports use for the same column. */
  aliases?: string[];
  required?: boolean;
}

export interface FileSpec {
  /** Raw table name, also the object name (`leads` → raw_<source>.leads). */
  name: string;
  /** File name in the export folder (matched case-insensitively). */
  file: string;
  /** The source's main object file: extract fails without it. */
  required?: boolean;
  columns: ColumnSpec[];
  /** Alternatives where one of several column sets must be present, e.g. Name or Last Name. */
  requireOneOf?: string[][];
  /** Column holding the record's id in the source (for source_key and duplicate checks). */
  idColumn?: string;
}

/** The conventions a source's export is written in (docs/conventions.md). */
export interface SourceConventions {
  /** Order of nn/nn/yyyy dates: day first (dd/mm/yyyy) or month first (mm/dd/yyyy). */
  dateOrder: 'dmy' | 'mdy';
  /** IANA time zone of times written without an offset. */
  timezone: string;
  /** Country of phone numbers written without a country code (ISO 3166 alpha-2). */
  phoneCountry: string;
  /** Decimal separator of numbers and money; decides only shapes like `1,500` that could be either. */
  decimalSeparator: '.' | ',';
  /** Currency of amounts that do not name one (ISO 4217). */
  currency: string;
}

export interface SourceConnector {
  name: string;
  /** Human name, e.g. "Leadtrekker Lead Management". */
  title: string;
  files: FileSpec[];
  /**
   * How the source writes values: the one place the staging models' parsers take their rules from
   * (dates, times, phones, numbers, money). An export can override any of them (extract flags or a
   * conventions file beside the export: engine/extract/conventions.ts).
   */
  conventions: SourceConventions;
  /** Folder with the bundled sample export. */
  sampleDir: string;
  /** Folder with attachment bodies, relative to the export folder, if the source has one. */
  filesDir?: string;
}

/** Raw schema name for a source. */
export const rawSchema = (source: string) => `raw_${source}`;
export const stgSchema = (source: string) => `stg_${source}`;
export const dqSchema = (name: string) => `dq_${name.replace(/-/g, '_')}`;
