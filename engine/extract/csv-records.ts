/**
 * The careful CSV reader: splits decoded text into physical lines, then lines into records with
 * the quote state carried across lines. It never throws on bad data: every record comes out with
 * the physical line it starts on, so a caller can land it or reject it with file, line and
 * reason. Values keep exactly the characters the file holds (a newline inside a quoted field
 * stays "\r\n" when the file wrote "\r\n"), which is what PostgreSQL's own CSV parser keeps too,
 * so both paths hash a row the same way.
 *
 * Line ends: CRLF, LF and a lone CR each end a physical line, whatever the file mostly uses, so
 * a file saved as "CSV (Macintosh)" (CR) reads like any other, and a file that mixes them (a
 * header ending in CR before LF records, a cell with a lone CR) loses no record; _line counts
 * lines the same way. The fast path (fast-path.ts) splits lines identically.
 *
 * Field size: a field above `maxFieldBytes` (UTF-8 bytes) is not kept: its record comes out as
 * a `field-too-large` event naming the field and its size, and a line longer than a megabyte
 * reaches the parser in pieces, so a 200 MB field costs a few megabytes of memory, not gigabytes.
 */

import { CliError } from '../errors.ts';

/** PostgreSQL allows 1,600 columns per table; the raw table adds 5 lineage columns. */
export const MAX_COLUMNS = 1595;
/** A quoted field still open after this many lines is taken to be an unterminated quote. */
export const MAX_QUOTED_LINES = 10_000;
const RAW_KEEP = 2000;
/**
 * Largest field kept, in UTF-8 bytes (CRM_MAX_FIELD_BYTES overrides; docs/extract.md). The
 * destinations take far less in one field (a CRM's long text field holds some 32,000 characters), so nothing
 * loadable is lost, and one enormous value cannot stop the load further on.
 */
export const DEFAULT_MAX_FIELD_BYTES = 1 << 20;
/** Characters of one unfinished line held before they go to the parser as a piece. */
const PIECE_CHARS = 1 << 20;

/** The field size limit: CRM_MAX_FIELD_BYTES when set to a positive whole number, else the default. */
export function maxFieldBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.CRM_MAX_FIELD_BYTES;
  if (v === undefined || v === '') return DEFAULT_MAX_FIELD_BYTES;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError('USAGE', `CRM_MAX_FIELD_BYTES must be a positive whole number of bytes (got ${JSON.stringify(v.slice(0, 40))}).`, { exitCode: 2 });
  return n;
}

export interface CsvRecord {
  kind: 'record';
  fields: string[];
  /** Physical line the record starts on (1-based). */
  line: number;
  /** Physical lines the record spans. */
  lines: number;
  /** The record's text as in the file (first 2,000 characters), for rejects. */
  raw: string;
  /** A quote appeared where CSV does not allow one; kept literally. */
  strayQuote: boolean;
}

export interface Unterminated {
  kind: 'unterminated';
  line: number;
  raw: string;
}

export interface TooManyColumns {
  kind: 'too-many-columns';
  line: number;
}

/** A record with a field above the size limit: its fields are not kept. */
export interface FieldTooLarge {
  kind: 'field-too-large';
  line: number;
  lines: number;
  /** Index of the first field above the limit. */
  field: number;
  /** Its size in UTF-8 bytes. */
  bytes: number;
}

export type CsvEvent = CsvRecord | Unterminated | TooManyColumns | FieldTooLarge;

/** [text, line end ('' at the end of the input or for a piece), line number, a piece of a longer line]. */
export type PhysicalLine = [text: string, eol: string, line: number, piece?: boolean];

/**
 * Physical lines out of text chunks; a "\r" at a chunk's end waits for the next chunk. A line
 * still unfinished after PIECE_CHARS characters goes out in pieces (`piece` true, same line
 * number, no line end), so one enormous line is never held whole.
 */
export class LineSplitter {
  /** Text of an unfinished line, in pieces (joining on every chunk would be quadratic on a 50 MB line). */
  private pending: string[] = [];
  private pendingChars = 0;
  lineNo = 0;

  constructor(private readonly pieceChars = PIECE_CHARS) {}

