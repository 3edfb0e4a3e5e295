/**
 * `npm run phone-metadata`: writes sql/lib/051_phone_metadata.sql from libphonenumber-js's own
 * metadata (metadata.min.json, the set its default `parsePhoneNumberFromString` uses), so that
 * lib.phone_e164 (sql/lib/050_phones.sql) reads numbers the way that library does. Run it after
 * upgrading libphonenumber-js; test/transform/phone-metadata.test.ts fails while the committed
 * file differs from what this script would write.
 *
 * The SQL holds data only: one JSON document per lookup, wrapped in immutable SQL functions that
 * the planner inlines, so the JSON is parsed once per session and each lookup is a binary search.
 *
 * @example
 *   npm run phone-metadata
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandFinite } from './finite.ts';
import { reversePattern } from './reverse.ts';
import { commonPrefixes, DigitMatcher, firstDigits } from './prefixes.ts';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const OUTPUT = path.resolve(here, '../../sql/lib/051_phone_metadata.sql');

/** One numbering plan as metadata.min.json stores it (positions per libphonenumber-js source/metadata.js). */
type Plan = [
  callingCode: string,
  idd: string | 0,
  nationalNumberPattern: string,
  possibleLengths: number[],
  formats: unknown,
  nationalPrefix?: string | 0,
  nationalPrefixFormattingRule?: unknown,
  nationalPrefixForParsing?: string | 0,
  nationalPrefixTransformRule?: string | 0,
  nationalPrefixOptional?: unknown,
  leadingDigits?: string | 0,
  types?: (([string, number[]?] | [string]) | 0)[] | 0,
];
interface MinMetadata {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, Plan>;
  nonGeographic: Record<string, Plan>;
}

// libphonenumber-js source/helpers/getNumberType.js: the type slots (FIXED_LINE, MOBILE,
// TOLL_FREE, PREMIUM_RATE, PERSONAL_NUMBER, VOICEMAIL, UAN, PAGER, VOIP, SHARED_COST).
const TYPE_SLOTS = 10;

/** Only the regular-expression syntax both JavaScript and PostgreSQL's AREs read alike. */
function portable(re: string, where: string): string {
  const stripped = re.replace(/\\d|\(\?:|[0-9()[\]{}|?,$^*+-]/g, '');
  if (stripped !== '') throw new Error(`${where}: unexpected regular expression syntax ${JSON.stringify(stripped)} in /${re}/`);
  return re;
}

const isLiteral = (s: string) => /^\d+$/.test(s);

/** Count of capturing groups, `(` not followed by `?`. */
const groups = (re: string) => (re.match(/\((?!\?)/g) ?? []).length;

/** Prefix lengths as one character each ('A' = 1), longest first or shortest first. */
const depths = (lengths: Iterable<number>, order: 'asc' | 'desc') =>
  [...new Set(lengths)].sort((a, b) => (order === 'asc' ? a - b : b - a)).map((n) => String.fromCharCode(64 + n)).join('');

/** Top-level alternatives of a pattern. */
function alternatives(re: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (c === '[') i = re.indexOf(']', i);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(re.slice(from, i));
      from = i + 1;
    }
  }
  out.push(re.slice(from));
  return out;
}

/**
 * source/helpers/extractNationalNumberFromPossiblyIncompleteNumber.js, run here on the strings
 * a finite prefix rule can match: what replaces each matched prefix.
 */
function stripPrefix(number: string, rule: string, transform: string | null): { match: string; nn: string } | null {
  const re = new RegExp(`^(?:${rule})`);
  const m = re.exec(number);
  if (!m) return null;
  const count = m.length - 1;
  const captured = count > 0 && m[count];
  const nn = transform && captured ? number.replace(re, transform) : number.slice(m[0].length);
  return { match: m[0], nn };
}

/**
 * A finite prefix rule as {matched text: replacement}, checked against JavaScript: the rule must
 * take the longest listed prefix of any number (the SQL tries longest first), whatever follows.
 */
