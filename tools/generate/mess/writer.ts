/**
 * Writes one export in high mess: each file gets its own framing (encoding, BOM, delimiter,
 * line ends, quoting, trailing delimiters), its own header (case, stray spaces, aliases, order,
 * a dropped optional column, custom columns with clashing or odd names), may be left out or
 * written header-only, and gets blank lines and ragged rows between its records. Rows stream to
 * disk with backpressure; nothing grows with the number of rows.
 *
 * `manifest.json` (written by `finish`) lists, per file, what was drawn and how often.
 */
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Rng } from '../common.ts';
import { MessTracker } from './track.ts';
import type { MessRates } from './rates.ts';
import { Values, type Encoding, type SourceProfile } from './values.ts';
import { COLLIDING_HEADERS, CUSTOM_HEADERS, SYMBOL_HEADERS } from './vocab.ts';

export interface ColumnDef {
  /** The generator's name for the column. */
  key: string;
  /** The header in the source's layout. */
  header: string;
  /** Other headers the source's exports use for it. */
  aliases?: readonly string[];
  /** Needed by the layout: never dropped. */
  required?: boolean;
  /** May be left out of a file (an optional column nothing else depends on). */
  droppable?: boolean;
  /** Another file's id this column refers to (for the manifest). */
  ref?: string;
}

export interface FileDef {
  file: string;
  columns: readonly ColumnDef[];
  /** The source's main file: always present, never header-only. */
  required?: boolean;
  /** Rows the generator expects to write (for the deadlines of mess/track.ts). */
  expected: number;
  /** Columns that exist only in some exports of this file, chosen by the generator (e.g. Name vs First + Last). */
  omit?: readonly string[];
}

type CustomKind = 'text' | 'money' | 'date' | 'bool' | 'number' | 'phone' | 'email';
interface Slot {
  header: string;
  key?: string;
  custom?: CustomKind;
}

export interface FileManifest {
  file: string;
  disposition: 'present' | 'missing' | 'header_only';
  rows: number;
  encoding: Encoding;
  delimiter: string;
  eol: 'crlf' | 'lf' | 'cr';
  quoteAll: boolean;
  trailingDelimiter: boolean;
  /** The header as written, in file order. */
  header: string[];
  /** Layout column -> header as written. */
  columns: Record<string, string>;
  references: Record<string, string>;
  custom: string[];
  dropped: string[];
  classes: Record<string, number>;
}

const EOL = { crlf: '\r\n', lf: '\n', cr: '\r' } as const;

/** The export as a whole: file-level draws, shared state, and the manifest. */
export class ExportMess {
  /** File-level classes, one "row" per file, so each comes up at least once per export. */
  readonly files: MessyFile[] = [];
  readonly t: MessTracker;
  readonly recentEmails: string[] = [];
  /** Optional files drawn to be left out or written header-only (one of each at least, unless its rate is 0). */
  readonly dispositions = new Map<string, FileManifest['disposition']>();
  constructor(
    readonly outDir: string,
    readonly rng: Rng,
    readonly rates: MessRates,
    readonly profile: SourceProfile,
    layout: readonly { file: string; required?: boolean }[],
  ) {
    this.t = new MessTracker(rng, layout.length);
    const optional = layout.filter((f) => !f.required).map((f) => f.file);
    for (const f of optional) {
      const r = rng.next();
      if (r < rates.fileMissing) this.dispositions.set(f, 'missing');
      else if (r < rates.fileMissing + rates.fileHeaderOnly) this.dispositions.set(f, 'header_only');
    }
    // Drawn over the whole layout, not by the order files are written, so any file can be the one.
    for (const [d, rate] of [['missing', rates.fileMissing], ['header_only', rates.fileHeaderOnly]] as const) {
      const free = optional.filter((f) => !this.dispositions.has(f));
      if (rate > 0 && ![...this.dispositions.values()].includes(d) && free.length) this.dispositions.set(rng.pick(free), d);
    }
  }

  file(def: FileDef): MessyFile {
    const f = new MessyFile(this, def);
    this.files.push(f);
    this.t.row++;
    return f;
  }

