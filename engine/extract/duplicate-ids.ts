/**
 * Duplicate ids in one export, found while the file streams, so the extract does not read the
 * landed million rows again to group them (that query took longer than half the COPY).
 *
 * Each id, trimmed as SQL's btrim(id, ID_TRIM) trims it, is kept as a 64-bit fingerprint with
 * the line it was first seen on, in an open-addressing table at most half full: 12 bytes per
 * slot, but a lookup reads only the 4-byte array of first halves (8 MB for a million ids, so
 * mostly in cache); the second half and the line are read only when a first half matches. An id seen again becomes a finding (the first 10,000 such ids, in the order their second
 * row appears, with at most 20 lines each), exactly what the SQL fallback reports. Two different
 * ids share a fingerprint with a probability of about 1 in 30 million per million-row file.
 *
 * Past MAX_SLOTS the table stops (`overflow`), its memory goes, and the caller groups the landed
 * rows in SQL instead: memory stays bounded however large the file.
 */

/** Whitespace an id is trimmed of before ids are compared (what String.prototype.trim removes, bar the rare Unicode spaces). */
export const ID_TRIM = ' \t\n\r\f\v\u00a0\ufeff\u2028\u2029\u3000';
const TRIM_SET = new Set([...ID_TRIM].map((c) => c.charCodeAt(0)));

/** Ids reported per file, and lines listed per id (as the SQL fallback does). */
export const MAX_DUPLICATE_IDS = 10_000;
const MAX_LINES = 20;
/** 4M slots: 48 MB, up to 2M distinct ids; a larger file is grouped in SQL. */
const MAX_SLOTS = 1 << 22;
const MIN_SLOTS = 1 << 16;

export interface DuplicateId {
  id: string;
  /** Rows with this id. */
  n: number;
  /** The first 20 lines it is on. */
  lines: number[];
}

export class DuplicateIds {
  private slots: number;
  /** Per slot: the fingerprint's first half (0 is an empty slot), its second half, the first line. */
  private h1s: Int32Array;
  private h2s: Int32Array;
  private lines: Int32Array;
  private used = 0;
  private readonly found = new Map<number, DuplicateId>();
  overflow = false;

  /** `expected` ids (a guess from the file's size) sizes the table once instead of growing it. */
  constructor(private readonly maxSlots = MAX_SLOTS, expected = 0) {
    let slots = MIN_SLOTS;
    while (slots < expected * 2 && slots < maxSlots) slots *= 2;
    this.slots = Math.min(slots, maxSlots);
    this.h1s = new Int32Array(this.slots);
    this.h2s = new Int32Array(this.slots);
    this.lines = new Int32Array(this.slots);
  }

  /** An id as text (a quoted field, or one with bytes above 0x7F). */
  add(raw: string | null | undefined, line: number): void {
    if (this.overflow || !raw) return;
    let s = 0;
    let e = raw.length;
    while (s < e && TRIM_SET.has(raw.charCodeAt(s))) s++;
    while (e > s && TRIM_SET.has(raw.charCodeAt(e - 1))) e--;
    if (s === e) return;
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x9747b28c | 0;
    for (let i = s; i < e; i++) {
      const c = raw.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    this.text = raw;
    this.from = s;
    this.to = e;
    this.put(h1, h2, line);
  }

  /** An id of ASCII bytes, buf[start, end): hashed as the same characters would be by add(). */
  addAscii(buf: Uint8Array, start: number, end: number, line: number): void {
    if (this.overflow) return;
    while (start < end && isAsciiSpace(buf[start]!)) start++;
    while (end > start && isAsciiSpace(buf[end - 1]!)) end--;
    if (start === end) return;
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x9747b28c | 0;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    this.bytes = buf;
    this.text = null;
    this.from = start;
    this.to = end;
    this.put(h1, h2, line);
  }

  /** Where the id being added is (kept in fields: a closure per row would cost more than the rest). */
  private text: string | null = null;
  private bytes: Uint8Array | null = null;
  private from = 0;
  private to = 0;

  private idText(): string {
    return this.text !== null ? this.text.slice(this.from, this.to) : String.fromCharCode(...this.bytes!.subarray(this.from, this.to));
  }

  private put(h1: number, h2: number, line: number): void {
    if (h1 === 0) h1 = 1;
    const mask = this.slots - 1;
    let i = (h2 ^ Math.imul(h1, 0x9e3779b1)) & mask;
    const t = this.h1s;
    for (;;) {
      const a = t[i]!;
      if (a === 0) break;
      if (a === h1 && this.h2s[i] === h2) {
        const d = this.found.get(i);
        if (d) {
          d.n++;
          if (d.lines.length < MAX_LINES) d.lines.push(line);
        } else if (this.found.size < MAX_DUPLICATE_IDS) {
          this.found.set(i, { id: this.idText(), n: 2, lines: [this.lines[i]!, line] });
        }
        return;
      }
      i = (i + 1) & mask;
    }
    t[i] = h1;
    this.h2s[i] = h2;
    this.lines[i] = line;
    if (++this.used * 2 > this.slots) this.grow();
  }

  private grow(): void {
    if (this.slots * 2 > this.maxSlots) {
      this.overflow = true;
      this.h1s = this.h2s = this.lines = new Int32Array(0);
      this.found.clear();
      return;
    }
    const [o1, o2, ol] = [this.h1s, this.h2s, this.lines];
    const moved = new Map<number, DuplicateId>();
    this.slots *= 2;
    const t = (this.h1s = new Int32Array(this.slots));
    this.h2s = new Int32Array(this.slots);
    this.lines = new Int32Array(this.slots);
    const mask = this.slots - 1;
    for (let j = 0; j < o1.length; j++) {
      const a = o1[j]!;
      if (a === 0) continue;
      const b = o2[j]!;
      let i = (b ^ Math.imul(a, 0x9e3779b1)) & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = a;
      this.h2s[i] = b;
      this.lines[i] = ol[j]!;
      const d = this.found.get(j);
      if (d) moved.set(i, d);
    }
    this.found.clear();
    for (const [i, d] of moved) this.found.set(i, d);
  }

  /** The duplicate ids, in the order of their second row. */
  result(): DuplicateId[] {
    return [...this.found.values()].sort((a, b) => a.lines[1]! - b.lines[1]!);
  }
}

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