function literalMap(where: string, rule: string, whole: string, transform: string | null, handledFirst?: DigitMatcher): Record<string, string> {
  const strings = expandFinite(rule).filter((x) => x !== '');
  const set = new Set(strings);
  const longest = (s: string) => {
    for (let n = s.length; n > 0; n--) if (set.has(s.slice(0, n))) return s.slice(0, n);
    return '';
  };
  const map: Record<string, string> = {};
  for (const lit of strings) {
    for (const tail of ['', '0', '1', '5', '9', '2345678', '0123456789']) {
      const s = lit + tail;
      // numbers the "(X)$" alternative rewrites whole never reach this map
      if (handledFirst?.matches(s)) continue;
      const r = stripPrefix(s, whole, transform);
      if ((r?.match ?? '') !== longest(s)) throw new Error(`${where}: /${whole}/ takes ${r?.match} of ${s}, not the longest listed prefix ${longest(s)}`);
      if (longest(s) === lit) {
        const replacement = r!.nn.slice(0, r!.nn.length - tail.length);
        if (map[lit] !== undefined && map[lit] !== replacement) throw new Error(`${where}: ${lit} replaced two ways`);
        map[lit] = replacement;
      }
    }
  }
  return map;
}

interface PlanRow {
  /** JSON array read by sql/lib/050_phones.sql; positions documented in the SQL header. */
  row: unknown[];
  /** Pattern id -> length -> prefixes (see lib.phone_prefix). */
  prefixes: Record<string, Map<number, string[]>>;
}

const MAX_DIGITS = 30;

function lengthsOf(matchers: DigitMatcher[], lengths: Iterable<number>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const n of lengths) {
    const ps = commonPrefixes(matchers, n);
    if (ps.length) out.set(n, ps);
  }
  return out;
}

/**
 * By length (array index): the prefix lengths to try, as depths() writes them; or, when every
 * prefix is one digit, '=' and those digits (tested without a lookup).
 */
function depthsByLength(byLength: Map<number, string[]>): (string | null)[] {
  return Array.from({ length: MAX_DIGITS + 1 }, (_, n) => {
    const list = byLength.get(n);
    if (!list) return null;
    if (list.every((x) => x.length === 1)) return `=${list.join('')}`;
    return depths(list.map((x) => x.length), 'asc');
  });
}

