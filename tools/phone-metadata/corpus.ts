/**
 * Phone strings as CRM exports write them, with the default country each is read with: the
 * sources' own countries (ZA, US, CA) and numbers from abroad in every form seen in exports
 * (national with trunk prefix, +, 00/011/0011, calling code without +, "(0)", extensions, odd
 * punctuation), plus broken ones (too short or long, letters, junk). Digits start from
 * libphonenumber-js's example numbers, so a good share is valid and a good share is not.
 * Deterministic under its seed; used by the agreement test and the phone benchmark.
 *
 * @example
 * const rows = phoneCorpus(7, 12_000); // [{ text: '082 555 0101', country: 'ZA' }, ...]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Rng } from '../generate/common.ts';

const require = createRequire(import.meta.url);
const examples = JSON.parse(readFileSync(require.resolve('libphonenumber-js/examples.mobile.json'), 'utf8')) as Record<string, string>;
type Plan = [string, string | 0, string, number[], unknown, (string | 0)?];
const meta = JSON.parse(readFileSync(require.resolve('libphonenumber-js/metadata.min.json'), 'utf8')) as { countries: Record<string, Plan> };

export interface PhoneSample {
  text: string;
  country: string;
}

const DEFAULTS: [string, number][] = [['ZA', 40], ['US', 28], ['CA', 20], ['GB', 4], ['AU', 3], ['DE', 2], ['IN', 2], ['BR', 1]];
const FOREIGN = [
  'GB', 'IE', 'AU', 'NZ', 'NA', 'BW', 'ZW', 'KE', 'NG', 'IN', 'DE', 'FR', 'NL', 'BE', 'CH', 'MX', 'BR', 'AR', 'IT', 'ES', 'PT',
  'JP', 'CN', 'RU', 'AE', 'IL', 'SG', 'HK', 'ZM', 'MZ', 'LS', 'SZ', 'AT', 'SE', 'NO', 'DK', 'PL', 'GR', 'TR', 'EG', 'MU', 'PH',
  'BS', 'JM', 'PR', 'IM', 'GG', 'JE', 'US', 'CA', 'ZA',
];
// Dialled from these defaults; one prefix each where the metadata gives a pattern.
const IDD: Record<string, string[]> = { ZA: ['00'], US: ['011'], CA: ['011'], GB: ['00'], AU: ['0011', '0014'], DE: ['00'], IN: ['00'], BR: ['0014', '0021'] };
const EXTENSIONS = [' x{n}', ' x {n}', ' X{n}', ' ext. {n}', ' ext {n}', ' Ext.{n}', ' extension {n}', '#{n}', ' #{n}', ', {n}', ',{n}', ';ext={n}', ' - {n}#', ' int {n}', ',,{n}', ' ext: {n}'];
const JUNK = ['', ' ', 'n/a', 'N/A', 'none', '-', '--', '0', '000', 'call reception', 'tel', 'see notes', 'unknown', '?', 'x', '#', '+', '++27', 'TBC', 'no phone', 'email only', '1-800-FLOWERS', '0800 MR PLUMB', '082 CALL NOW', 'ask for John', '12', '(0)', 'null', '#N/A', '0.0', '1.23E+10', '8.255501e+08'];

function nationalDigits(r: Rng, iso: string): string {
  const ex = examples[iso] ?? '201234567';
  const lengths = meta.countries[iso]![3];
  const roll = r.next();
  let digits: string;
  if (roll < 0.55) {
    // the example's first digits, the rest random: mostly valid
    const keep = r.int(1, Math.min(4, ex.length - 1));
    digits = ex.slice(0, keep) + Array.from({ length: ex.length - keep }, () => String(r.int(0, 9))).join('');
  } else if (roll < 0.75) {
    const len = r.pick(lengths);
    digits = String(r.int(1, 9)) + Array.from({ length: len - 1 }, () => String(r.int(0, 9))).join('');
  } else if (roll < 0.9) {
    // one or two digits too many or too few
    const drop = r.chance(0.5);
    const n = r.int(1, 2);
    digits = drop ? ex.slice(0, Math.max(2, ex.length - n)) : ex + Array.from({ length: n }, () => String(r.int(0, 9))).join('');
  } else {
    // an area code or range that does not exist
    digits = String(r.pick([0, 1, 0, 1, 9])) + ex.slice(1);
  }
  return digits;
}

/** Digits in groups the way people write them: "082 555 0101", "(415) 555-0101", "0825550101". */
function group(r: Rng, digits: string, allowBrackets: boolean): string {
  const style = r.weighted([['3-3-4', digits.length === 10 ? 25 : 0], ['space', 30], ['none', 20], ['dash', 15], ['dot', 6], ['bracket', allowBrackets ? 15 : 0], ['nbsp', 4], ['mixed', 6], ['slash', 2], ['wide', 2]]);
  if (style === 'none') return digits;
  if (style === '3-3-4') {
    const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
    return r.pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `${a} ${b} ${c}`, `(${a})${b}-${c}`]);
  }
  const parts: string[] = [];
  let i = 0;
  const first = r.int(2, 4);
  parts.push(digits.slice(0, first));
  i = first;
  while (i < digits.length) {
    const n = r.int(2, 4);
    parts.push(digits.slice(i, i + n));
    i += n;
  }
  const sep = { space: ' ', dash: '-', dot: '.', nbsp: '\u00a0', slash: '/', wide: '  ', mixed: '', bracket: ' ' }[style]!;
  if (style === 'bracket') return `(${parts[0]}) ${parts.slice(1).join(r.pick([' ', '-']))}`;
  if (style === 'mixed') return parts.map((p, k) => (k === 0 ? p : r.pick([' ', '-', '.', ' - ']) + p)).join('');
  return parts.join(sep);
}

