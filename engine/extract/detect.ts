/** Encoding and delimiter detection from a file's first bytes. */
import { openSync, readSync, closeSync } from 'node:fs';

export type Encoding = 'utf8' | 'windows1252';

/**
 * How the file's lines end, outside quoted fields, in its first 256 KB: for the report only.
 * Both readers take CRLF, LF and a lone CR as a line end wherever they appear (csv-records.ts).
 */
export type LineEnding = 'LF' | 'CRLF' | 'CR' | 'mixed' | 'none';

export interface Sniffed {
  encoding: Encoding;
  hasBom: boolean;
  delimiter: string;
  lineEnding: LineEnding;
  empty: boolean;
  binary: boolean;
}

export function readHead(path: string, bytes = 256 * 1024): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Count valid multi-byte UTF-8 sequences and invalid bytes. A file with many valid sequences
 * and a few bad bytes is UTF-8 with damage (the bad bytes become U+FFFD and are reported);
 * a file whose high bytes are mostly invalid UTF-8 is Windows-1252.
 */
export function utf8Stats(buf: Buffer): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) {
      invalid++;
      i++;
      continue;
    }
    if (i + len > n) break; // cut at the end of the sample
    let ok = true;
    for (let k = 1; k < len; k++) if ((buf[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

/**
 * A binary file named .csv: NUL bytes or control characters make up a noticeable share of
 * the first bytes. (A text export may hold the odd NUL; those rows are repaired and reported.)
 */
export function looksBinary(head: Buffer): boolean {
  if (head.length === 0) return false;
  let ctl = 0;
  for (const b of head) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) ctl++;
  return ctl >= 4 && ctl / head.length > 0.05;
}

/** The line ends outside quotes in `head`: one kind, several (mixed), or none. */
export function lineEndingOf(head: Buffer): LineEnding {
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  let inQuotes = false;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0x22) inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (b === 0x0a) lf++;
    else if (b === 0x0d) {
      if (i + 1 === head.length) break; // cut at the end of the sample
      if (head[i + 1] === 0x0a) {
        crlf++;
        i++;
      } else cr++;
    }
  }
  const kinds = [lf && 'LF', crlf && 'CRLF', cr && 'CR'].filter(Boolean) as LineEnding[];
  return kinds.length === 1 ? kinds[0]! : kinds.length ? 'mixed' : 'none';
}

/** Pick the delimiter that splits the header line into the most fields (quotes respected). */
export function sniffDelimiter(firstLine: string): string {
  const candidates = [',', ';', '\t', '|'];
  let best = ',';
  let bestCount = 0;
  for (const d of candidates) {
    let count = 0;
    let inQuotes = false;
    for (const ch of firstLine) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === d && !inQuotes) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export function sniff(path: string, force: { encoding?: Encoding; delimiter?: string } = {}): Sniffed {
  const head = readHead(path);
  const hasBom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const stats = utf8Stats(head);
  const encoding: Encoding = force.encoding ?? (hasBom || stats.invalid === 0 || stats.valid > stats.invalid ? 'utf8' : 'windows1252');
  const text = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'windows-1252').decode(hasBom ? head.subarray(3) : head);
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  return {
    encoding,
    hasBom,
    delimiter: force.delimiter ?? sniffDelimiter(firstLine),
    lineEnding: lineEndingOf(head),
    empty: text.trim().length === 0,
    binary: looksBinary(head),
  };
}