function planRow(key: string, p: Plan, shared: boolean): PlanRow {
  const [cc, idd, nnp, lengths] = p;
  const np = p[5] || null;
  const npfp = p[7] || null;
  const transform = p[8] || null;
  const lead = p[10] || null;
  const types = p[11] || null;
  const prefixes: PlanRow['prefixes'] = {};
  const all = Array.from({ length: MAX_DIGITS }, (_, k) => k + 1);

  // national number pattern, matched whole (helpers/matchesEntirely.js)
  const nnpMatcher = new DigitMatcher(portable(nnp, `${key} national number pattern`));
  prefixes[`N:${key}`] = lengthsOf([nnpMatcher], all);
  if (nnpMatcher.prefixes(MAX_DIGITS + 1).length) throw new Error(`${key}: national numbers longer than ${MAX_DIGITS} digits`);
  // isValid() of a plan with number types: the national pattern and one type of that length
  if (types) {
    const valid = new Map<number, string[]>();
    for (const n of all) {
      const parts: string[] = [];
      for (let slot = 0; slot < TYPE_SLOTS; slot++) {
        const t = types[slot];
        if (!t || !t[0]) continue; // absent, or '' (same as fixed line)
        if ((t[1] ?? lengths).includes(n)) parts.push(portable(t[0], `${key} type ${slot}`));
      }
      if (!parts.length) continue;
      const ps = commonPrefixes([nnpMatcher, new DigitMatcher(parts.join('|'))], n);
      if (ps.length) valid.set(n, ps);
    }
    prefixes[`V:${key}`] = valid;
  }
  if (lead) portable(lead, `${key} leading digits`);

  // international prefix (helpers/stripIddPrefix.js)
  let iddMap: Record<string, string> | null = null;
  if (idd) iddMap = literalMap(`${key} IDD prefix`, portable(idd, `${key} IDD prefix`), idd, null);

  // national prefix for parsing, or the national prefix (source/metadata.js)
  const parsing = npfp ?? np;
  if (transform && !/^(?:\d|\$\d)*$/.test(transform)) throw new Error(`${key}: unexpected transform rule ${transform}`);
  let npMap: Record<string, string> | null = null;
  let npRegex: string | null = null;
  let npFirst: string | null = null;
  let fullTemplate: string | null = null;
  if (parsing) {
    portable(parsing, `${key} national prefix for parsing`);
    const alts = alternatives(parsing);
    // "(X)$" alternatives come first: the whole number matching X is rewritten by the rule
    const full = alts.filter((a) => a.endsWith('$'));
    const rest = alts.filter((a) => !a.endsWith('$'));
    if (full.length && (alts.indexOf(full[full.length - 1]!) !== full.length - 1 || full.length > 1)) throw new Error(`${key}: unexpected national prefix rule ${parsing}`);
    let fullMatcher: DigitMatcher | undefined;
    if (full.length) {
      const m = /^\((.*)\)\$$/.exec(full[0]!);
      const t = /^(\d*)\$1$/.exec(transform ?? '');
      if (!m || !t) throw new Error(`${key}: unexpected national prefix rule ${parsing} -> ${transform}`);
      fullMatcher = new DigitMatcher(m[1]!);
      prefixes[`F:${key}`] = lengthsOf([fullMatcher], all);
      fullTemplate = t[1]!;
    }
    if (rest.length) {
      const restRule = rest.join('|');
      try {
        npMap = literalMap(`${key} national prefix`, restRule, parsing, transform, fullMatcher);
      } catch (e) {
        if (!/too many strings|unsupported/.test((e as Error).message)) throw e;
        npRegex = `^(?:${parsing})`;
        npFirst = firstDigits(restRule);
      }
    }
  }
  const mapDepths = (m: Record<string, string> | null) => (m ? depths(Object.keys(m).map((x) => x.length), 'desc') : null);
  return {
    row: [
      cc,
      iddMap,
      mapDepths(iddMap),
      npMap,
      mapDepths(npMap),
      npRegex,
      npRegex ? groups(parsing!) : 0,
      npRegex && transform ? transform.replace(/\$(\d)/g, '\\$1') : null,
      Math.min(...lengths),
      Math.max(...lengths),
      lengths.reduce((acc, n) => acc | (1 << n), 0),
      types ? 1 : 0,
      shared ? 1 : 0,
      npFirst,
      fullTemplate,
      // shortcuts for the common case: one international prefix; one national prefix simply cut
      iddMap && Object.keys(iddMap).length === 1 ? Object.keys(iddMap)[0] : null,
      npMap && Object.keys(npMap).length === 1 && Object.values(npMap)[0] === '' && fullTemplate === null ? Object.keys(npMap)[0] : null,
      null,
      null,
      // [18 + n]: N:<key> prefix lengths for national numbers of n digits; [48 + n]: V:<key>
      ...depthsByLength(prefixes[`N:${key}`]!).slice(1),
      ...(prefixes[`V:${key}`] ? depthsByLength(prefixes[`V:${key}`]!).slice(1) : []),
    ],
    prefixes,
  };
}

/**
 * lib.phone_calling_code rows: [main plan, 's'] one country, [code, 'n'] non-geographic (no
 * country), [main plan, 'm'] countries sharing the code (lib.phone_country picks one).
 */
function callingCodeRow(cc: string, members: string[] | undefined): unknown[] {
  if (!members) return [cc, 'n'];
  return [members[0], members.length === 1 ? 's' : 'm'];
}

/**
 * lib.phone_country as generated PL/pgSQL: getCountryByCallingCode
 * (source/helpers/getCountryByCallingCode.js) for the calling codes countries share. Members are
 * tried in order: one with "leading digits" by prefix, one without by its valid-number prefix
 * set. Runs of leading-digit countries become CASE lookups, shortest prefix first.
 */
