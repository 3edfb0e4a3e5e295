/**
 * The fast path: PostgreSQL's own CSV parser reads a well-formed file (COPY ... FORMAT csv,
 * streamed straight into the raw table). Parsing every byte in JavaScript costs about twice
 * what COPY needs, so large clean exports go this way.
 *
 * JavaScript only looks for line ends and quote bytes (native indexOf) and appends the
 * lineage to each record as four more CSV fields: _row_hash, _line, _batch_id, _file.
 * The row hash of a record without quotes is md5 of its bytes with each delimiter replaced
 * by U+001F, which is exactly rowHash() of its fields (NULL and '' both hash as ''); a record
 * with quotes is parsed by the careful reader to get its fields. Computing md5 here rather
 * than in SQL matters: PostgreSQL's md5() sets up a hash context per call and takes longer
 * than the COPY itself; here it runs on the other core while the server parses.
 *
 * A file takes this path only if it is well formed; otherwise this throws and the caller
 * rolls back to its savepoint and reads the file with the careful reader (per-row rejects).
 * Well formed: every record has the header's field count, every quote is where CSV allows
 * one (PostgreSQL would open a quoted section at `5" monitor` and swallow the next delimiter),
 * no blank line, no NUL byte, valid bytes for the encoding (COPY checks), no unterminated quote.
 */
import { createReadStream, statSync } from 'node:fs';
import { hash, createHash } from 'node:crypto';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { ident } from './headers.ts';
import type { Encoding } from './detect.ts';
import { RecordParser } from './csv-records.ts';

export class NotWellFormed extends Error {}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const US = 0x1f;

function csvQuote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * Bytes in, the same records out with the lineage appended. Records are re-terminated with
 * LF (a newline inside a quoted field keeps its bytes, since it is part of the value).
 */
export class LineageAppender extends Transform {
  rows = 0;
  bytes = 0;
  private lineNo: number;
  private pending: Buffer[] = [];
  /** Lines of a quoted record still open across lines. */
  private open: { parser: RecordParser; parts: Buffer[]; start: number } | null = null;
  private readonly delim: number;
  private readonly delims: Int32Array;
  private readonly suffix: string;

  constructor(
    delimiter: string,
    private readonly width: number,
    headerLines: number,
    batchId: number,
    fileLabel: string,
    private readonly onChunk?: (rows: number, bytes: number) => void,
  ) {
    super();
    this.delim = delimiter.charCodeAt(0);
    this.delims = new Int32Array(width);
    this.lineNo = 0;
    this.skipHeader = headerLines;
    this.suffix = `${delimiter}${batchId}${delimiter}${csvQuote(fileLabel)}\n`;
    this.delimStr = delimiter;
  }

  /** Header lines still to skip (a header with a quoted newline spans several). */
  skipHeader: number;
  private readonly delimStr: string;

