/**
 * How often each kind of mess is drawn in `--mess high`. One place, so a test or a benchmark can
 * turn one up or down (`rates: { orphan: 0.2 }` in a generator's options). Row rates are per
 * row of a file; value rates per value written; file rates per file of the export. Whatever the
 * rate, every class still appears at least once per file where it applies (mess/track.ts).
 */
export interface MessRates {
  // --- files and framing (per file)
  /** An optional file left out of the export. */
  fileMissing: number;
  /** An optional file with its header and no rows. */
  fileHeaderOnly: number;
  /** Every field quoted, needed or not. */
  quoteAll: number;
  /** Every line (header included) ends with one more delimiter. */
  trailingDelimiter: number;
  /** A whole file with CR-only line ends (old Mac exports): rare. */
  crOnly: number;
  /** Headers written in another case style than the layout's (lower, UPPER, snake_case). */
  headerCase: number;
  /** Columns shuffled out of the layout's order. */
  reorder: number;
  /** One optional column left out of a file. */
  dropColumn: number;
  /** Extra unknown (custom) columns in a file that has none of its own. */
  customColumns: number;
  // --- per header
  /** A header with stray spaces (leading, trailing, doubled inside). */
  headerSpaces: number;
  /** A column written under one of its aliases rather than its main header. */
  alias: number;
  // --- rows
  blankLine: number;
  raggedShort: number;
  raggedLong: number;
  /** The same id written again later with other values (the last row wins). */
  duplicateId: number;
  /** A parent row written malformed (extract rejects it) while its children still point at it. */
  rejectedParent: number;
  // --- values
  /** A reference that names a record the export does not have. */
  orphan: number;
  /** Any other value mess (dates, names, emails, phones, money, ...): the share of values messed. */
  value: number;
  /** A near-duplicate spelling of a company already written. */
  nearDuplicate: number;
}

export const DEFAULT_RATES: MessRates = {
  fileMissing: 0.01,
  fileHeaderOnly: 0.01,
  quoteAll: 0.2,
  trailingDelimiter: 0.12,
  crOnly: 0.04,
  headerCase: 0.35,
  reorder: 0.5,
  dropColumn: 0.2,
  customColumns: 0.35,
  headerSpaces: 0.08,
  alias: 0.6,
  blankLine: 0.008,
  raggedShort: 0.003,
  raggedLong: 0.002,
  duplicateId: 0.01,
  rejectedParent: 0.004,
  orphan: 0.02,
  value: 0.1,
  nearDuplicate: 0.08,
};

export const withRates = (r?: Partial<MessRates>): MessRates => ({ ...DEFAULT_RATES, ...(r ?? {}) });
