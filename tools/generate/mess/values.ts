/**
 * Values as a stranger's export writes them: each function takes a clean value and, at the
 * file's value rate, returns it in one of the shapes real exports hold (other formats, other
 * cases, junk, empty), counting the shape it chose as `<kind>.<shape>` in the file's tracker.
 * How a source writes its values (date order and formats, zone, phone country, currency,
 * duration unit) comes from its profile.
 */
import type { Rng } from '../common.ts';
import type { MessTracker } from './track.ts';
import { FIRST, LAST, LEGAL, PARTICLE_LAST, SUFFIXES, TITLES, DOMAINS, NOTES, type Region } from './vocab.ts';

export type DateFormat = 'dmy' | 'dmy_short' | 'dmy_hm' | 'mdy' | 'mdy_ampm' | 'iso' | 'iso_hm' | 'iso_hms' | 'iso_t' | 'iso_z';
export type Encoding = 'utf8' | 'utf8_bom' | 'win1252';

export interface SourceProfile {
  name: string;
  region: Region;
  dateOrder: 'dmy' | 'mdy';
  /** Formats the source writes for a date-only column. */
  dateFormats: readonly DateFormat[];
  /** Formats the source writes for a date-and-time column. */
  dateTimeFormats: readonly DateFormat[];
  timeZone: string;
  /** Country calling code of national numbers, and a foreign number for "wrong country". */
  phone: { cc: string; national: (rng: Rng) => string; foreign: string };
  money: { sign: string; code: string; decimalComma: boolean };
  /** What a bare duration number means, where the source has durations. */
  duration?: 'seconds' | 'minutes';
  encodings: readonly (readonly [Encoding, number])[];
  delimiters: readonly (readonly [string, number])[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A wall-clock time in the source's zone, held in a Date's UTC fields. */
export type Wall = Date;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** Offset of a zone at an instant, in minutes east of UTC. */
export function zoneOffset(zone: string, instantMs: number): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, f);
  }
  const name = f.formatToParts(instantMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
function offsetText(zone: string, wall: Wall): string {
  const guess = wall.getTime() - zoneOffset(zone, wall.getTime()) * 60_000;
  const off = zoneOffset(zone, guess);
  if (off === 0 && zone === 'UTC') return 'Z';
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
const dstZones = new Map<string, boolean>();
/** Does the zone change its clocks (then its DST edges are worth writing)? */
export function hasDst(zone: string): boolean {
  let d = dstZones.get(zone);
  if (d === undefined) {
    d = zoneOffset(zone, Date.UTC(2024, 0, 15)) !== zoneOffset(zone, Date.UTC(2024, 6, 15));
    dstZones.set(zone, d);
  }
  return d;
}
/** The local times that do not exist (spring forward) and that happen twice (fall back), US/Canada rules. */
function dstEdge(year: number, kind: 'gap' | 'overlap'): Wall {
  const nthSunday = (month: number, n: number) => {
    const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
    return 1 + ((7 - first) % 7) + 7 * (n - 1);
  };
  return kind === 'gap' ? new Date(Date.UTC(year, 2, nthSunday(2, 2), 2, 30)) : new Date(Date.UTC(year, 10, nthSunday(10, 1), 1, 30));
}

export function formatDate(d: Wall, f: DateFormat, zone = 'UTC'): string {
  const dd = pad(d.getUTCDate()), mm = pad(d.getUTCMonth() + 1), y = d.getUTCFullYear();
  const H = d.getUTCHours(), hh = pad(H), mi = pad(d.getUTCMinutes()), ss = pad(d.getUTCSeconds());
  switch (f) {
    case 'dmy': return `${dd}/${mm}/${y}`;
    case 'dmy_short': return `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${y}`;
    case 'dmy_hm': return `${dd}/${mm}/${y} ${hh}:${mi}`;
    case 'mdy': return `${mm}/${dd}/${y}`;
    case 'mdy_ampm': return `${mm}/${dd}/${y} ${pad(H % 12 === 0 ? 12 : H % 12)}:${mi} ${H < 12 ? 'AM' : 'PM'}`;
    case 'iso': return `${y}-${mm}-${dd}`;
    case 'iso_hm': return `${y}-${mm}-${dd} ${hh}:${mi}`;
    case 'iso_hms': return `${y}-${mm}-${dd} ${hh}:${mi}:${ss}`;
    case 'iso_t': return `${y}-${mm}-${dd}T${hh}:${mi}:${ss}`;
    case 'iso_z': return `${y}-${mm}-${dd}T${hh}:${mi}:${ss}${offsetText(zone, d)}`;
  }
}

export interface Person {
  first: string;
  last: string;
}

export interface User {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

/** The value shapes of one file, drawn through its tracker. */
export class Values {
  constructor(
    readonly t: MessTracker,
    readonly rng: Rng,
    readonly p: SourceProfile,
    /** Share of values messed (rates.value). */
    readonly rate: number,
    /** Emails recently written anywhere in the export (for duplicates across records). */
    private readonly recentEmails: string[],
  ) {}

  /**
   * One shape of a kind of value: the clean shape at 1 - rate, each messy one at rate / n (and
   * each at least once per file). The clean shape is counted too when `countClean` is set.
   */
  private choose<V extends string, C extends string = 'clean'>(kind: string, shapes: readonly V[], clean: C = 'clean' as C, countClean = false): V | C {
    const each = this.rate / shapes.length;
    const s = this.t.pick<V | C>(kind, [[clean, 1 - this.rate], ...shapes.map((x) => [x, each] as const)], clean);
    if (s === clean && countClean) this.t.note(`${kind}.${clean}`);
    return s;
  }

  /** A random wall time between two years. */
  wall(fromYear: number, toYear: number): Wall {
    const a = Date.UTC(fromYear, 0, 1), b = Date.UTC(toYear, 11, 31);
    const day = Math.floor(a / 86_400_000) + this.rng.int(0, Math.floor((b - a) / 86_400_000));
    return new Date(day * 86_400_000 + this.rng.int(7 * 3600, 19 * 3600) * 1000);
  }

  /** A date (or date and time) in one of the source's formats, or an invalid one. */
  date(d: Wall, withTime = false): string {
    const shape = this.choose('date', ['feb30', 'month13', 'two_digit_year', 'text', 'empty'] as const);
    const fmts = withTime ? this.p.dateTimeFormats : this.p.dateFormats;
    const y = d.getUTCFullYear();
    const dmy = this.p.dateOrder === 'dmy';
    switch (shape) {
      case 'feb30': {
        const f = this.rng.pick(fmts);
        return formatDate(new Date(Date.UTC(y, 1, 28, d.getUTCHours(), d.getUTCMinutes())), f).replace(/28/, '30');
      }
      case 'month13': {
        // Written in the other order: a day above 12 lands where the source expects the month.
        const day = this.rng.int(13, 28), m = d.getUTCMonth() + 1;
        return dmy ? `${pad(m)}/${day}/${y}` : `${day}/${pad(m)}/${y}`;
      }
      case 'two_digit_year': {
        const dd = pad(d.getUTCDate()), mm = pad(d.getUTCMonth() + 1), yy = pad(y % 100);
        return dmy ? `${dd}/${mm}/${yy}` : `${mm}/${dd}/${yy}`;
      }
      case 'text':
        return this.rng.pick(['next week', 'ASAP', 'TBC', 'yesterday', 'end of month', 'n/a', 'Q3']);
      case 'empty':
        return '';
    }
    if (!withTime) return formatDate(d, this.t.pick('date_format', fmts.map((f) => [f, 1] as const)), this.p.timeZone);
    return this.time(d);
  }

  /** A date-and-time: the source's formats, with or without an offset, and its zone's DST edges. */
  time(d: Wall): string {
    const dst = hasDst(this.p.timeZone);
    const shapes = dst ? (['offset', 'no_offset', 'dst_gap', 'dst_overlap'] as const) : (['offset', 'no_offset'] as const);
    const native = this.p.dateTimeFormats.includes('iso_z') ? 'offset' : 'no_offset';
    const shape = this.choose('time', shapes.filter((s) => s !== native), native, true);
    const localFormats = this.p.dateTimeFormats.filter((f) => f !== 'iso_z');
    switch (shape) {
      case 'offset':
        return formatDate(d, 'iso_z', this.p.timeZone);
      case 'dst_gap':
      case 'dst_overlap': {
        const edge = dstEdge(d.getUTCFullYear(), shape === 'dst_gap' ? 'gap' : 'overlap');
        return formatDate(edge, this.rng.pick(localFormats.length ? localFormats : ['iso_hms']));
      }
      default: {
        const fmts = localFormats.length ? localFormats : (['iso_t'] as const);
        return formatDate(d, this.t.pick('date_format', fmts.map((f) => [f, 1] as const)), this.p.timeZone);
      }
    }
  }

  person(): Person {
    const r = this.p.region;
    return { first: this.rng.pick(FIRST[r]), last: this.rng.chance(0.08) ? this.rng.pick(PARTICLE_LAST) : this.rng.pick(LAST[r]) };
  }

  private static readonly NAME_SHAPES = ['all_caps', 'lower', 'title', 'last_comma_first', 'particle', 'suffix', 'single_word', 'empty', 'company_like', 'email_as_name', 'extra_spaces'] as const;

  /** A person's name in one column. */
  fullName(p: Person, company: () => string): string {
    const s = this.choose('name', Values.NAME_SHAPES);
    return this.nameShape(s, p, company).full;
  }

  /** A person's name in First Name and Last Name columns. */
  splitName(p: Person, company: () => string): Person {
    const s = this.choose('name', Values.NAME_SHAPES);
    const n = this.nameShape(s, p, company);
    return { first: n.first, last: n.last };
  }

  private nameShape(s: (typeof Values.NAME_SHAPES)[number] | 'clean', p: Person, company: () => string): Person & { full: string } {
    const r = this.rng;
    const full = (first: string, last: string) => ({ first, last, full: [first, last].filter(Boolean).join(' ') });
    switch (s) {
      case 'all_caps': return full(p.first.toUpperCase(), p.last.toUpperCase());
      case 'lower': return full(p.first.toLowerCase(), p.last.toLowerCase());
      case 'title': return full(`${r.pick(TITLES)} ${p.first}`, p.last);
      case 'last_comma_first': return { first: '', last: `${p.last}, ${p.first}`, full: `${p.last}, ${p.first}` };
      case 'particle': return full(p.first, r.pick(PARTICLE_LAST));
      case 'suffix': return full(p.first, `${p.last} ${r.pick(SUFFIXES)}`);
      case 'single_word': return r.chance(0.5) ? { first: p.first, last: '', full: p.first } : { first: '', last: p.last, full: p.last };
      case 'empty': return { first: '', last: '', full: '' };
      case 'company_like': {
        // With its legal form, so it reads as a company however plain the words are.
        const name = company();
        const c = /\b(Ltd|LTD|Inc|LLC|Corp|CC|Ltée|LLP)\b/.test(name) ? name : `${name} ${r.pick(LEGAL[this.p.region])}`;
        return { first: '', last: c, full: c };
      }
      case 'email_as_name': {
        const e = `${slug(p.first)}.${slug(p.last)}@${r.pick(DOMAINS[this.p.region])}`;
        return { first: e, last: '', full: e };
      }
      case 'extra_spaces': return { first: ` ${p.first}  `, last: `  ${p.last} `, full: `  ${p.first}   ${p.last} ` };
      default: return full(p.first, p.last);
    }
  }

  /** An email for a person, or a messy one; valid ones are remembered for duplicates. */
  email(p: Person, n: number, domain?: string): string {
    const s = this.choose('email', ['invalid', 'duplicate', 'one_letter_tld', 'trailing_dot', 'uppercase', 'empty', 'whitespace'] as const);
    const local = `${slug(p.first) || 'info'}.${slug(p.last) || 'desk'}${n}`;
    const dom = domain ?? this.rng.pick(DOMAINS[this.p.region]);
    const clean = `${local}@${dom}`;
    switch (s) {
      case 'invalid': return this.rng.pick([`${local}@`, `${local}@@${dom}`, `${local} at ${dom}`, 'n/a', 'no email', `${local}@${dom.split('.')[0]}`, `${local.replace('.', ' ')}@${dom}`]);
      case 'duplicate': {
        const prev = this.recentEmails.length ? this.rng.pick(this.recentEmails) : clean;
        return this.rng.chance(0.4) ? prev.toUpperCase() : prev;
      }
      case 'one_letter_tld': return `${local}@${dom.split('.')[0]}.c`;
      case 'trailing_dot': return `${clean}.`;
      case 'uppercase': return clean.toUpperCase();
      case 'empty': return '';
      case 'whitespace': return `  ${clean} `;
    }
    this.remember(clean);
    return clean;
  }

  remember(email: string): void {
    this.recentEmails.push(email);
    if (this.recentEmails.length > 64) this.recentEmails.shift();
  }

  phone(): string {
    const r = this.rng;
    const ph = this.p.phone;
    const s = this.choose('phone', ['intl_plus', 'intl_00', 'intl_011', 'extension', 'junk', 'letters', 'wrong_country', 'empty'] as const, 'national', true);
    const nat = ph.national(r);
    const digits = nat.replace(/\D/g, '').replace(/^0/, '').replace(/^1(?=\d{10}$)/, '');
    const grouped = digits.replace(/^(\d{2,3})(\d{3})(\d+)$/, '$1 $2 $3');
    switch (s) {
      case 'intl_plus': return `+${ph.cc} ${grouped}`;
      case 'intl_00': return `00${ph.cc} ${grouped}`;
      case 'intl_011': return `011 ${ph.cc} ${grouped}`;
      case 'extension': return `${nat} ${r.pick(['x', 'ext. ', 'ext ', '#'])}${r.int(1, 999)}`;
      case 'junk': return r.pick(['n/a', '---', 'call reception', '0', '123', '?', 'see notes']);
      case 'letters': return r.pick(['1-800-FLOWERS', '082 CALL NOW', '555-HELP', 'O82 555 O1O1']);
      case 'wrong_country': return ph.foreign;
      case 'empty': return '';
    }
    return nat;
  }

  /** An amount as people type it: signs, codes, separators, decimal commas, negatives, TBD. */
  money(amount: number): string {
    const r = this.rng;
    const m = this.p.money;
    const kind = this.choose('money', ['tbd', 'empty', 'negative'] as const, 'number');
    if (kind === 'tbd') return r.pick(['TBD', 'tbc', 'n/a', 'ask', 'R?']);
    if (kind === 'empty') return '';
    const neg = kind === 'negative';
    const sep = m.decimalComma
      ? this.choose('money_sep', ['thousands_comma', 'thousands_space', 'thousands_dot', 'plain'] as const, 'decimal_comma', true)
      : this.choose('money_sep', ['thousands_comma', 'thousands_space', 'thousands_dot', 'decimal_comma'] as const, 'plain', true);
    const cents = r.chance(0.5) ? r.int(0, 99) : 0;
    const whole = Math.floor(amount);
    const dec = cents || r.chance(0.3) ? pad(cents) : '';
    const group = (g: string) => String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, g);
    let num: string;
    switch (sep) {
      case 'thousands_comma': num = group(',') + (dec ? `.${dec}` : ''); break;
      case 'thousands_space': num = group(' ') + (dec ? `${m.decimalComma ? ',' : '.'}${dec}` : ''); break;
      case 'thousands_dot': num = group('.') + `,${dec || '00'}`; break;
      case 'decimal_comma': num = String(whole) + `,${dec || '00'}`; break;
      default: num = String(whole) + (dec ? `.${dec}` : '');
    }
    const cur = this.choose('money_currency', ['sign_before', 'sign_after', 'code_before', 'code_after'] as const, 'none');
    if (neg) num = r.chance(0.5) ? `-${num}` : `(${num})`;
    switch (cur) {
      case 'sign_before': return `${m.sign}${r.chance(0.5) ? ' ' : ''}${num}`;
      case 'sign_after': return `${num} ${m.sign}`;
      case 'code_before': return `${m.code} ${num}`;
      case 'code_after': return `${num} ${m.code}`;
      default: return num;
    }
  }

  /** A yes/no in every spelling the layouts list, in any case, or junk. */
  bool(b: boolean): string {
    const s = this.t.pick('bool', [['yes_no', 1], ['y_n', 1], ['true_false', 1], ['1_0', 1], ['junk', this.rate / 2], ['empty', this.rate / 2]] as const);
    const r = this.rng;
    let v: string;
    switch (s) {
      case 'yes_no': v = b ? 'Yes' : 'No'; break;
      case 'y_n': v = b ? 'Y' : 'N'; break;
      case 'true_false': v = b ? 'true' : 'false'; break;
      case '1_0': return b ? '1' : '0';
      case 'junk': return r.pick(['maybe', 'x', '-', '?', 'Si', 'Oui', 'checked']);
      case 'empty': return '';
    }
    if (r.chance(this.rate)) {
      this.t.note('bool.case');
      return r.chance(0.5) ? v.toUpperCase() : v.toLowerCase();
    }
    return v;
  }

  /** A probability (percent), written 80, 80%, 0.8, out of range, or junk. */
  probability(pct: number): string {
    const s = this.t.pick('probability', [['percent', 1], ['percent_sign', 1], ['fraction', 1], ['out_of_range', this.rate], ['junk', this.rate / 2]] as const);
    switch (s) {
      case 'percent': return String(pct);
      case 'percent_sign': return `${pct}%`;
      case 'fraction': return String(pct / 100);
      case 'out_of_range': return this.rng.pick(['150', '250%', '-20', '101']);
      case 'junk': return this.rng.pick(['high', 'n/a', 'likely']);
    }
  }

  /** A duration in every form the source documents, or junk. */
  duration(seconds: number): string {
    const minutes = this.p.duration === 'minutes';
    const forms = minutes ? (['minutes', 'min_suffix', 'mm_ss', 'h_mm_ss'] as const) : (['seconds', 'mm_ss', 'h_mm_ss'] as const);
    const s = this.t.pick('duration', [...forms.map((f) => [f, 1] as const), ['junk', this.rate / 2], ['empty', this.rate / 2]] as const);
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), sec = seconds % 60;
    switch (s) {
      case 'seconds': return String(seconds);
      case 'minutes': return String(Math.max(1, Math.round(seconds / 60)));
      case 'min_suffix': return `${Math.max(1, Math.round(seconds / 60))} ${this.rng.pick(['min', 'mins', 'minutes'])}`;
      case 'mm_ss': return `${pad(Math.floor(seconds / 60))}:${pad(sec)}`;
      case 'h_mm_ss': return `${h}:${pad(m)}:${pad(sec)}`;
      case 'junk': return this.rng.pick(['about an hour', '-30', '1:75', 'n/a', '5m30', 'long']);
      default: return '';
    }
  }

  /**
   * A status / stage / type / source value: in another case, with stray spaces, or an unknown
   * value. `kind` names the column (counted as `<kind>.case`, ...).
   */
  enumValue(kind: string, value: string, unknown: readonly string[]): string {
    const s = this.choose(kind, unknown.length ? (['case', 'spaces', 'unknown'] as const) : (['case', 'spaces'] as const));
    switch (s) {
      case 'case': {
        const v = this.rng.pick([value.toUpperCase(), value.toLowerCase(), value.replace(/\b\w/g, (c) => c.toUpperCase())]);
        return v === value ? value.toUpperCase() : v;
      }
      case 'spaces': return this.rng.pick([` ${value}`, `${value} `, `  ${value}  `, value.replace(' ', '  ') === value ? ` ${value} ` : value.replace(' ', '  ')]);
      case 'unknown': return this.rng.pick(unknown);
    }
    return value;
  }

  /**
   * An owner / assignee: a user's email, their email in capitals, their name, blank, someone
   * unknown, or an inactive (archived) user; `native` is how the source writes it. An unknown
   * owner is also counted as an orphan of `column`.
   */
  owner(users: readonly User[], native: 'email' | 'id', unknownDomain: string, column?: string): string {
    const r = this.rng;
    const active = users.filter((u) => u.active);
    const inactive = users.filter((u) => !u.active);
    const s = this.choose('owner', ['email_case', 'user_name', 'blank', 'unknown_email', 'unknown_name', 'inactive', ...(native === 'id' ? (['email'] as const) : ([] as const))] as const, 'native', true);
    const u = r.pick(active.length ? active : users);
    if (column && (s === 'unknown_email' || s === 'unknown_name')) this.t.note(`orphan:${column}`);
    switch (s) {
      case 'email_case': return r.chance(0.5) ? u.email.toUpperCase() : u.email.replace(/^./, (c) => c.toUpperCase());
      case 'user_name': return r.chance(0.8) ? u.name : u.name.toLowerCase();
      case 'blank': return '';
      case 'unknown_email': return `${r.pick(['temp.agent', 'former.rep', 'admin', 'sales'])}${r.int(1, 99)}@${unknownDomain}`;
      case 'unknown_name': return r.pick(['Temp Agent', 'Former Rep', 'Unassigned', 'Sales Team']);
      case 'inactive': {
        const x = inactive.length ? r.pick(inactive) : u;
        return native === 'id' ? x.id : x.email;
      }
      case 'email': return u.email;
    }
    return native === 'id' ? u.id : u.email;
  }

  /** Free text, sometimes with the delimiters, quotes and line breaks that need quoting. */
  text(base?: string): string {
    const s = this.choose('text', ['delimiters', 'quotes', 'newlines'] as const);
    const b = base ?? this.rng.pick(NOTES);
    switch (s) {
      case 'delimiters': return `${b} Options: a, b; c\tor d.`;
      case 'quotes': return `He said "call me back" — ${b}`;
      case 'newlines': return `${b}\nSecond line.\r\nThird line, after a CRLF.`;
    }
    return b;
  }
}

export function slug(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}
