/**
 * The careful CSV reader: splits decoded text into physical lines (LF, CRLF or CR), then lines
 * into records with the quote state carried across lines. It never throws on bad data: every
 * record comes out with the physical line it starts on, so a caller can land it or reject it
 * with file, line and reason. Values keep exactly the characters the file holds (a newline
 * inside a quoted field stays "\r\n" when the file wrote "\r\n"), which is what PostgreSQL's
 * own CSV parser keeps too, so both paths hash a row the same way.
 */

/** PostgreSQL allows 1,600 columns per table; the raw table adds 5 lineage columns. */
export const MAX_COLUMNS = 1595;
/** A quoted field still open after this many lines is taken to be an unterminated quote. */
export const MAX_QUOTED_LINES = 10_000;
const RAW_KEEP = 2000;

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

export type CsvEvent = CsvRecord | Unterminated | TooManyColumns;

/** Physical lines out of text chunks; a "\r" at a chunk's end waits for the next chunk. */
export class LineSplitter {
  /** Text of an unfinished line, in pieces (joining on every chunk would be quadratic on a 50 MB line). */
  private pending: string[] = [];
  lineNo = 0;

  *push(chunk: string): Generator<[text: string, eol: string, line: number]> {
    let s = chunk;
    if (this.pending.length) {
      const last = this.pending[this.pending.length - 1]!;
      if (last.endsWith('\r') || /[\r\n]/.test(chunk)) {
        this.pending.push(chunk);
        s = this.pending.join('');
        this.pending = [];
      } else {
        this.pending.push(chunk);
        return;
      }
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
    if (start < s.length) this.pending.push(s.slice(start));
  }

  *end(): Generator<[string, string, number]> {
    if (this.pending.length) {
      const r = this.pending.join('');
      this.pending = [];
      this.lineNo++;
      if (r.endsWith('\r')) yield [r.slice(0, -1), '\r', this.lineNo];
      else yield [r, '', this.lineNo];
    }
  }
}

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
  blankLines = 0;

  constructor(
    private readonly delimiter: string,
    private readonly maxFields = Infinity,
  ) {}

  /** Feed one physical line; returns the event it completes, if any. */
  line(text: string, eol: string, lineNo: number): CsvEvent | null {
    if (!this.inQuotes && this.fields.length === 0 && this.field === '' && this.atFieldStart) {
      // A line of nothing but spaces is a blank line too, not a one-field row.
      if (text === '' || text.trim() === '') {
        this.blankLines++;
        return null;
      }
      this.startLine = lineNo;
      this.spanned = 0;
      this.raw = '';
      this.stray = false;
    }
    this.spanned++;
    if (this.raw.length < RAW_KEEP) this.raw += (this.raw ? '\n' : '') + text.slice(0, RAW_KEEP - this.raw.length);
    const d = this.delimiter;
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.field += text.slice(i);
          i = n;
        } else {
          this.field += text.slice(i, q);
          if (text.charCodeAt(q + 1) === 34) {
            this.field += '"';
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
        this.field += text.slice(i, k + 1);
        i = k + 1;
      } else if (j >= 0) {
        this.field += text.slice(i, j);
        this.fields.push(this.field);
        this.field = '';
        this.atFieldStart = true;
        i = j + d.length;
        if (this.fields.length > this.maxFields) return this.tooMany();
      } else {
        this.field += text.slice(i);
        i = n;
      }
    }
    if (this.inQuotes) {
      if (this.spanned >= MAX_QUOTED_LINES) return this.unterminated();
      this.field += eol;
      return null;
    }
    return this.finish();
  }

  /** End of input: an open quote is an unterminated record. */
  end(): CsvEvent | null {
    if (this.inQuotes) return this.unterminated();
    if (this.fields.length || this.field !== '' || !this.atFieldStart) return this.finish();
    return null;
  }

  /** Start over (after an unterminated quote, reading resumes on the next line). */
  reset(): void {
    this.fields = [];
    this.field = '';
    this.inQuotes = false;
    this.atFieldStart = true;
  }

  private finish(): CsvRecord {
    this.fields.push(this.field);
    const rec: CsvRecord = { kind: 'record', fields: this.fields, line: this.startLine, lines: this.spanned, raw: this.raw, strayQuote: this.stray };
    this.reset();
    if (rec.fields.length > this.maxFields) return this.tooMany() as never;
    return rec;
  }

  private unterminated(): Unterminated {
    const ev: Unterminated = { kind: 'unterminated', line: this.startLine, raw: this.raw };
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
  opts: { fromLine?: number; toRecords?: number; maxFields?: number; stats?: { blankLines: number } } = {},
): AsyncGenerator<CsvEvent, { blankLines: number }> {
  const split = new LineSplitter();
  const parser = new RecordParser(delimiter, opts.maxFields ?? Infinity);
  const from = opts.fromLine ?? 1;
  let emitted = 0;
  for await (const chunk of text) {
    for (const [t, eol, no] of split.push(chunk)) {
      if (no < from) continue;
      const blank = parser.blankLines;
      const ev = parser.line(t, eol, no);
      if (opts.stats) opts.stats.blankLines += parser.blankLines - blank;
      if (ev) {
        yield ev;
        if (ev.kind !== 'record') return { blankLines: parser.blankLines };
        if (opts.toRecords && ++emitted >= opts.toRecords) return { blankLines: parser.blankLines };
      }
    }
  }
  for (const [t, eol, no] of split.end()) {
    if (no < from) continue;
    const ev = parser.line(t, eol, no);
    if (ev) {
      yield ev;
      if (ev.kind !== 'record') return { blankLines: parser.blankLines };
    }
  }
  const last = parser.end();
  if (last) yield last;
  return { blankLines: parser.blankLines };
}