function sample(r: Rng): PhoneSample {
  const country = r.weighted(DEFAULTS);
  if (r.chance(0.06)) return { text: r.pick(JUNK), country };
  const same = r.chance(0.6);
  const iso = same ? country : r.pick(FOREIGN);
  const plan = meta.countries[iso]!;
  const cc = plan[0];
  const trunk = plan[5] || '';
  const nsn = nationalDigits(r, iso);
  const home = meta.countries[country]![0] === cc;
  let text: string;
  const form = r.weighted([
    ['national', home ? 30 : 6],
    ['national-no-trunk', home ? 8 : 2],
    ['plus', 30],
    ['plus-zero', trunk === '0' ? 6 : 0],
    ['idd', 12],
    ['cc-no-plus', 8],
    ['cc-trunk-no-plus', 2],
  ]);
  switch (form) {
    case 'national':
      text = group(r, trunk + nsn, true);
      break;
    case 'national-no-trunk':
      text = group(r, nsn, true);
      break;
    case 'plus':
      text = `+${cc}${r.pick([' ', '', '-', ' '])}${group(r, nsn, r.chance(0.3))}`;
      break;
    case 'plus-zero':
      text = `+${cc} (0)${r.pick(['', ' '])}${group(r, nsn, false)}`;
      break;
    case 'idd':
      text = `${r.pick(IDD[country] ?? ['00'])}${r.pick([' ', '', '-'])}${cc} ${group(r, nsn, false)}`;
      break;
    case 'cc-trunk-no-plus':
      text = `${cc} ${trunk}${group(r, nsn, false)}`;
      break;
    default:
      text = `${cc}${r.pick(['', ' '])}${group(r, nsn, false)}`;
  }
  if (r.chance(0.12)) text = r.pick(EXTENSIONS).replace('{n}', String(r.int(1, r.pick([9, 99, 9999, 999999])))).replace(/^/, text);
  const decorate = r.next();
  if (decorate < 0.04) text = `${r.pick(['Tel: ', 'Cell ', 'M: ', 'tel:', 'Work - '])}${text}`;
  else if (decorate < 0.07) text = `${text} ${r.pick(['(cell)', '(w)', 'mobile', '(home)'])}`;
  else if (decorate < 0.10) text = `  ${text} `;
  else if (decorate < 0.12) text = `${text} / ${group(r, trunk + nationalDigits(r, iso), false)}`;
  else if (decorate < 0.13) text = text.replace(/\d/, (d) => `${d}${r.pick(['a', 'O', 'l'])}`);
  else if (decorate < 0.14) text = `${text}\t`;
  return { text, country };
}

export function phoneCorpus(seed: number, count: number): PhoneSample[] {
  const r = new Rng(seed);
  return Array.from({ length: count }, () => sample(r));
}