function countryFunction(meta: MinMetadata, validDepths: Record<string, (string | null)[]>): string {
  const lines: string[] = [];
  for (const [cc, members] of Object.entries(meta.country_calling_codes)) {
    if (members.length < 2) continue;
    lines.push(`  when '${cc}' then`);
    let group: Map<string, string> | null = null;
    const flush = () => {
      if (!group) return;
      const byLength = new Map<number, [string, string][]>();
      for (const [prefix, iso] of group) byLength.set(prefix.length, [...(byLength.get(prefix.length) ?? []), [prefix, iso]]);
      for (const n of [...byLength.keys()].sort((a, b) => a - b)) {
        const whens = byLength.get(n)!.sort().map(([prefix, iso]) => `when '${prefix}' then '${iso}'`).join(' ');
        lines.push(`    c := case left(nn, ${n}) ${whens} end;`, `    if c is not null then return c; end if;`);
      }
      group = null;
    };
    for (const iso of members) {
      const plan = meta.countries[iso]!;
      const lead = plan[10] || null;
      if (lead && plan[11]) throw new Error(`${iso}: leading digits and number types both set; lib.phone_e164 assumes one or the other`);
      if (!lead) {
        if (!plan[11]) throw new Error(`${iso}: shares +${cc} but has neither leading digits nor number types`);
        flush();
        const byLength = validDepths[iso]!.map((ds, n) => (ds ? `when ${n} then '${ds}'` : '')).filter(Boolean).join(' ');
        lines.push(`    if lib.phone_in('V:${iso}', nn, case length(nn) ${byLength} end) then return '${iso}!'; end if;`);
        continue;
      }
      group ??= new Map();
      for (const prefix of expandFinite(portable(lead, `${iso} leading digits`))) {
        // "shortest prefix first" must pick what "first country first" picks
        for (const [other, owner] of group) {
          if (owner !== iso && (prefix.startsWith(other) || other.startsWith(prefix))) {
            throw new Error(`+${cc}: leading digits ${prefix} (${iso}) and ${other} (${owner}) overlap`);
          }
        }
        group.set(prefix, iso);
      }
    }
    flush();
    lines.push('    return null;');
  }
  return `-- The country of a national number among those sharing a calling code, or null
-- (helpers/getCountryByCallingCode.js, getCountryByNationalNumber.js). A country its number
-- types picked out comes with '!': the number has passed that country's isValid() test.
create or replace function lib.phone_country(code text, nn text) returns text
language plpgsql immutable parallel safe as $fn$
declare
  c text;
begin
  case code
${lines.join('\n')}
  else
    return null;
  end case;
end
$fn$;
`;
}

// libphonenumber-js source/constants.js and source/helpers/extension/createExtensionPattern.js,
// written as PostgreSQL AREs (\uXXXX escapes; the JavaScript versions use the same characters).
const u = (s: string) => [...s].map((ch) => (ch.charCodeAt(0) < 128 ? ch : `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)).join('');
const DIGIT_CHARS = '0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9';
const PUNCT_LIST = {
  dashes: '-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30FC\uFF0D',
  slashes: '\uFF0F/',
  dots: '\uFF0E.',
  whitespace: ' \u00A0\u00AD\u200B\u2060\u3000',
  brackets: '()\uFF08\uFF09\uFF3B\uFF3D[]',
  tildes: '~\u2053\u223C\uFF5E',
};

function extensionPattern(): string {
  const digits = (max: number) => `[${u(DIGIT_CHARS)}]{1,${max}}`;
  const sepLabel = '[ \\u00A0\\t,]*';
  const afterLabel = '[:.\\uFF0E]?[ \\u00A0\\t,-]*';
  const explicitLabels = '(?:e?xt(?:ensi(?:o\\u0301?|\\u00F3))?n?|\\uFF45?\\uFF58\\uFF54\\uFF4E?|\\u0434\\u043E\\u0431|anexo)';
  const ambiguousLabels = '(?:[x\\uFF58#\\uFF03~\\uFF5E]|int|\\uFF49\\uFF4E\\uFF54)';
  const sepNoComma = '[ \\u00A0\\t]*';
  return [
    `;ext=${digits(20)}`,
    `${sepLabel}${explicitLabels}${afterLabel}${digits(20)}#?`,
    `${sepLabel}${ambiguousLabels}${afterLabel}${digits(9)}#?`,
    `[- ]+${digits(6)}#`,
    `${sepNoComma}(?:,{2}|;)${afterLabel}${digits(15)}#?`,
    `${sepNoComma},+${afterLabel}${digits(9)}#?`,
  ].join('|');
}