  *push(chunk: string): Generator<PhysicalLine> {
    let s = chunk;
    if (this.pending.length) {
      const last = this.pending[this.pending.length - 1]!;
      this.pending.push(chunk);
      this.pendingChars += chunk.length;
      if (!last.endsWith('\r') && !/[\r\n]/.test(chunk)) {
        if (this.pendingChars > this.pieceChars) yield this.piece();
        return;
      }
      s = this.pending.join('');
      this.pending = [];
      this.pendingChars = 0;
    }
    let start = 0;
    for (;;) {
      const lf = s.indexOf('\n', start);
      const cr = s.indexOf('\r', start);
      if (lf < 0 && cr < 0) break;
      let end: number;
      let eol: string;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr === s.length - 1) break; // might be CRLF split across chunks
        end = cr;
        eol = s[cr + 1] === '\n' ? '\r\n' : '\r';
      } else {
        end = lf;
        eol = '\n';
      }
      this.lineNo++;
      yield [s.slice(start, end), eol, this.lineNo];
      start = end + eol.length;
    }
    if (start < s.length) {
      this.pending.push(s.slice(start));
      this.pendingChars = s.length - start;
      if (this.pendingChars > this.pieceChars) yield this.piece();
    }
  }

  /** The unfinished line so far, as a piece; a final "\r" stays (it may start a CRLF). */
  private piece(): PhysicalLine {
    const s = this.pending.join('');
    const keep = s.endsWith('\r') ? 1 : 0;
    this.pending = keep ? ['\r'] : [];
    this.pendingChars = keep;
    return [s.slice(0, s.length - keep), '', this.lineNo + 1, true];
  }

  *end(): Generator<PhysicalLine> {
    if (this.pending.length) {
      const r = this.pending.join('');
      this.pending = [];
      this.pendingChars = 0;
      this.lineNo++;
      if (r.endsWith('\r')) yield [r.slice(0, -1), '\r', this.lineNo];
      else yield [r, '', this.lineNo];
    }
  }
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Records out of physical lines. */
export class RecordParser {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  private atFieldStart = true;
  private startLine = 0;
  private spanned = 0;
  private raw = '';
  private stray = false;
  /** A piece ended on a quote inside a quoted field: a closing quote or half of "", by the next character. */
  private quoteAtEnd = false;
  /** The last call was a piece: the next text continues the same physical line. */
  private midLine = false;
  /** Spaces that began a line, held until the line shows whether it is blank. */
  private lead = '';
  /** UTF-8 bytes of the current field once it is long enough to be measured (-1 before). */
  private fieldBytes = -1;
  /** The current field is above the limit: its text is counted, not kept. */
  private dropping = false;
  private highSurrogateAtEnd = false;
  private tooLarge: { field: number; bytes: number } | null = null;
  private readonly measureFrom: number;
  blankLines = 0;

  constructor(
    private readonly delimiter: string,
    private readonly maxFields = Infinity,
    private readonly maxFieldBytes = Infinity,
  ) {
    // A UTF-16 unit is at most 3 UTF-8 bytes: shorter fields need no measuring.
    this.measureFrom = Math.floor(maxFieldBytes / 3);
  }