  /** Close every file and write manifest.json; returns rows written per file. */
  async finish(extra: Record<string, unknown> = {}): Promise<Record<string, number>> {
    for (const f of this.files) await f.close();
    const manifest = {
      source: this.profile.name,
      mess: 'high',
      rates: this.rates,
      ...extra,
      files: Object.fromEntries(this.files.map((f) => [f.def.file, f.manifest()])),
    };
    writeFileSync(path.join(this.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    return Object.fromEntries(this.files.map((f) => [f.def.file, f.rows]));
  }
}

export class MessyFile {
  readonly t: MessTracker;
  readonly v: Values;
  rows = 0;
  private readonly disposition: FileManifest['disposition'];
  private readonly encoding: Encoding;
  private readonly delimiter: string;
  private readonly eol: keyof typeof EOL;
  private readonly quoteAll: boolean;
  private readonly trailing: boolean;
  private readonly slots: Slot[];
  private readonly dropped: string[] = [];
  private readonly ws?: WriteStream;
  private buf: string[] = [];
  private bufLen = 0;
  private readonly rng: Rng;
  private readonly rates: MessRates;

  constructor(
    private readonly ex: ExportMess,
    readonly def: FileDef,
  ) {
    const { rng, rates, profile } = ex;
    const et = ex.t;
    this.rng = rng;
    this.rates = rates;
    this.t = new MessTracker(rng, def.expected);
    this.v = new Values(this.t, rng, profile, rates.value, ex.recentEmails);

    this.disposition = ex.dispositions.get(def.file) ?? 'present';
    if (this.disposition !== 'present') et.note(`file.${this.disposition}`);
    this.encoding = et.pick('encoding', profile.encodings);
    const dname = et.pick('delimiter', profile.delimiters.map(([d, w]) => [delimName(d), w] as const));
    this.delimiter = profile.delimiters.find(([d]) => delimName(d) === dname)![0];
    this.eol = et.hit('eol.cr', rates.crOnly) ? 'cr' : et.pick('eol', [['crlf', 1], ['lf', 1]]);
    this.quoteAll = et.hit('quote_all', rates.quoteAll);
    this.trailing = et.hit('trailing_delimiter', rates.trailingDelimiter);
    for (const [k, v] of [['encoding', this.encoding], ['delimiter', delimName(this.delimiter)], ['eol', this.eol]] as const) this.t.note(`${k}.${v}`);
    if (this.quoteAll) this.t.note('quote_all');
    if (this.trailing) this.t.note('trailing_delimiter');

    // Header: the layout's columns less the omitted and (maybe) one dropped, under aliases,
    // in a case style, with stray spaces, maybe shuffled, plus custom columns.
    let cols = def.columns.filter((c) => !def.omit?.includes(c.key));
    const droppable = cols.filter((c) => c.droppable && !c.required);
    if (droppable.length && et.hit('header.dropped', rates.dropColumn)) {
      const d = rng.pick(droppable);
      this.dropped.push(d.key);
      this.t.note('header.dropped');
      cols = cols.filter((c) => c !== d);
    }
    const style = et.pick('header.case', [['layout', 1 - rates.headerCase], ['lower', rates.headerCase / 4], ['upper', rates.headerCase / 4], ['snake', rates.headerCase / 4], ['title', rates.headerCase / 4]], 'layout');
    if (style !== 'layout') this.t.note(`header.case.${style}`);
    const slots: Slot[] = cols.map((c) => {
      let h = c.header;
      if (c.aliases?.length && rng.chance(rates.alias)) {
        h = rng.pick(c.aliases);
        this.t.note(`header.alias:${h}`);
        et.note(`header.alias:${h}`);
      }
      h = caseStyle(h, style);
      if (et.hit('header.spaces', rates.headerSpaces)) {
        h = rng.pick([` ${h}`, `${h} `, h.includes(' ') ? h.replace(' ', '  ') : ` ${h} `]);
        this.t.note('header.spaces');
      }
      return { header: h, key: c.key };
    });
    if (et.hit('header.custom', rates.customColumns)) {
      const n = rng.int(1, 3);
      const used = new Set(slots.map((s) => s.header.trim().toLowerCase()));
      for (let i = 0; i < n; i++) {
        const h = rng.pick(CUSTOM_HEADERS);
        if (used.has(h.toLowerCase())) continue;
        used.add(h.toLowerCase());
        slots.push({ header: h, custom: rng.pick(CUSTOM_KINDS) });
        this.t.note('header.custom');
      }
      if (et.hit('header.custom_collision', 0.4)) {
        const pair = rng.pick(COLLIDING_HEADERS.filter(([a, b]) => !used.has(a.toLowerCase()) && !used.has(b.trim().toLowerCase())));
        if (pair) {
          for (const h of pair) slots.push({ header: h, custom: rng.pick(CUSTOM_KINDS) });
          this.t.note('header.custom_collision');
        }
      }
      if (et.hit('header.custom_symbols', 0.4)) {
        slots.push({ header: rng.pick(SYMBOL_HEADERS), custom: 'text' });
        this.t.note('header.custom_symbols');
      }
    }
    if (et.hit('header.reordered', rates.reorder)) {
      for (let i = slots.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [slots[i], slots[j]] = [slots[j]!, slots[i]!];
      }
      this.t.note('header.reordered');
    }
    this.slots = slots;
    if (this.disposition === 'missing') return;
    if (this.disposition === 'header_only') this.t.note('file.header_only');
    this.ws = createWriteStream(path.join(ex.outDir, def.file));
    const head = this.line(slots.map((s) => s.header));
    this.push((this.encoding === 'utf8_bom' ? '\ufeff' : '') + head);
  }

  /** Source-own custom columns are declared as layout columns; these are the stranger's extras. */
  private customValue(kind: CustomKind): string {
    const v = this.v;
    if (this.rng.chance(0.3)) return '';
    switch (kind) {
      case 'money': return v.money(this.rng.int(1, 2000) * 50);
      case 'date': return v.date(v.wall(1950, 2026));
      case 'bool': return v.bool(this.rng.chance(0.5));
      case 'number': return String(this.rng.int(0, 500));
      case 'phone': return v.phone();
      case 'email': return v.email(v.person(), this.rng.int(1, 9999));
      default: return v.text(this.rng.pick(['Gold', 'North region', 'Met at expo', 'Key account', 'Silver']));
    }
  }

  private cell(v: string): string {
    if (this.eol === 'cr') v = v.replace(/\r?\n/g, '\r');
    const d = this.delimiter;
    const hasD = v.includes(d), hasQ = v.includes('"'), hasN = /[\r\n]/.test(v);
    if (hasD) this.t.note('quoted.delimiter');
    if (hasQ) this.t.note('quoted.quote');
    if (hasN) this.t.note('quoted.newline');
    return this.quoteAll || hasD || hasQ || hasN ? `"${v.replace(/"/g, '""')}"` : v;
  }

  private line(fields: string[]): string {
    return fields.map((f) => this.cell(f)).join(this.delimiter) + (this.trailing ? this.delimiter : '') + EOL[this.eol];
  }

  private push(s: string): void {
    this.buf.push(s);
    this.bufLen += s.length;
  }

  /**
   * Write one record (keyed by column key; missing keys are empty). `malformed` writes it with
   * fields missing, so extract rejects it, for a parent whose children still refer to it.
   */
  async row(rec: Record<string, string | number | undefined>, opts: { malformed?: boolean } = {}): Promise<void> {
    if (this.disposition !== 'present') {
      this.t.row++;
      return;
    }
    if (this.t.hit('blank_line', this.rates.blankLine)) this.push(EOL[this.eol]);
    let fields = this.slots.map((s) => (s.key !== undefined ? String(rec[s.key] ?? '') : this.customValue(s.custom!)));
    if (opts.malformed) {
      fields = fields.slice(0, Math.max(1, fields.length - 2));
      this.t.note('rejected_parent');
    } else if (fields.length > 2 && this.t.hit('ragged_short', this.rates.raggedShort)) {
      fields = fields.slice(0, fields.length - this.rng.int(1, 2));
    } else if (this.t.hit('ragged_long', this.rates.raggedLong)) {
      fields.push(...Array.from({ length: this.rng.int(1, 2) }, () => this.rng.pick(['', 'extra', 'x'])));
    }
    this.push(this.line(fields));
    this.rows++;
    this.t.row++;
    if (this.bufLen >= 1 << 16) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.ws || !this.buf.length) return;
    const text = this.buf.join('');
    this.buf = [];
    this.bufLen = 0;
    const chunk = this.encoding === 'win1252' ? iconv.encode(text, 'win1252') : Buffer.from(text, 'utf8');
    if (!this.ws.write(chunk)) await new Promise<void>((r) => this.ws!.once('drain', () => r()));
  }

  async close(): Promise<void> {
    if (!this.ws || this.ws.closed || this.ws.writableEnded) return;
    if (this.rows && this.t.hit('blank_line', this.rates.blankLine)) this.push(EOL[this.eol]);
    await this.flush();
    await new Promise<void>((resolve, reject) => this.ws!.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  /** Is this file in the export with rows? (A generator may skip work for a file that is not.) */
  get written(): boolean {
    return this.disposition === 'present';
  }

  manifest(): FileManifest {
    const columns: Record<string, string> = {};
    for (const s of this.slots) if (s.key !== undefined) columns[s.key] = s.header;
    const references: Record<string, string> = {};
    for (const c of this.def.columns) if (c.ref && columns[c.key] !== undefined) references[c.key] = c.ref;
    return {
      file: this.def.file,
      disposition: this.disposition,
      rows: this.rows,
      encoding: this.encoding,
      delimiter: this.delimiter,
      eol: this.eol,
      quoteAll: this.quoteAll,
      trailingDelimiter: this.trailing,
      header: this.slots.map((s) => s.header),
      columns,
      references,
      custom: this.slots.filter((s) => s.custom).map((s) => s.header),
      dropped: this.dropped,
      classes: this.disposition === 'present' ? this.t.toJSON() : {},
    };
  }
}

const CUSTOM_KINDS: readonly CustomKind[] = ['text', 'money', 'date', 'bool', 'number', 'phone', 'email'];

function delimName(d: string): string {
  return d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '\t' ? 'tab' : d === '|' ? 'pipe' : d;
}

function caseStyle(h: string, style: string): string {
  switch (style) {
    case 'lower': return h.toLowerCase();
    case 'upper': return h.toUpperCase();
    case 'snake': return h.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_|_$/g, '');
    case 'title': return h.replace(/\b\p{L}/gu, (c) => c.toUpperCase()).replace(/\B\p{L}+/gu, (w) => w.toLowerCase());
    default: return h;
  }
}
