/**
 * The fast path: PostgreSQL's own CSV parser reads a well-formed file (COPY ... FORMAT csv,
 * streamed straight into the raw table). Parsing every byte in JavaScript costs about twice
 * what COPY needs, so large clean exports go this way.
 *
 * What JavaScript does on the way is kept to native searches per line (line ends, quotes,
 * carriage returns, the id field) and one md5 per record: each record goes to COPY as written,
 * with two fields appended, _row_hash and _line. _batch_id, _file and _extracted_at are the
 * same on every row, so they are column defaults for the COPY rather than text the server
 * parses a million times (COPY's time grows with the bytes it reads). A Windows-1252 file goes
 * to the server as UTF-8 (only lines with bytes above 0x7F are converted), so the server
 * checks UTF-8 instead of converting every byte.
 *
 * The row hash is md5 of the record's fields joined by the file's delimiter (NULL and '' both
 * as ''): rowHash() on the careful path, md5(array_to_string(array[...], delimiter, '')) in
 * SQL with the batch's delimiter (etl.extract_batches.delimiter). For a record without quotes
 * that is md5 of the line as written (as UTF-8), so a line is hashed without being split. A
 * record with quotes (a few per cent of a typical export) is parsed by the careful reader and
 * its fields are written to COPY again, quoted. Hashing here rather than in SQL matters: a
 * generated md5 column doubles the time of the COPY, while here it runs on the other core.
 *
 * A file takes this path only if it is well formed; otherwise this throws, or the COPY fails,
 * and the caller rolls back to its savepoint and reads the file with the careful reader
 * (per-row rejects). Well formed: every record has the header's field count (the server
 * checks: the two appended fields cannot make up a difference), every quote is where CSV
 * allows one (PostgreSQL would open a quoted section at `5" monitor` and swallow the next
 * delimiter), no blank line, no NUL byte, no line or quoted record longer than the field size
 * limit (the careful reader rejects a field above it), valid bytes for the encoding (the server
 * checks), no unterminated quote. Lines may end in CRLF, LF or CR, mixed or not.
 */