  /**
   * Feed one physical line (or, with `piece`, part of one: no line end yet); returns the event it
   * completes, if any.
   */
  line(text: string, eol: string, lineNo: number, piece = false): CsvEvent | null {
    if (this.lead) {
      text = this.lead + text;
      this.lead = '';
    }
    if (!this.midLine && !this.inQuotes && this.fields.length === 0 && this.field === '' && this.atFieldStart && !this.dropping) {
      if (piece && text.trim() === '' && text.length <= this.maxFieldBytes) {
        // Whether this is a blank line or a field's leading spaces, the rest of the line tells.
        this.lead = text;
        return null;
      }
      // A line of nothing but spaces is a blank line too, not a one-field row.
      if (!piece && (text === '' || text.trim() === '')) {
        this.blankLines++;
        return null;
      }
      this.startLine = lineNo;
      this.spanned = 0;
      this.raw = '';
      this.stray = false;
    }
    if (!piece) this.spanned++;
    if (this.raw.length < RAW_KEEP) this.raw += (this.raw && !this.midLine ? '\n' : '') + text.slice(0, RAW_KEEP - this.raw.length);
    this.midLine = piece;
    const d = this.delimiter;
    let i = 0;
    const n = text.length;
    if (this.quoteAtEnd && n > 0) {
      this.quoteAtEnd = false;
      if (text.charCodeAt(0) === 34) {
        this.add('"');
        i = 1;
      } else this.inQuotes = false;
    }
    while (i < n) {
      if (this.inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.add(text.slice(i));
          i = n;
        } else {
          this.add(text.slice(i, q));
          if (q === n - 1 && piece) {
            this.quoteAtEnd = true;
            i = n;
          } else if (text.charCodeAt(q + 1) === 34) {
            this.add('"');
            i = q + 2;
          } else {
            this.inQuotes = false;
            i = q + 1;
          }
        }
        continue;
      }
      if (this.atFieldStart && text.charCodeAt(i) === 34) {
        this.inQuotes = true;
        this.atFieldStart = false;
        i++;
        continue;
      }
      this.atFieldStart = false;
      const j = text.indexOf(d, i);
      const k = text.indexOf('"', i);
      if (k >= 0 && (j < 0 || k < j)) {
        // A quote inside an unquoted field, or text after a closing quote: kept as written.
        this.stray = true;
        this.add(text.slice(i, k + 1));
        i = k + 1;
      } else if (j >= 0) {
        this.add(text.slice(i, j));
        this.endField();
        this.atFieldStart = true;
        i = j + d.length;
        if (this.fields.length > this.maxFields) return this.tooMany();
      } else {
        this.add(text.slice(i));
        i = n;
      }
    }
    if (piece) return null;
    if (this.quoteAtEnd) {
      // The line ended right after the quote: it closed the field.
      this.quoteAtEnd = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      if (this.spanned >= MAX_QUOTED_LINES) return this.unterminated();
      this.add(eol);
      return null;
    }
    return this.finish();
  }

  /** Text of the current field; measured once it could be above the limit, dropped once it is. */
  private add(s: string): void {
    if (this.fieldBytes < 0) {
      this.field += s;
      if (this.field.length > this.measureFrom) {
        this.fieldBytes = Buffer.byteLength(this.field);
        this.highSurrogateAtEnd = isHighSurrogate(this.field.charCodeAt(this.field.length - 1));
        this.checkSize();
      }
      return;
    }
    if (!s) return;
    // A character outside the BMP cut between two pieces is 4 bytes, not two lone halves of 3.
    this.fieldBytes += Buffer.byteLength(s) - (this.highSurrogateAtEnd && isLowSurrogate(s.charCodeAt(0)) ? 2 : 0);
    this.highSurrogateAtEnd = isHighSurrogate(s.charCodeAt(s.length - 1));
    if (!this.dropping) {
      this.field += s;
      this.checkSize();
    }
  }

  private checkSize(): void {
    if (this.fieldBytes > this.maxFieldBytes) {
      this.dropping = true;
      this.field = '';
    }
  }

  private endField(): void {
    if (this.dropping) this.tooLarge ??= { field: this.fields.length, bytes: this.fieldBytes };
    this.fields.push(this.field);
    this.field = '';
    this.fieldBytes = -1;
    this.dropping = false;
  }

  /** End of input: an open quote is an unterminated record. */
  end(): CsvEvent | null {
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) return this.unterminated();
    if (this.fields.length || this.field !== '' || !this.atFieldStart || this.dropping) return this.finish();
    return null;
  }

  /** Start over (after an unterminated quote, reading resumes on the next line). */
  reset(): void {
    this.fields = [];
    this.field = '';
    this.inQuotes = false;
    this.atFieldStart = true;
    this.quoteAtEnd = false;
    this.midLine = false;
    this.lead = '';
    this.fieldBytes = -1;
    this.dropping = false;
    this.tooLarge = null;
  }

  private finish(): CsvRecord | FieldTooLarge {
    this.endField();
    if (this.tooLarge) {
      const ev: FieldTooLarge = { kind: 'field-too-large', line: this.startLine, lines: this.spanned, field: this.tooLarge.field, bytes: this.tooLarge.bytes };
      this.reset();
      return ev;
    }
    const rec: CsvRecord = { kind: 'record', fields: this.fields, line: this.startLine, lines: this.spanned, raw: this.raw, strayQuote: this.stray };
    this.reset();
    if (rec.fields.length > this.maxFields) return this.tooMany() as never;
    return rec;
  }

  private unterminated(): Unterminated {
    const ev: Unterminated = { kind: 'unterminated', line: this.startLine, raw: this.tooLarge || this.dropping ? '' : this.raw };
    this.reset();
    return ev;
  }

  private tooMany(): TooManyColumns {
    const ev: TooManyColumns = { kind: 'too-many-columns', line: this.startLine };
    this.reset();
    return ev;
  }
}

/**
 * Every record of a decoded text stream, from physical line `fromLine` on. An unterminated
 * quote yields an `unterminated` event; the caller re-reads from the line after it.
 */
export async function* csvRecords(
  text: AsyncIterable<string>,
  delimiter: string,
  opts: { fromLine?: number; toRecords?: number; maxFields?: number; maxFieldBytes?: number; stats?: { blankLines: number } } = {},
): AsyncGenerator<CsvEvent, { blankLines: number }> {
  const split = new LineSplitter();
  const parser = new RecordParser(delimiter, opts.maxFields ?? Infinity, opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES);
  const from = opts.fromLine ?? 1;
  let emitted = 0;
  for await (const chunk of text) {
    for (const [t, eol, no, piece] of split.push(chunk)) {
      if (no < from) continue;
      const blank = parser.blankLines;
      const ev = parser.line(t, eol, no, piece);
      if (opts.stats) opts.stats.blankLines += parser.blankLines - blank;
      if (ev) {
        yield ev;
        if (ev.kind === 'unterminated' || ev.kind === 'too-many-columns') return { blankLines: parser.blankLines };
        if (opts.toRecords && ++emitted >= opts.toRecords) return { blankLines: parser.blankLines };
      }
    }
  }
  for (const [t, eol, no] of split.end()) {
    if (no < from) continue;
    const ev = parser.line(t, eol, no);
    if (ev) {
      yield ev;
      if (ev.kind === 'unterminated' || ev.kind === 'too-many-columns') return { blankLines: parser.blankLines };
    }
  }
  const last = parser.end();
  if (last) yield last;
  return { blankLines: parser.blankLines };
}
