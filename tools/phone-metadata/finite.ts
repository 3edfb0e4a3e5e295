/**
 * The strings of a finite regular expression in libphonenumber's metadata dialect (digits, `\d`,
 * `[...]` classes, `(...)`/`(?:...)` groups, `|`, `?` and `{n}`/`{n,m}`), so that "leading
 * digits" rules can become literal prefix lookups instead of one regular expression per country.
 *
 * @example
 * expandFinite('8001|8[024]9'); // ['8001', '809', '829', '849']
 */
const DIGITS = '0123456789';
const LIMIT = 5000;

export function expandFinite(pattern: string): string[] {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i} in /${pattern}/`);
  };
  const cap = (xs: string[]) => (xs.length > LIMIT ? fail('too many strings') : xs);

  function alternation(): string[] {
    const out = new Set(sequence());
    while (pattern[i] === '|') {
      i++;
      for (const s of sequence()) out.add(s);
    }
    return cap([...out]);
  }
  function sequence(): string[] {
    let acc = [''];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      const atomStrings = atom();
      let min = 1;
      let max = 1;
      if (pattern[i] === '?') {
        min = 0;
        i++;
      } else if (pattern[i] === '{') {
        const m = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(i)) ?? fail('bad bound');
        min = Number(m[1]);
        max = m[2] === undefined ? min : Number(m[2]);
        i += m[0].length;
      } else if (pattern[i] === '*' || pattern[i] === '+') {
        fail('unbounded repetition');
      }
      const repeated = new Set<string>();
      let power = [''];
      for (let n = 0; n <= max; n++) {
        if (n >= min) for (const p of power) repeated.add(p);
        if (n < max) power = cap(power.flatMap((p) => atomStrings.map((a) => p + a)));
      }
      acc = cap(acc.flatMap((a) => [...repeated].map((r) => a + r)));
    }
    return acc;
  }
  function atom(): string[] {
    const c = pattern[i];
    if (c === '(') {
      i += pattern.startsWith('(?:', i) ? 3 : 1;
      const inner = alternation();
      if (pattern[i] !== ')') fail('unclosed group');
      i++;
      return inner;
    }
    if (c === '[') return [...charClass()];
    if (c === '\\' && pattern[i + 1] === 'd') {
      i += 2;
      return DIGITS.split('');
    }
    if (c !== undefined && DIGITS.includes(c)) {
      i++;
      return [c];
    }
    return fail(`unsupported ${JSON.stringify(c)}`);
  }
  function charClass(): Set<string> {
    i++;
    const set = new Set<string>();
    while (pattern[i] !== ']') {
      if (i >= pattern.length) fail('unclosed class');
      if (pattern.startsWith('\\d', i)) {
        for (const d of DIGITS) set.add(d);
        i += 2;
        continue;
      }
      const from = pattern[i]!;
      if (pattern[i + 1] === '-' && pattern[i + 2] !== ']') {
        const to = pattern[i + 2]!;
        for (let d = from.charCodeAt(0); d <= to.charCodeAt(0); d++) set.add(String.fromCharCode(d));
        i += 3;
      } else {
        set.add(from);
        i++;
      }
    }
    i++;
    for (const d of set) if (!DIGITS.includes(d)) fail(`non-digit ${d} in class`);
    return set;
  }

  const result = alternation();
  if (i !== pattern.length) fail('trailing text');
  return result.sort();
}