import { createReadStream, statSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { hash, createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { ident } from './headers.ts';
import type { Encoding } from './detect.ts';
import { DEFAULT_MAX_FIELD_BYTES, MAX_QUOTED_LINES, RecordParser } from './csv-records.ts';
import type { DuplicateIds } from './duplicate-ids.ts';

export class NotWellFormed extends Error {}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

export interface AppenderOptions {
  delimiter: string;
  encoding: Encoding;
  /** Fields per record (the header's). */
  width: number;
  /** Physical lines the header record spans. */
  headerLines: number;
  /** Field of the record's id (its duplicates are looked for on the way), if any. */
  idIndex?: number;
  duplicates?: DuplicateIds;
  /** Leading bytes to drop (a byte order mark). */
  skipBytes?: number;
  /** Fed every byte of the file as read (BOM included), before anything is changed. */
  sha?: Hash;
  onChunk?: (rows: number, bytes: number) => void;
  /** Field size limit: a line or record longer than this is left to the careful reader. */
  maxFieldBytes?: number;
}

/**
 * Bytes of the file in, records for COPY (delimiter U+001F, file encoding) out, each with its
 * lineage appended and re-terminated with LF (a newline inside a quoted field keeps its bytes).
 */
export class LineageAppender extends Transform {
  rows = 0;
  bytes = 0;
  private lineNo = 0;
  private skipHeader: number;
  private skipBytes: number;
  /** Chunks of the unfinished last line, delimiters as in the file (joined once its end comes). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** A quoted record still open across lines. */
  private open: { parser: RecordParser; start: number; bytes: number } | null = null;
  private readonly maxFieldBytes: number;
  private readonly delim: number;
  private readonly win1252: boolean;
  private readonly idIndex: number;
  private readonly dups: DuplicateIds | undefined;

  constructor(private readonly o: AppenderOptions) {
    // Room for a few MB of records ahead of the server, so neither side waits for the other.
    super({ readableHighWaterMark: 4 << 20 });
    const d = o.delimiter.charCodeAt(0);
    if (o.delimiter.length !== 1 || d >= 0x80 || d === QUOTE || d === LF || d === CR)
      throw new NotWellFormed(`the delimiter ${JSON.stringify(o.delimiter)} is not one the fast path can take`);
    this.delim = d;
    this.win1252 = o.encoding === 'windows1252';
    this.skipHeader = o.headerLines;
    this.skipBytes = o.skipBytes ?? 0;
    this.dups = o.duplicates;
    this.idIndex = o.duplicates ? (o.idIndex ?? -1) : -1;
    this.maxFieldBytes = o.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  }

  private decode(b: Buffer): string {
    return this.win1252 ? iconv.decode(b, 'win1252') : b.toString('utf8');
  }

  /**
   * Every complete line of `buf`; returns where the unfinished last line starts.
   * A line ends at CRLF, LF or a lone CR, as on the careful reader (csv-records.ts LineSplitter),
   * so a file in any of them (Excel for Mac writes CR), or a mix, is split into the same lines and
   * records start on the same _line on both paths. Each record goes to COPY ended by LF.
   * Lines, delimiters, quotes and carriage returns are found with Buffer's native searches (a
   * JavaScript loop over every byte takes twice as long); each delimiter of a line without
   * quotes becomes U+001F. A line with a quote goes to the careful parser as it is.
   */
  private lines(buf: Buffer, out: Out): number {
    let pos = 0;
    if (buf.indexOf(NUL) >= 0) throw new NotWellFormed(`a NUL byte after line ${this.lineNo}`);

    const delim = this.delim;
    const idIndex = this.idIndex;
    const maxLine = this.maxFieldBytes;
    let quote = buf.indexOf(QUOTE, pos);
    // Next LF and CR at or after pos (-1: none left in this buffer). In an LF file the CR
    // search runs once per buffer; in a CR file the LF search does.
    let lf = buf.indexOf(LF, pos);
    let cr = buf.indexOf(CR, pos);
    for (;;) {
      if (lf >= 0 && lf < pos) lf = buf.indexOf(LF, pos);
      if (cr >= 0 && cr < pos) cr = buf.indexOf(CR, pos);
      let end: number;
      let eol: string;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR as the buffer's last byte may be the first half of a CRLF: decided with the next chunk.
        if (cr === buf.length - 1) break;
        end = cr;
        eol = lf === cr + 1 ? '\r\n' : '\r';
      } else if (lf >= 0) {
        end = lf;
        eol = '\n';
      } else break;
      const start = pos;
      pos = end + eol.length;
      this.lineNo++;
      if (this.skipHeader > 0) {
        // The header was read (and its lines counted) before landing began.
        this.skipHeader--;
        continue;
      }
      if (end - start > maxLine) throw new NotWellFormed(`line ${this.lineNo} is longer than the field size limit`);
      if (quote >= 0 && quote < start) quote = buf.indexOf(QUOTE, start);
      if ((quote >= 0 && quote < end) || this.open) {
        this.quotedLine(buf.subarray(start, end), eol, out);
        continue;
      }
      if (end === start) throw new NotWellFormed(`a blank line at line ${this.lineNo}`);
      // The field count is PostgreSQL's to check: a record with more or fewer fields than the
      // header fails the COPY (the two lineage fields cannot make up the difference).
      let idFrom = -1;
      let idTo = end;
      if (idIndex >= 0) {
        let from = start;
        for (let f = 0; f < idIndex && from >= 0; f++) {
          const d = buf.indexOf(delim, from);
          from = d >= 0 && d < end ? d + 1 : -1;
        }
        if (from >= 0) {
          idFrom = from;
          const d = buf.indexOf(delim, from);
          if (d >= 0 && d < end) idTo = d;
        }
      }
      const line = buf.subarray(start, end);
      const ascii = isAscii(line);
      let digest: string;
      if (!ascii && this.win1252) {
        // Windows-1252 goes to the server as UTF-8 (the hash is over the UTF-8 text).
        const at = out.pos;
        out.win1252(line);
        digest = hash('md5', out.buf.subarray(at, out.pos), 'hex');
      } else {
        digest = hash('md5', line, 'hex');
        out.bytes(line);
      }
      out.suffix(delim, digest, this.lineNo);
      this.rows++;
      if (idFrom >= 0) {
        if (ascii) this.dups!.addAscii(buf, idFrom, idTo, this.lineNo);
        else this.dups!.add(this.decode(buf.subarray(idFrom, idTo)), this.lineNo);
      }
    }
    return pos;
  }

  /** A line of a record with quotes: the careful reader's parser takes it. */
  private quotedLine(line: Buffer, eol: string, out: Out): void {
    if (!this.open) this.open = { parser: new RecordParser(this.o.delimiter), start: this.lineNo, bytes: 0 };
    const o = this.open;
    // A field above the limit is the careful reader's to reject (FIELD_TOO_LARGE), and a record
    // that long is the only place one can be.
    o.bytes += line.length + eol.length;
    if (o.bytes > this.maxFieldBytes) throw new NotWellFormed(`the record from line ${o.start} is longer than the field size limit`);
    const ev = o.parser.line(this.decode(line), eol, this.lineNo);
    if (!ev) {
      if (this.lineNo - o.start >= MAX_QUOTED_LINES) throw new NotWellFormed(`a quoted field from line ${o.start} is still open`);
      return;
    }
    this.open = null;
    if (ev.kind !== 'record' || ev.strayQuote) throw new NotWellFormed(`line ${o.start}: a quote where CSV does not allow one`);
    if (ev.fields.length !== this.o.width) throw new NotWellFormed(`line ${o.start} has ${ev.fields.length} fields where the header has ${this.o.width}`);
    // Written again for COPY: an empty field unquoted (NULL, as the careful reader lands it).
    const d = this.o.delimiter;
    const fields = ev.fields.map((f) => (f === '' ? '' : `"${f.replace(/"/g, '""')}"`)).join(d);
    out.bytes(Buffer.from(fields, 'utf8'));
    out.ascii(`${d}${hash('md5', ev.fields.join(d), 'hex')}${d}${o.start}\n`);
    this.rows++;
    if (this.idIndex >= 0) this.dups!.add(ev.fields[this.idIndex], o.start);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.o.sha?.update(chunk);
      this.bytes += chunk.length;
      if (this.skipBytes) {
        const cut = Math.min(this.skipBytes, chunk.length);
        this.skipBytes -= cut;
        chunk = chunk.subarray(cut);
      }
      if (chunk.indexOf(LF) < 0 && chunk.indexOf(CR) < 0) {
        // No line ends here: held until one comes, so a long line is joined (and scanned) once.
        this.hold(chunk);
        return done();
      }
      const buf = this.pending.length ? Buffer.concat([...this.pending, chunk]) : chunk;
      this.pending = [];
      this.pendingBytes = 0;
      const out = new Out(buf.length + (buf.length >> 2) + 1024);
      const rest = this.lines(buf, out);
      if (rest < buf.length) this.hold(buf.subarray(rest));
      this.o.onChunk?.(this.rows, this.bytes);
      done(null, out.result());
    } catch (err) {
      done(err as Error);
    }
  }

  private hold(b: Buffer): void {
    this.pendingBytes += b.length;
    // A line longer than the field size limit may hold a field above it: the careful reader
    // reads such a file without holding the line (and rejects the record), so memory stays flat.
    if (this.pendingBytes > this.maxFieldBytes + 2) throw new NotWellFormed(`line ${this.lineNo + 1} is longer than the field size limit`);
    this.pending.push(b);
  }

  override _flush(done: TransformCallback): void {
    try {
      const out = new Out(1024);
      if (this.pendingBytes) {
        // The last line has no line feed: read it as if it had.
        const last = Buffer.concat([...this.pending, LF_BUF]);
        this.pending = [];
        this.pendingBytes = 0;
        out.grow(last.length + 1024);
        this.lines(last, out);
      }
      if (this.open) throw new NotWellFormed(`an unterminated quote from line ${this.open.start}`);
      if (this.skipHeader > 0) throw new NotWellFormed('no header');
      done(null, out.result());
    } catch (err) {
      done(err as Error);
    }
  }
}

