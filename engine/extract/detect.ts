/** Encoding and delimiter detection from a file's first bytes. */
import { openSync, readSync, closeSync } from 'node:fs';

export type Encoding = 'utf8' | 'windows1252';

export interface Sniffed {
  encoding: Encoding;
  hasBom: boolean;
  delimiter: string;
  empty: boolean;
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

function isValidUtf8(buf: Buffer): boolean {
  // A multi-byte sequence cut at the end of the sample is not an error.
  let end = buf.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = buf[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
    return true;
  } catch {
    return false;
  }
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
  const encoding: Encoding = force.encoding ?? (hasBom || isValidUtf8(head) ? 'utf8' : 'windows1252');
  const text = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'windows-1252').decode(hasBom ? head.subarray(3) : head);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  return {
    encoding,
    hasBom,
    delimiter: force.delimiter ?? sniffDelimiter(firstLine),
    empty: text.trim().length === 0,
  };
}