/** Every character as a \\uXXXX escape, which a bracket expression reads as that character only. */
const escapeAll = (chars: string) => [...chars].map((ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`).join('');

export function patterns(): Record<string, string> {
  const d = u(DIGIT_CHARS);
  const punct = escapeAll(Object.values(PUNCT_LIST).join(''));
  const plain = escapeAll(Object.entries(PUNCT_LIST).filter(([k]) => k !== 'tildes').map(([, v]) => v).join(''));
  return {
    // source/parse.js extractFormattedPhoneNumber: from the first digit or plus sign to the
    // last digit or '#'
    span: `[+\\uFF0B${d}](?:.*[${d}#])?`,
    // two digits alone (isViablePhoneNumber.js MIN_LENGTH_PHONE_NUMBER_PATTERN)
    two_digits: `^[${d}]{2}$`,
    // a character other than a digit, plus sign or punctuation (other than tildes): only then
    // can there be an extension
    not_plain: `[^${d}${plain}+\\uFF0B]`,
    // what every extension label or separator below contains (matched against lower-cased
    // text): without one of these, the extension pattern cannot match
    extension_hint: '[x\\uFF58#\\uFF03~\\uFF5E;,]|int|\\uFF49\\uFF4E\\uFF54|\\u0434\\u043E\\u0431',
    // isViablePhoneNumber.js VALID_PHONE_NUMBER after its optional plus sign: punctuation and
    // at least three digits
    viable: `^[${punct}]*[${d}][${punct}]*[${d}][${punct}]*[${d}][${punct}${d}]*$`,
    // source/helpers/extension/extractExtension.js, reversed: its longest match at the start
    // of the reversed, lower-cased text is the library's leftmost match at the end (it matches
    // case-insensitively; every label here is lower case)
    extension_reversed: `^(?:${reversePattern(extensionPattern())})`,
  };
}

/** Characters the reader drops between digits, and the digit forms it maps to 0-9. */
export function characterSets(): Record<string, string> {
  const wide = (start: number) => Array.from({ length: 10 }, (_, k) => String.fromCharCode(start + k)).join('');
  return {
    punctuation: Object.values(PUNCT_LIST).join(''),
    other_digits: wide(0xff10) + wide(0x0660) + wide(0x06f0),
  };
}

/** ASCII text dollar-quoted as written; other text as a U& literal (the database is UTF-8). */
const sqlText = (s: string) => {
  if (/^[\x20-\x7e]*$/.test(s) && !s.includes('$q$')) return `$q$${s}$q$`;
  const escaped = [...s].map((ch) => {
    const c = ch.charCodeAt(0);
    if (c < 128 && ch !== '\\') return ch === "'" ? "''" : ch;
    return `\\${c.toString(16).toUpperCase().padStart(4, '0')}`;
  });
  return `U&'${escaped.join('')}'`;
};

function jsonFunction(name: string, comment: string, doc: unknown, returns: 'jsonb' | 'text' = 'jsonb'): string {
  const json = JSON.stringify(doc);
  if (json.includes('$json$')) throw new Error('dollar quote inside JSON');
  return `-- ${comment}
create or replace function lib.${name}(k text) returns ${returns}
language sql immutable parallel safe as $fn$
  select $json$${json}$json$::jsonb ${returns === 'jsonb' ? '->' : '->>'} k
$fn$;
`;
}

export function render(): string {
  const metaPath = require.resolve('libphonenumber-js/metadata.min.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as MinMetadata;
  const version = (JSON.parse(readFileSync(path.join(path.dirname(metaPath), 'package.json'), 'utf8')) as { version: string }).version;

  const plans: Record<string, unknown[]> = {};
  const prefixTable: Record<string, string> = {};
  const validDepths: Record<string, (string | null)[]> = {};
  for (const [key, p] of [...Object.entries(meta.countries), ...Object.entries(meta.nonGeographic)]) {
    const r = planRow(key, p, (meta.country_calling_codes[p[0]]?.length ?? 0) > 1);
    plans[key] = r.row;
    if (r.prefixes[`V:${key}`]) validDepths[key] = depthsByLength(r.prefixes[`V:${key}`]!);
    for (const [id, byLength] of Object.entries(r.prefixes)) {
      for (const [n, list] of byLength) {
        prefixTable[`${id}:${n}`] = depths(list.map((x) => x.length), 'asc');
        for (const prefix of list) prefixTable[`${id}:${n}:${prefix}`] = '';
      }
    }
  }
  const codes: Record<string, unknown[]> = {};
  const allCodes = new Set([...Object.keys(meta.country_calling_codes), ...Object.keys(meta.nonGeographic)]);
  for (const cc of [...allCodes].sort()) {
    const members = meta.country_calling_codes[cc];
    codes[cc] = callingCodeRow(cc, members && !(members.length === 1 && members[0]!.length === 3) ? members : undefined);
  }
  // By the first one to three digits after '+': the calling code they start with (calling codes
  // are prefix-free; helpers/extractCountryCallingCode.js tries one, two, then three digits).
  const byDigits: Record<string, unknown[]> = {};
  const strings = ['', ...Array.from({ length: 1110 }, (_, k) => String(k))].filter((x) => x.length <= 3);
  for (const digits of new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ...Array.from({ length: 100 }, (_, k) => String(k).padStart(2, '0')), ...Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, '0')), ...strings])) {
    for (let n = 1; n <= digits.length; n++) {
      const row = codes[digits.slice(0, n)];
      if (row) {
        byDigits[digits] = [digits.slice(0, n), ...row];
        break;
      }
    }
  }

  const fns = Object.entries(patterns()).map(
    ([name, re]) => `create or replace function lib.phone_re_${name}() returns text
language sql immutable parallel safe as $fn$ select ${sqlText(re)}::text $fn$;
`,
  );
  const sets = Object.entries(characterSets()).map(
    ([name, chars]) => `create or replace function lib.phone_chars_${name}() returns text
language sql immutable parallel safe as $fn$ select ${sqlText(chars)}::text $fn$;
`,
  );

  return `-- GENERATED FILE, do not edit. Written by tools/phone-metadata/generate.ts from
-- libphonenumber-js ${version} (metadata.min.json, metadata format ${meta.version}).
-- Regenerate after upgrading libphonenumber-js: npm run phone-metadata
--
-- lib.phone_plan(key): a numbering plan by ISO country code (or non-geographic calling code):
--   [0] calling code, [1] international (IDD) prefixes {prefix: ''}, [2] their lengths,
--   [3] national prefixes {prefix: what replaces it}, [4] their lengths, [5] else the
--   national-prefix-for-parsing pattern (anchored), [6] its capture group count, [7] its
--   transform rule (\\1 style), [8] shortest and [9] longest possible length, [10] possible
--   lengths as a bit mask, [11] 1 when the plan has number-type patterns, [12] 1 when other
--   countries share its calling code, [13] digits the pattern in [5] can start with,
--   [14] when the whole number matching prefix set F:<key> is rewritten, the digits put first,
--   [15] the international prefix when there is one only, [16] the national prefix when it is
--   one only and simply cut, [17] [18] unused, [18 + n] for n-digit numbers what
--   "N:<key>:<n>" gives in lib.phone_prefix, or '=' and the first digits when those decide;
--   [48 + n] the same for "V:<key>:<n>" (n = 1 to 30).
--   Lengths are one character each, 'A' = 1, longest first.
-- lib.phone_prefix(key): the libphonenumber patterns as prefix sets. "<set>:<length>" gives the
--   prefix lengths to try (shortest first); "<set>:<length>:<prefix>" exists when every number
--   of that length starting with that prefix matches. Sets: N:<key> national number pattern,
--   V:<key> valid number (national pattern and a number type), F:<key> see [14].
-- lib.phone_calling_code(code) -> [main plan, 's'] one country | [code, 'n'] non-geographic |
--   [main plan, 'm'] shared by several countries (lib.phone_country tells which).

${jsonFunction('phone_plan', 'Numbering plans.', plans)}
${jsonFunction('phone_prefix', 'Patterns as prefix sets.', prefixTable, 'text')}
${jsonFunction('phone_calling_code', 'Calling codes.', codes)}
${jsonFunction('phone_calling_code_of', 'Calling codes by the first three digits of a number (or all of a shorter one): [code, main plan, kind].', byDigits)}
${countryFunction(meta, validDepths)}
-- Patterns and character sets of libphonenumber-js's text reader (not part of its metadata).
${fns.join('')}${sets.join('')}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(OUTPUT, render());
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
}