const LF_BUF = Buffer.from('\n');

/** UTF-8 of each Windows-1252 byte from 0x80, as iconv-lite decodes it (the careful reader's decoder). */
const WIN1252_UTF8 = Array.from({ length: 128 }, (_, i) => Buffer.from(iconv.decode(Buffer.from([0x80 + i]), 'win1252'), 'utf8'));

/** One growing output buffer per input chunk: a Buffer per row would cost more than the row. */
class Out {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  grow(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  bytes(b: Buffer) {
    this.grow(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** A line of Windows-1252 bytes, written as UTF-8. */
  win1252(line: Buffer) {
    this.grow(line.length * 3);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c < 0x80) b[p++] = c;
      else {
        const u = WIN1252_UTF8[c - 0x80]!;
        b[p++] = u[0]!;
        b[p++] = u[1]!;
        if (u.length > 2) b[p++] = u[2]!;
      }
    }
    this.pos = p;
  }
  /** The lineage after a record's fields: U+001F, the hash, U+001F, the line, LF. */
  suffix(delim: number, digest: string, line: number) {
    this.grow(64);
    const b = this.buf;
    let p = this.pos;
    b[p++] = delim;
    p += b.write(digest, p, 32, 'latin1');
    b[p++] = delim;
    let digits = 1;
    for (let v = line; v >= 10; v = Math.floor(v / 10)) digits++;
    p += digits;
    for (let v = line, q = p - 1; digits > 0; digits--, q--) {
      b[q] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    b[p++] = LF;
    this.pos = p;
  }
  /** ASCII text (the hash and line number). */
  ascii(s: string) {
    this.grow(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }
  result(): Buffer | undefined {
    return this.pos ? this.buf.subarray(0, this.pos) : undefined;
  }
}

export interface FastLandInput {
  file: string;
  fileLabel: string;
  hasBom: boolean;
  encoding: Encoding;
  delimiter: string;
  /** Physical lines the header record spans. */
  headerLines: number;
  /** Raw column for each field of the file, in file order. */
  columns: string[];
  schema: string;
  table: string;
  batchId: number;
  /** Looks for duplicates of this field's values on the way (an index into columns). */
  idIndex?: number;
  duplicates?: DuplicateIds;
  onProgress?: (p: { rows: number; bytes: number; totalBytes: number }) => void;
  /** Field size limit (csv-records.ts DEFAULT_MAX_FIELD_BYTES when absent). */
  maxFieldBytes?: number;
}

const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Land a file through COPY inside the caller's transaction (the caller holds a savepoint).
 * Throws NotWellFormed, or PostgreSQL's COPY error, when the file needs the careful reader.
 */
export async function fastLand(client: pg.PoolClient, inp: FastLandInput): Promise<{ rows: number; sha256: string }> {
  if (inp.columns.length < 2) throw new NotWellFormed('a one-column file');
  const totalBytes = statSync(inp.file).size;
  // The file's sha256 (BOM included) on the way through, so a first extract reads the file once.
  const sha = createHash('sha256');
  const appender = new LineageAppender({
    delimiter: inp.delimiter, encoding: inp.encoding, width: inp.columns.length, headerLines: inp.headerLines,
    skipBytes: inp.hasBom ? 3 : 0, sha, idIndex: inp.idIndex, duplicates: inp.duplicates,
    onChunk: (rows, bytes) => inp.onProgress?.({ rows, bytes, totalBytes }),
    maxFieldBytes: inp.maxFieldBytes,
  });
  const table = `${ident(inp.schema)}.${ident(inp.table)}`;
  // _batch_id and _file are the same on every row: column defaults for this COPY, so the server
  // does not parse them a million times (COPY's time grows with the bytes it reads).
  await client.query(
    `alter table ${table} alter column _batch_id set default ${Number(inp.batchId)}, alter column _file set default ${sqlLiteral(inp.fileLabel)}, ` +
      // now() once, not a call per row (it is the transaction's start either way)
      `alter column _extracted_at set default ${sqlLiteral((await client.query('select now()::text as t')).rows[0].t)}::timestamptz`,
  );
  const target = [...inp.columns, '_row_hash', '_line'].map(ident).join(', ');
  const copy = client.query(
    copyFrom(`copy ${table} (${target}) from stdin with (format csv, delimiter E'\\x${inp.delimiter.charCodeAt(0).toString(16).padStart(2, '0')}', ` +
      `encoding 'UTF8')`),
  );
  await pipeline(createReadStream(inp.file, { highWaterMark: 1 << 20 }), appender, copy);
  await client.query(`alter table ${table} alter column _batch_id drop default, alter column _file drop default, alter column _extracted_at set default now()`);
  const rows = Number(copy.rowCount ?? 0);
  if (rows !== appender.rows) throw new NotWellFormed(`PostgreSQL read ${rows} records where ${appender.rows} were sent`);
  inp.onProgress?.({ rows, bytes: totalBytes, totalBytes });
  return { rows, sha256: sha.digest('hex') };
}
