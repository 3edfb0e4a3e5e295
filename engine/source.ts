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
  /**
   * The record of another export file this column names (a parent, an owner, a status from the
   * source's own list). Every declared reference gets an orphan check generated from it: each
   * value no record of that file has is a finding with file, line, header and value
   * (engine/extract/orphans.ts, the view dq_<source>.orphan_values).
   */
  references?: ColumnReference;
}

export interface ColumnReference {
  /** The file whose records the column names (its FileSpec.name). */
  file: string;
  /** The column(s) of that file a value may match; any one links it (an owner by email or by name). */
  column: string | string[];
  /**
   * How values compare: `id` (default) trimmed, as written, like the staging models' joins;
   * `text` also ignoring case and runs of spaces (emails, names, statuses, groups).
   */
  match?: 'id' | 'text';
  /** `error` when the row cannot load without the link; `warning` (default) when it loads unlinked. */
  severity?: 'error' | 'warning' | 'info';
  /** What happens to such a row, for the finding's message (default: it loads without the link). */
  consequence?: string;
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
  /** Human name, as the product calls itself ("<Product> Lead Management"). */
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
  /**
   * The export's own list of its custom fields (a definitions file of the export), as raw
   * columns: `discover` proposes a field for every definition (with a
   * column in this export or not), typed as the definition says. Absent: custom fields are
   * inferred from the columns alone.
   */
  customFieldDefinitions?: CustomFieldDefinitionsSpec;
}

export interface CustomFieldDefinitionsSpec {
  /** The raw table (FileSpec.name) holding the definitions. */
  file: string;
  /** Raw columns: the field's name (the header its column carries), its type, the object it belongs to, its options. */
  field: string;
  type: string;
  object: string;
  options?: string;
  /** What separates two options in the options column. */
  optionSeparator?: string;
  /** The object column's values (compared lower-case) -> the raw table whose custom columns they name. */
  objects: Record<string, string>;
  /** A field defined twice for one object: the first definition counts (default) or the last, as the source's staging model reads them. */
  wins?: 'first' | 'last';
}

/** Raw schema name for a source. */
export const rawSchema = (source: string) => `raw_${source}`;
export const stgSchema = (source: string) => `stg_${source}`;
export const dqSchema = (name: string) => `dq_${name.replace(/-/g, '_')}`;