  private line(line: Buffer, eol: Buffer | null, out: Out): void {
    this.lineNo++;
    if (this.skipHeader > 0) {
      // The header record (its lines were counted when it was read).
      if (this.open === null && line.indexOf(QUOTE) < 0) {
        this.skipHeader--;
        return;
      }
      const parser = this.open?.parser ?? new RecordParser(this.delimStr);
      const ev = parser.line(line.toString('utf8'), eol ? eol.toString('latin1') : '', this.lineNo);
      this.open = ev ? null : { parser, parts: [], start: this.open?.start ?? this.lineNo };
      if (ev) this.skipHeader = 0;
      return;
    }
    if (this.open === null) {
      const full = line;
      if (line.length && line[line.length - 1] === CR && eol) line = line.subarray(0, line.length - 1);
      if (line.length === 0) throw new NotWellFormed(`a blank line at line ${this.lineNo}`);
      if (line.indexOf(QUOTE) >= 0) line = full; // the careful reader below sees the line end as written
      else {
        // Delimiters become U+001F in place for the hash (no copy of the row), then go back.
        const at = this.delims;
        let n = 0;
        let p = line.indexOf(this.delim);
        while (p >= 0 && n < this.width) {
          at[n++] = p;
          line[p] = US;
          p = line.indexOf(this.delim, p + 1);
        }
        const digest = hash('md5', line, 'hex');
        for (let k = 0; k < n; k++) line[at[k]!] = this.delim;
        if (n !== this.width - 1 || p >= 0) throw new NotWellFormed(`line ${this.lineNo} has a different field count than the header`);
        this.rows++;
        out.bytes(line);
        out.text(`${this.delimStr}${digest}${this.delimStr}${this.lineNo}${this.suffix}`);
        return;
      }
      this.open = { parser: new RecordParser(this.delimStr), parts: [], start: this.lineNo };
    }
    const o = this.open;
    const text = line.toString('utf8');
    let bare = text;
    let eolText = eol ? eol.toString('latin1') : '';
    if (bare.endsWith('\r') && eol) {
      bare = bare.slice(0, -1);
      eolText = '\r\n';
    }
    const ev = o.parser.line(bare, eolText, this.lineNo);
    if (!ev) {
      if (this.lineNo - o.start > 10_000) throw new NotWellFormed(`a quoted field from line ${o.start} is still open`);
      o.parts.push(line, eol ?? Buffer.alloc(0));
      return;
    }
    this.open = null;
    if (ev.kind !== 'record' || ev.strayQuote) throw new NotWellFormed(`line ${o.start}: a quote where CSV does not allow one`);
    if (ev.fields.length !== this.width) throw new NotWellFormed(`line ${o.start} has a different field count than the header`);
    this.rows++;
    let last = line;
    if (last.length && last[last.length - 1] === CR) last = last.subarray(0, last.length - 1);
    for (const part of o.parts) out.bytes(part);
    out.bytes(last);
    out.text(`${this.delimStr}${hash('md5', ev.fields.join('\x1f'))}${this.delimStr}${o.start}${this.suffix}`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      if (chunk.indexOf(0) >= 0) throw new NotWellFormed('NUL bytes');
      this.bytes += chunk.length;
      const out = new Out(chunk.length + (chunk.length >> 1) + 1024);
      let start = 0;
      let p = chunk.indexOf(LF);
      if (p < 0) {
        this.pending.push(chunk);
        return done();
      }
      while (p >= 0) {
        let line = chunk.subarray(start, p);
        if (this.pending.length) {
          this.pending.push(line);
          line = Buffer.concat(this.pending);
          this.pending = [];
        }
        this.line(line, LF_BUF, out);
        start = p + 1;
        p = chunk.indexOf(LF, start);
      }
      if (start < chunk.length) this.pending.push(chunk.subarray(start));
      this.onChunk?.(this.rows, this.bytes);
      done(null, out.result());
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const out = new Out(1024);
      if (this.pending.length) {
        const line = Buffer.concat(this.pending);
        this.pending = [];
        if (line.length) this.line(line, null, out);
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

/** One growing output buffer per input chunk: a Buffer per row would cost more than the row. */
class Out {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  private ensure(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  bytes(b: Buffer) {
    this.ensure(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }
  text(s: string) {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos);
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
  onProgress?: (p: { rows: number; bytes: number; totalBytes: number }) => void;
}

const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Land a file through COPY inside the caller's transaction (the caller holds a savepoint).
 * Throws NotWellFormed, or PostgreSQL's COPY error, when the file needs the careful reader.
 */
export async function fastLand(client: pg.PoolClient, inp: FastLandInput): Promise<{ rows: number; sha256: string }> {
  if (inp.columns.length < 2) throw new NotWellFormed('a one-column file');
  const totalBytes = statSync(inp.file).size;
  const appender = new LineageAppender(inp.delimiter, inp.columns.length, inp.headerLines, inp.batchId, inp.fileLabel, (rows, bytes) =>
    inp.onProgress?.({ rows, bytes, totalBytes }),
  );
  const target = [...inp.columns, '_row_hash', '_line', '_batch_id', '_file'].map(ident).join(', ');
  const copy = client.query(
    copyFrom(`copy ${ident(inp.schema)}.${ident(inp.table)} (${target}) from stdin with (format csv, delimiter ${sqlLiteral(inp.delimiter)}, encoding 'UTF8', ` +
        // A quoted empty field lands as NULL, as the careful reader lands it.
        `force_null (${inp.columns.map(ident).join(', ')}))`),
  );
  // The file's sha256 (BOM included) on the way through, so a first extract reads the file once.
  const sha = createHash('sha256');
  let skip = inp.hasBom ? 3 : 0;
  const bytes: Readable = createReadStream(inp.file, { highWaterMark: 1 << 20 }).pipe(
    new Transform({
      transform(chunk: Buffer, _e, done) {
        sha.update(chunk);
        const cut = Math.min(skip, chunk.length);
        skip -= cut;
        done(null, cut ? chunk.subarray(cut) : chunk);
      },
    }),
  );
  // Windows-1252 becomes UTF-8 here so the row hash is computed over the same bytes PostgreSQL stores.
  if (inp.encoding === 'windows1252') {
    await pipeline(bytes, iconv.decodeStream('win1252'), iconv.encodeStream('utf8'), appender, copy);
  } else {
    await pipeline(bytes, appender, copy);
  }
  const rows = Number(copy.rowCount ?? 0);
  if (rows !== appender.rows) throw new NotWellFormed(`PostgreSQL read ${rows} records where ${appender.rows} were sent`);
  inp.onProgress?.({ rows, bytes: totalBytes, totalBytes });
  return { rows, sha256: sha.digest('hex') };
}
