/**
 * A regular expression that matches the reversed strings of another (PostgreSQL ARE subset:
 * characters, \uXXXX and \t escapes, bracket classes, (?:...) groups, |, and ? * + {n,m}).
 * "The leftmost match that ends at the end of the text" is then "the longest match at the start
 * of the reversed text", which PostgreSQL finds in one pass instead of trying every start.
 *
 * @example
 * reversePattern('(?:ab|c)d?'); // 'd?(?:ba|c)'
 */
type Item = { atom: string | Item[][]; quant: string };

export function reversePattern(re: string): string {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i} in /${re}/`);
  };
  function alternation(): Item[][] {
    const branches = [sequence()];
    while (re[i] === '|') {
      i++;
      branches.push(sequence());
    }
    return branches;
  }
  function sequence(): Item[] {
    const items: Item[] = [];
    while (i < re.length && re[i] !== '|' && re[i] !== ')') {
      let atom: string | Item[][] = '';
      if (re.startsWith('(?:', i)) {
        i += 3;
        atom = alternation();
        if (re[i] !== ')') fail('unclosed group');
        i++;
      } else if (re[i] === '(') {
        fail('capturing group');
      } else if (re[i] === '[') {
        const end = re.indexOf(']', i + 2);
        if (end < 0) fail('unclosed class');
        atom = re.slice(i, end + 1);
        i = end + 1;
      } else if (re[i] === '\\') {
        const m = /^\\(?:u[0-9A-Fa-f]{4}|t)/.exec(re.slice(i)) ?? fail('unsupported escape');
        atom = m[0];
        i += m[0].length;
      } else if ('^$'.includes(re[i]!)) {
        fail('anchor');
      } else {
        atom = re[i]!;
        i++;
      }
      const q = /^(?:[?*+]|\{\d+(?:,\d*)?\})/.exec(re.slice(i));
      const quant = q ? q[0] : '';
      i += quant.length;
      items.push({ atom, quant });
    }
    return items;
  }
  const write = (alt: Item[][]): string =>
    alt.map((seq) => [...seq].reverse().map((it) => (typeof it.atom === 'string' ? it.atom : `(?:${write(it.atom)})`) + it.quant).join('')).join('|');
  const tree = alternation();
  if (i !== re.length) fail('unbalanced )');
  return write(tree);
}
