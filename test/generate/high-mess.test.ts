/**
 * `--mess high`: deterministic under its seed, and every class of mess it promises is really in
 * the files. The files are read back independently (read-export.ts: bytes, csv-parse, the
 * layout's headers) and each class is looked for by what it looks like, across a few seeds; the
 * manifest is checked to agree with the files, never for exact counts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../tools/generate/index.ts';
import { OVER_LIMIT_BYTES } from '../../tools/generate/high/shared.ts';
import type { MessRates } from '../../tools/generate/mess/rates.ts';
import { norm, readExport, type ReadFile } from './read-export.ts';
import { CASES, type SourceCase } from './sources.ts';

/** Two exports as drawn, and two with every file present (so no file's mess is hidden by a missing file). */
const SEEDS: [string, Partial<MessRates>][] = [['s1', {}], ['s2', {}], ['s3', { fileMissing: 0, fileHeaderOnly: 0 }], ['s4', { fileMissing: 0, fileHeaderOnly: 0 }]];
const SIZE = 300;
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(path.join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Export {
  dir: string;
  files: Map<string, ReadFile>;
  manifest: any;
  /** Drawn at the default rates (an optional file may be missing or header-only). */
  defaults: boolean;
}
const exports = new Map<string, Export[]>();

beforeAll(async () => {
  for (const c of CASES) {
    const list: Export[] = [];
    for (const [seed, rates] of SEEDS) {
      const dir = path.join(tmp(`gen-${c.source}-`), 'export');
      await c.generate({ outDir: dir, seed, size: SIZE, rates });
      list.push({ dir, files: readExport(dir, c.layout), manifest: JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')), defaults: !Object.keys(rates).length });
    }
    exports.set(c.source, list);
  }
}, 120_000);

/** All files of a directory tree with their bytes. */
function tree(dir: string, rel = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, e);
    if (statSync(path.join(dir, r)).isDirectory()) for (const [k, v] of tree(dir, r)) out.set(k, v);
    else out.set(r, readFileSync(path.join(dir, r)));
  }
  return out;
}

const [fileOf, keyOf] = [(c: string) => c.split(':')[0]!, (c: string) => c.split(':')[1]!];
/** Values of `file.csv:key` columns over every export of a source. */
function values(c: SourceCase, cols: string[]): string[] {
  return exports.get(c.source)!.flatMap((e) => cols.flatMap((col) => e.files.get(fileOf(col))?.col(keyOf(col)) ?? []));
}
/** The classes of `checks` that some value matches. */
function found(vals: string[], checks: Record<string, (v: string) => boolean>): string[] {
  return Object.keys(checks).filter((k) => vals.some(checks[k]!));
}
const expectAll = (what: string, got: string[], want: string[]) => expect([...new Set(got)].sort(), what).toEqual(expect.arrayContaining(want));

describe.each(['sample', 'high'] as const)('--mess %s', (mess) => {
  it.each(CASES.map((c) => [c.source, c] as const))('%s: the same seed writes the same bytes, another seed other bytes', async (source) => {
    const [a, b, c] = [tmp('gen-a-'), tmp('gen-b-'), tmp('gen-c-')];
    for (const [d, seed] of [[a, 'x'], [b, 'x'], [c, 'y']] as const) await generate({ source, outDir: d, size: 60, seed, mess });
    const [ta, tb, tc] = [tree(a), tree(b), tree(c)];
    expect([...tb.keys()]).toEqual([...ta.keys()]);
    for (const [k, v] of ta) expect(tb.get(k)!.equals(v), k).toBe(true);
    const differs = [...ta].filter(([k, v]) => k.endsWith('.csv') && tc.has(k) && !tc.get(k)!.equals(v));
    expect(differs.length).toBeGreaterThan(0);
    expect(existsSync(path.join(a, 'manifest.json'))).toBe(mess === 'high');
  });
});

describe.each(CASES.map((c) => [c.source, c] as const))('%s high mess', (source, c) => {
  const all = () => exports.get(source)!;

  it('manifest.json agrees with the files: disposition, rows, encoding, delimiter, line ends, header', () => {
    for (const e of all()) {
      for (const [file, m] of Object.entries<any>(e.manifest.files)) {
        const f = e.files.get(file);
        if (m.disposition === 'missing') {
          expect(existsSync(path.join(e.dir, file)), file).toBe(false);
          continue;
        }
        expect(f, file).toBeDefined();
        expect(f!.records.length, `${file} rows`).toBe(m.rows);
        if (m.disposition === 'header_only') expect(m.rows).toBe(0);
        else expect(Object.keys(m.classes).length, file).toBeGreaterThan(0);
        // A Windows-1252 file with nothing but ASCII in it is UTF-8 as well.
        const ascii = readFileSync(path.join(e.dir, file)).every((b) => b < 0x80);
        expect([f!.encoding === 'utf8' && ascii ? m.encoding : f!.encoding, f!.delimiter, f!.eol], file).toEqual([m.encoding, m.delimiter, m.eol]);
        expect(f!.header.slice(0, m.header.length), file).toEqual(m.header);
      }
    }
  });

  it('framing: every encoding, delimiter and line end, trailing delimiters, blank lines, ragged rows, quoting', () => {
    const files = all().flatMap((e) => [...e.files.values()]);
    expectAll('encodings', files.map((f) => f.encoding), c.encodings);
    expectAll('delimiters', files.map((f) => f.delimiter), [',', ';', '\t']);
    expectAll('line ends', files.map((f) => f.eol), ['crlf', 'lf', 'cr']);
    expect(files.some((f) => f.header.at(-1) === '' && f.records.every((r) => r.length !== f.header.length || r.at(-1) === '')), 'trailing delimiter').toBe(true);
    for (const e of all()) {
      const present = [...e.files.values()].filter((f) => f.records.length);
      expect(present.some((f) => f.blankLines > 0), 'blank lines').toBe(true);
      expect(present.some((f) => f.records.some((r) => r.length < f.header.length)), 'short rows').toBe(true);
      expect(present.some((f) => f.records.some((r) => r.length > f.header.length)), 'long rows').toBe(true);
      const cells = present.flatMap((f) => f.records.flat());
      for (const [what, re] of [['delimiters', /[,;\t]/], ['quotes', /"/], ['newlines', /[\r\n]/]] as const) expect(cells.some((v) => re.test(v)), `quoted ${what}`).toBe(true);
    }
  });

  it('headers: case and space variants, another order, custom columns (clashing and odd names), a dropped optional column, missing and header-only files', () => {
    const files = all().flatMap((e) => [...e.files.values()]);
    const layoutHeaders = (f: ReadFile) => Object.values(c.layout).find((d) => d.file === f.file)!.columns;
    expect(files.some((f) => f.header.some((h, i) => f.keys[i] && /[a-z]/.test(h) && h === h.toLowerCase() && h !== h.toUpperCase())), 'lower case').toBe(true);
    expect(files.some((f) => f.header.some((h, i) => f.keys[i] && /[A-Z]{2}/.test(h) && h === h.toUpperCase())), 'upper case').toBe(true);
    expect(files.some((f) => f.header.some((h, i) => f.keys[i] && (h !== h.trim() || / {2}/.test(h)))), 'stray spaces').toBe(true);
    expect(files.some((f) => {
      const order = layoutHeaders(f).map((col) => col.key).filter((k) => f.keys.includes(k));
      return f.keys.filter((k): k is string => !!k).join() !== order.join();
    }), 'reordered').toBe(true);
    const custom = files.map((f) => f.header.filter((_, i) => !f.keys[i] && f.header[i] !== ''));
    expect(custom.some((h) => h.length > 0), 'custom columns').toBe(true);
    expect(custom.some((h) => new Set(h.map(norm)).size < h.length), 'custom headers that clash once normalised').toBe(true);
    expect(custom.some((h) => h.some((x) => /["#%;,/*\t]|^\d/.test(x))), 'custom headers with quotes or symbols').toBe(true);
    expect(files.some((f) => layoutHeaders(f).some((col) => (col as { droppable?: boolean }).droppable && !f.keys.includes(col.key))), 'a dropped optional column').toBe(true);
    for (const e of all()) {
      const optional = Object.values(c.layout).filter((d) => !d.required).map((d) => d.file);
      if (!e.defaults) {
        expect(optional.every((f) => (e.files.get(f)?.records.length ?? 0) > 0), 'with those rates at 0, every file has rows').toBe(true);
        continue;
      }
      expect(optional.some((f) => !existsSync(path.join(e.dir, f))), 'an optional file missing').toBe(true);
      expect(optional.some((f) => e.files.get(f)?.records.length === 0), 'an optional file header-only').toBe(true);
      for (const d of Object.values(c.layout).filter((x) => x.required)) expect(e.files.get(d.file)?.records.length, d.file).toBeGreaterThan(0);
    }
  });

  it('references: every reference column of every file has an orphan; duplicate ids; malformed parents whose children still point at them', () => {
    const refs = Object.values(c.layout).flatMap((d) => d.columns.filter((col) => col.ref && col.ref !== 'files/').map((col) => ({ file: d.file, key: col.key, ref: col.ref! })));
    expect(refs.length).toBeGreaterThan(2);
    const users = (e: Export) => {
      const u = e.files.get(c.users.file)?.rows() ?? [];
      return new Set(u.flatMap((r) => c.users.keys.map((k) => (r[k] ?? '').trim().toLowerCase())).filter(Boolean));
    };
    for (const r of refs) {
      const orphans = all().flatMap((e) => {
        const [pFile, pKey] = r.ref.split(':') as [string, string];
        const parents = pFile === c.users.file ? users(e) : new Set((e.files.get(pFile)?.col(pKey) ?? []).map((v) => v.trim().toLowerCase()));
        return (e.files.get(r.file)?.col(r.key) ?? []).filter((v) => v.trim() !== '' && !parents.has(v.trim().toLowerCase()));
      });
      expect(orphans.length, `${r.file} ${r.key} -> ${r.ref}: an orphan`).toBeGreaterThan(0);
    }
    const idFiles = Object.values(c.layout).filter((d) => d.columns[0]!.required && !d.columns[0]!.ref);
    const dup = idFiles.filter((d) => all().some((e) => {
      const ids = e.files.get(d.file)?.col(d.columns[0]!.key) ?? [];
      return new Set(ids).size < ids.length;
    }));
    expect(dup.length, 'files with a duplicate id').toBeGreaterThan(idFiles.length / 2);
    // A ragged parent row (rejected at extract) whose id a child still names.
    const rejectedAndNamed = all().some((e) => refs.some((r) => {
      const [pFile, pKey] = r.ref.split(':') as [string, string];
      const p = e.files.get(pFile);
      const i = p?.keys.indexOf(pKey) ?? -1;
      if (!p || i < 0) return false;
      const bad = new Set(p.records.filter((x) => x.length < p.header.length && x.length > i).map((x) => x[i]));
      return (e.files.get(r.file)?.col(r.key) ?? []).some((v) => bad.has(v));
    }));
    expect(rejectedAndNamed, 'a child of a malformed parent').toBe(true);
  });

  it('dates and times: every format the source writes, invalid ones, offsets, DST edges', () => {
    const dmy = c.dateOrder === 'dmy';
    const dateChecks: Record<string, (v: string) => boolean> = {
      feb30: (v) => /(^|\D)30\/0?2\/\d{4}|(^|\D)0?2\/30\/\d{4}|\d{4}-02-30/.test(v),
      month13: (v) => (dmy ? /^\d{1,2}\/(1[3-9]|[23]\d)\/\d{4}/ : /^(1[3-9]|[23]\d)\/\d{1,2}\/\d{4}/).test(v),
      twoDigitYear: (v) => /^\d{1,2}\/\d{1,2}\/\d{2}$/.test(v),
      text: (v) => /^[A-Za-z][A-Za-z /0-9]*$/.test(v.trim()),
      empty: (v) => v === '',
      iso: (v) => /^\d{4}-\d\d-\d\d$/.test(v),
      slashes: (v) => /^\d\d\/\d\d\/\d{4}$/.test(v),
    };
    expectAll('dates', found(values(c, c.dates), dateChecks), Object.keys(dateChecks).filter((k) => c.source !== 'leadtrac' || k !== 'iso'));
    const times = values(c, c.times);
    const timeChecks: Record<string, (v: string) => boolean> = {
      offset: (v) => /T\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$/.test(v),
      noOffset: (v) => /\d\d:\d\d(:\d\d)?( [AP]M)?$/.test(v),
      invalid: (v) => dateChecks.feb30!(v) || dateChecks.month13!(v) || dateChecks.text!(v),
    };
    expectAll('times', found(times, timeChecks), Object.keys(timeChecks));
    if (c.dst) {
      // Local times that do not exist (second Sunday of March, 02:xx) or happen twice (first Sunday of November, 01:xx).
      const edges = times.map((v) => {
        const iso = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)/.exec(v);
        const sl = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d)( [AP]M)?/.exec(v);
        if (!iso && !sl) return '';
        const [y, m, d, h] = iso ? [+iso[1]!, +iso[2]!, +iso[3]!, +iso[4]!] : [+sl![3]!, dmy ? +sl![2]! : +sl![1]!, dmy ? +sl![1]! : +sl![2]!, (+sl![4]! % 12) + (sl![6] === ' PM' ? 12 : 0)];
        const sunday = (month: number, nth: number) => { const first = new Date(Date.UTC(y, month - 1, 1)).getUTCDay(); return 1 + ((7 - first) % 7) + 7 * (nth - 1); };
        return m === 3 && d === sunday(3, 2) && h === 2 ? 'gap' : m === 11 && d === sunday(11, 1) && h === 1 ? 'overlap' : '';
      });
      expectAll('DST edges', edges, ['gap', 'overlap']);
    }
  });

  it('names, emails and phones in every shape', () => {
    const TITLE = /^(Dr\.?|Mme|Rev\.|Adv\.?|Mr|Mrs\.|Ms|Prof\.|M\.|Mx) /;
    const nameChecks: Record<string, (first: string, last: string) => boolean> = {
      allCaps: (f, l) => /[A-Z]{2}/.test(f + l) && (f + l) === (f + l).toUpperCase() && !/@/.test(f + l),
      lower: (f, l) => /[a-z]{2}/.test(f + l) && (f + l) === (f + l).toLowerCase() && !/@/.test(f + l),
      title: (f) => TITLE.test(f.trim()),
      lastCommaFirst: (f, l) => /^[^,]+, [^,]+$/.test((f ? `${f} ${l}` : l).trim()),
      particle: (_, l) => /\b(van der|de la|van|du|le|da|von|van den)\b/.test(l),
      suffix: (_, l) => /\b(Jr\.?|Sr\.|III|II|PhD|CPA)$/.test(l.trim()),
      singleWord: (f, l) => (f.trim() === '') !== (l.trim() === '') && !/[ @,]/.test((f + l).trim()),
      empty: (f, l) => f === '' && l === '',
      companyLike: (f, l) => /\b(Ltd|LTD|Inc|LLC|Corp|CC|Ltée|LLP|S\.E\.N\.C\.)(\W|$)/.test(f + ' ' + l),
      emailAsName: (f, l) => /@/.test(f + l),
      extraSpaces: (f, l) => /^\s|\s$|\s{2}/.test(f) || /^\s|\s$|\s{2}/.test(l),
    };
    const pairs: [string, string][] = [
      ...values(c, c.fullNames).map((v) => { const i = v.trim().lastIndexOf(' '); return [i < 0 ? '' : v.slice(0, i), i < 0 ? v : v.slice(i + 1)] as [string, string]; }),
      ...c.splitNames.flatMap(([fc, lc]) => exports.get(c.source)!.flatMap((e) => (e.files.get(fileOf(fc))?.rows() ?? []).filter((r) => keyOf(fc) in r).map((r) => [r[keyOf(fc)]!, r[keyOf(lc)]!] as [string, string]))),
    ];
    if (c.fullNames.length) pairs.push(...values(c, c.fullNames).map((v) => ['', v] as [string, string]));
    expectAll('names', Object.keys(nameChecks).filter((k) => pairs.some(([f, l]) => nameChecks[k]!(f, l))), Object.keys(nameChecks));

    const emails = values(c, c.emails);
    const valid = emails.map((e) => e.trim().toLowerCase()).filter((e) => /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(e));
    const emailChecks: Record<string, (v: string) => boolean> = {
      valid: (v) => /^[a-z0-9.]+@[a-z0-9.-]+\.[a-z]{2,}$/.test(v),
      invalid: (v) => v !== '' && !/^\s*[^@\s]+@[^@\s]+\.[A-Za-z]+\.?\s*$/.test(v),
      oneLetterTld: (v) => /@[^@\s]+\.[a-z]$/i.test(v.trim()),
      trailingDot: (v) => /@.+\.$/.test(v.trim()),
      uppercase: (v) => /@/.test(v) && /[A-Z]{3}/.test(v) && v === v.toUpperCase(),
      empty: (v) => v === '',
      duplicate: (v) => valid.indexOf(v.trim().toLowerCase()) !== valid.lastIndexOf(v.trim().toLowerCase()),
    };
    expectAll('emails', found(emails, emailChecks), Object.keys(emailChecks));

    const phoneChecks: Record<string, (v: string) => boolean> = {
      national: (v) => /^[(0-9]/.test(v) && !/^(00|011 )/.test(v) && (v.match(/\d/g) ?? []).length >= 9,
      plus: (v) => v.startsWith('+'),
      zeroZero: (v) => v.startsWith('00'),
      zeroOneOne: (v) => v.startsWith('011 '),
      extension: (v) => /(x|ext\.?|#)\s?\d{1,4}$/.test(v),
      junk: (v) => v !== '' && (v.match(/\d/g) ?? []).length < 5 && !/[A-Z]{3}/.test(v),
      letters: (v) => /[A-Z]{3}|O\d|\dO/.test(v),
      empty: (v) => v === '',
    };
    const phones = values(c, c.phones);
    expectAll('phones', found(phones, phoneChecks), Object.keys(phoneChecks));
    const cc = c.source === 'leadtrekker' ? '+27' : '+1';
    expect(phones.some((v) => v.startsWith('+') && !v.startsWith(cc)), 'a number of another country').toBe(true);
  });

  it('money, booleans, probabilities, durations and vocabularies in every spelling', () => {
    const moneyChecks: Record<string, (v: string) => boolean> = {
      signBefore: (v) => /^[R$]\s?[-(]?\d/.test(v),
      signAfter: (v) => /\d\)? [R$]$/.test(v),
      codeBefore: (v) => /^[A-Z]{3} /.test(v),
      codeAfter: (v) => /\d\)? [A-Z]{3}$/.test(v),
      thousandsComma: (v) => /\d,\d{3}(\.\d+)?(\D|$)/.test(v),
      thousandsSpace: (v) => /\d \d{3}(\D|$)/.test(v),
      thousandsDot: (v) => /\d\.\d{3},\d\d/.test(v),
      decimalComma: (v) => /(^|[^\d.,])\d+,\d\d(\D|$)/.test(v),
      negative: (v) => /-\d|\(\d/.test(v),
      notANumber: (v) => /^[A-Za-z?]+$/.test(v.trim()),
      empty: (v) => v === '',
    };
    expectAll('money', found(values(c, c.money), moneyChecks), Object.keys(moneyChecks));

    const b = (re: RegExp) => (v: string) => re.test(v.trim());
    const boolChecks: Record<string, (v: string) => boolean> = {
      yesNo: b(/^(yes|no)$/i), yN: b(/^[yn]$/i), trueFalse: b(/^(true|false)$/i), oneZero: b(/^[10]$/),
      otherCase: (v) => /^(YES|NO|TRUE|FALSE|yes|no|True|False)$/.test(v.trim()) && !['Yes', 'No', 'true', 'false'].includes(v.trim()),
      junk: (v) => v.trim() !== '' && !/^(yes|no|y|n|true|false|1|0)$/i.test(v.trim()),
      empty: (v) => v === '',
    };
    expectAll('booleans', found(values(c, c.bools), boolChecks), Object.keys(boolChecks));

    if (c.probabilities.length) {
      const probChecks: Record<string, (v: string) => boolean> = {
        percent: (v) => /^\d{1,3}$/.test(v) && +v <= 100,
        percentSign: (v) => /^\d{1,3}%$/.test(v),
        fraction: (v) => /^0?\.\d+$|^[01]$/.test(v) || (/^\d*\.\d+$/.test(v) && +v <= 1),
        outOfRange: (v) => { const n = parseFloat(v); return !Number.isNaN(n) && (n < 0 || n > 100); },
        junk: (v) => /^[a-z/ ]+$/i.test(v),
      };
      expectAll('probabilities', found(values(c, c.probabilities), probChecks), Object.keys(probChecks));
    }
    if (c.durations) {
      const minutes = c.durations.unit === 'minutes';
      const durChecks: Record<string, (v: string) => boolean> = {
        bare: (v) => /^\d+$/.test(v),
        mmss: (v) => /^\d{2,}:\d\d$/.test(v),
        hmmss: (v) => /^\d+:\d\d:\d\d$/.test(v),
        junk: (v) => v !== '' && !/^\d+$|^\d+:\d\d(:\d\d)?$|^\d+ min(s|utes)?$/.test(v),
        ...(minutes ? { minSuffix: (v: string) => /^\d+ min(s|utes)?$/.test(v) } : {}),
      };
      expectAll('durations', found(values(c, c.durations.cols), durChecks), Object.keys(durChecks));
    }
    for (const { col, known } of c.enums) {
      const checks: Record<string, (v: string) => boolean> = {
        otherCase: (v) => known.includes(v.trim().toLowerCase()) && v.trim() !== v.trim().toLowerCase() && v.trim() === v.trim().toUpperCase(),
        spaces: (v) => known.includes(v.trim().toLowerCase().replace(/\s+/g, ' ')) && (v !== v.trim() || /\s{2}/.test(v)),
        unknown: (v) => v.trim() !== '' && !known.includes(v.trim().toLowerCase().replace(/\s+/g, ' ')),
      };
      expectAll(col, found(values(c, [col]), checks), Object.keys(checks));
    }
  });

  it('owners as emails, user names, blank, unknown, and inactive users', () => {
    const got = new Set<string>();
    for (const e of all()) {
      const users = e.files.get(c.users.file)?.rows() ?? [];
      if (!users.length) continue;
      const match = (v: string) => users.find((u) => c.users.keys.some((k) => (u[k] ?? '').trim().toLowerCase() === v.trim().toLowerCase() && v.trim() !== ''));
      for (const v of c.owners.flatMap((col) => e.files.get(fileOf(col))?.col(keyOf(col)) ?? [])) {
        const u = match(v);
        if (v.trim() === '') got.add('blank');
        else if (!u) got.add('unknown');
        else {
          if (/@/.test(v)) got.add('email');
          else if (/ /.test(v.trim())) got.add('name');
          if (c.users.inactive(u)) got.add('inactive');
        }
      }
    }
    expectAll('owners', [...got], ['blank', 'unknown', 'email', 'name', 'inactive']);
  });

  it('companies: near-duplicates; and the source-specific cases', () => {
    const legal = /\b(\(pty\) ltd|pty ltd|cc|ltd\.?|llc|inc\.?|corp\.?|co\.|llp|ltée|s\.e\.n\.c\.)\s*$/i;
    const key = (s: string) => s.trim().replace(legal, '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
    const names = [...new Set(values(c, c.companies).filter(Boolean))];
    const byKey = new Map<string, string[]>();
    for (const n of names) byKey.set(key(n), [...(byKey.get(key(n)) ?? []), n]);
    const oneEdit = (a: string, b: string) => {
      if (Math.abs(a.length - b.length) !== 1) return false;
      const [s, l] = a.length < b.length ? [a, b] : [b, a];
      let i = 0;
      while (i < s.length && s[i] === l[i]) i++;
      return s.slice(i) === l.slice(i + 1);
    };
    const keys = [...byKey.keys()];
    const near = [...byKey.values()].some((v) => v.length > 1) && keys.some((a) => keys.some((b) => oneEdit(a, b)));
    expect(near, 'near-duplicate company names (spelling and one-letter typos)').toBe(true);

    const rowsOf = (file: string) => all().flatMap((e) => e.files.get(file)?.rows() ?? []);
    if (c.source === 'leadtrekker') {
      expect(rowsOf('leads.csv').some((r) => r.company === ''), 'a lead without a company').toBe(true);
    }
    if (c.source === 'leadtrac') {
      for (const [file, by] of [['lead_people.csv', 'lead_id'], ['person_companies.csv', 'person_id']] as const) {
        const groups = new Map<string, number[]>();
        for (const r of rowsOf(file)) groups.set(r[by]!, [...(groups.get(r[by]!) ?? []), /^\s*(yes|y|true|1)\s*$/i.test(r.is_primary ?? '') ? 1 : 0]);
        const counts = [...groups.values()].filter((g) => g.length > 1).map((g) => g.reduce((s, x) => s + x, 0));
        expect(counts.some((n) => n === 0), `${file}: none primary`).toBe(true);
        expect(counts.some((n) => n > 1), `${file}: several primary`).toBe(true);
      }
    }
    if (c.source === 'leadtrac' || c.source === 'aspec') {
      const parents = c.source === 'leadtrac' ? ['lead_id', 'person_id', 'company_id'] : ['contact_id', 'company_id', 'opportunity_id'];
      expect(rowsOf('activities.csv').some((r) => parents.filter((p) => (r[p] ?? '') !== '').length >= 2), 'an activity naming several parents').toBe(true);
    }
    if (c.source === 'servicetracker') {
      // The same site under two client ids, its street spelled two ways (St / Street / ST.).
      const sites = new Map<string, Set<string>>();
      for (const r of rowsOf('clients.csv')) {
        const num = /^\d+/.exec(r.street ?? '')?.[0];
        if (num) sites.set(`${num}|${r.zip}`, (sites.get(`${num}|${r.zip}`) ?? new Set()).add(r.street!));
      }
      expect([...sites.values()].some((s) => s.size > 1), 'a duplicate client cluster with another street spelling').toBe(true);
    }
    if (c.source === 'leadtrekker' || c.source === 'servicetracker') {
      const shapes = new Set<string>();
      for (const e of all()) {
        for (const r of e.files.get('attachments.csv')?.rows() ?? []) {
          const p = r.path ?? '';
          if (Number(r.size) > OVER_LIMIT_BYTES) shapes.add('over limit');
          else if (p.includes('..') || p.startsWith('/')) shapes.add('escapes files/');
          else if (p && !existsSync(path.join(e.dir, 'files', p))) shapes.add('missing file');
          else if (p) shapes.add('body');
        }
      }
      expectAll('attachments', [...shapes], ['over limit', 'escapes files/', 'missing file', 'body']);
    }
    if (c.source === 'aspec') expect(rowsOf('attachments.csv').some((r) => Number(r.size) > OVER_LIMIT_BYTES), 'an attachment over the limit').toBe(true);
  });
});

describe('header case styles of every source together', () => {
  it('snake_case and Title Case headers (visible only on headers of several words)', () => {
    const headers = [...exports.values()].flat().flatMap((e) => [...e.files.values()].flatMap((f) => f.header.filter((_, i) => f.keys[i])));
    expect(headers.some((h) => /^[a-z]+(_[a-z]+)+$/.test(h.trim())), 'snake_case').toBe(true);
    expect(headers.some((h) => /^[A-Z][a-z]+ [A-Z][a-z]+/.test(h.trim()) && /\bId\b|\bUrl\b/.test(h)), 'Title Case (Id, Url)').toBe(true);
  });
});

describe('Leadtrekker headers across a few seeds', () => {
  it('every alias the layout lists appears, and leads.csv comes with Name, with First + Last Name, and with both', async () => {
    const { FILES } = await import('../../tools/generate/high/leadtrekker.ts');
    const seen = new Set<string>();
    const nameColumns = new Set<string>();
    for (let s = 0; s < 20; s++) {
      const dir = path.join(tmp('gen-alias-'), 'x');
      await generate({ source: 'leadtrekker', outDir: dir, size: 5, seed: `alias-${s}`, mess: 'high' });
      const files = readExport(dir, FILES);
      for (const f of files.values()) for (const h of f.header) seen.add(norm(h));
      const k = files.get('leads.csv')!.keys;
      nameColumns.add([k.includes('name') && 'name', k.includes('first_name') && k.includes('last_name') && 'first+last'].filter(Boolean).join(' and '));
    }
    const aliases = Object.values(FILES).flatMap((d) => d.columns.flatMap((col) => ('aliases' in col ? col.aliases : []) as string[]));
    expect(aliases.length).toBeGreaterThan(8);
    for (const a of aliases) expect(seen.has(norm(a)), a).toBe(true);
    expect([...nameColumns].sort()).toEqual(['first+last', 'name', 'name and first+last']);
  });
});

describe('npm run generate -- --mess', () => {
  it('high writes manifest.json and prints progress lines when stderr is not a terminal; an unknown level is a usage error', async () => {
    const { execa } = await import('execa');
    const { projectRoot } = await import('../../engine/paths.ts');
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const out = path.join(tmp('gen-cli-'), 'x');
    const r = await execa(tsx, ['tools/generate/index.ts', '--source', 'aspec', '--contacts', '40', '--mess', 'high', '--out', out, '--seed', '3'], { cwd: projectRoot, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/aspec \(high mess\) contacts: [\d,]+ \/ 40 \(\d+%\) in \d+ s\n/);
    expect(r.stderr).toMatch(/contacts\.csv\s+\d+ rows/);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).files['contacts.csv'].disposition).toBe('present');
    const bad = await execa(tsx, ['tools/generate/index.ts', '--source', 'aspec', '--mess', 'extreme', '--out', out], { cwd: projectRoot, reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--mess must be one of sample, high');
  }, 30_000);
});
