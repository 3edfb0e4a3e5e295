/**
 * What every export generator shares: a seeded random source (engine/util/prng.ts) and a
 * streaming CSV writer with backpressure, so memory stays flat at any size.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import iconv from 'iconv-lite';
import { prng } from '../../engine/util/prng.ts';

/** FNV-1a, so a text seed ('sample') gives the same export everywhere. */
function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class Rng {
  readonly next: () => number;
  /** A numeric seed is used as is; `Rng.fromText` hashes any seed's text first. */
  constructor(seed: number) {
    this.next = prng(seed);
  }
  static fromText(seed: string | number): Rng {
    return new Rng(hashSeed(String(seed)) || 1);
  }
  /**
   * Like fromText, with the hash mixed again (murmur3's finaliser): seeds that differ in one
   * character (`run-1`, `run-2`) then start far apart, which plain FNV-1a into mulberry32 does not
   * quite do. The high-mess generators use it; the sample ones keep fromText (their output is fixed).
   */
  static fromTextMixed(seed: string | number): Rng {
    let h = hashSeed(String(seed));
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return new Rng((h ^ (h >>> 16)) >>> 0 || 1);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  weighted(a: readonly [string, number][]): string {
    const total = a.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of a) if ((r -= w) < 0) return v;
    return a[a.length - 1]![0];
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
}

/** A CSV cell: quoted where the delimiter, a quote or a newline occurs. */
export function csvCell(v: string, delimiter: string): string {
  return v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Streaming CSV writer: CRLF line ends, quoting where the delimiter, quotes or newlines occur. */
export class CsvOut {
  private ws: WriteStream;
  private buf: string[] = [];
  rows = 0;
  constructor(
    file: string,
    header: string[],
    private readonly opts: { delimiter: string; encoding: 'utf8' | 'win1252' },
  ) {
    this.ws = createWriteStream(file);
    this.buf.push(header.map((h) => this.cell(h)).join(opts.delimiter));
  }
  private cell(v: string): string {
    return csvCell(v, this.opts.delimiter);
  }
  async row(values: (string | number | null | undefined)[]): Promise<void> {
    this.buf.push(values.map((v) => this.cell(v == null ? '' : String(v))).join(this.opts.delimiter));
    this.rows++;
    if (this.buf.length >= 500) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.buf.length) return;
    const text = this.buf.join('\r\n') + '\r\n';
    const chunk = this.opts.encoding === 'win1252' ? iconv.encode(text, 'win1252') : Buffer.from(text, 'utf8');
    this.buf = [];
    if (!this.ws.write(chunk)) await new Promise<void>((r) => this.ws.once('drain', () => r()));
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.ws.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/**
 * Progress on stderr while a generator runs: a bar redrawn in place on a terminal, and one
 * plain line every few seconds otherwise (CI logs, pipes), so a long run is never silent.
 */
export class Progress {
  private last = 0;
  private readonly t0 = Date.now();
  private readonly tty: boolean;
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly opts: { everyMs?: number; stream?: NodeJS.WriteStream; enabled?: boolean } = {},
  ) {
    this.tty = !!(opts.stream ?? process.stderr).isTTY;
  }
  private get stream() {
    return this.opts.stream ?? process.stderr;
  }
  tick(done: number): void {
    if (this.opts.enabled === false) return;
    const now = Date.now();
    // CRM_MIGRATE_PROGRESS_SECONDS sets the interval of piped progress, as for the CLI's steps
    const env = Number(process.env.CRM_MIGRATE_PROGRESS_SECONDS);
    const every = this.opts.everyMs ?? (this.tty ? 200 : Number.isFinite(env) && env > 0 ? env * 1000 : 3000);
    if (now - this.last < every) return;
    this.last = now;
    const secs = (now - this.t0) / 1000;
    const pct = this.total ? Math.min(100, (100 * done) / this.total) : 100;
    const line = `${this.label}: ${done.toLocaleString('en-US')} / ${this.total.toLocaleString('en-US')} (${pct.toFixed(0)}%) in ${secs.toFixed(0)} s`;
    this.stream.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
  done(): void {
    if (this.opts.enabled === false) return;
    if (this.tty && this.last) this.stream.write('\r\x1b[K');
  }
}
