/**
 * A digits-only regular expression of libphonenumber's metadata (digits, `\d`, `[...]`,
 * `(?:...)`/`(...)` groups, `|`, `?`, `*`, `+`, `{n}`, `{n,m}`), matched against whole strings
 * of one length, as a set of prefixes: a string of that length matches exactly when one of its
 * prefixes is in the set. PostgreSQL then tests a number with a few key lookups instead of
 * compiling and running the pattern (its regex cache holds 32 patterns; compiling one of the
 * larger ones costs about a millisecond).
 *
 * @example
 * prefixSet('[2-9]\\d{9}|3\\d{6}', 10); // ['2', '3', ..., '9']
 * prefixSet('[2-9]\\d{9}|3\\d{6}', 7);  // ['3']
 */
type Node =
  | { t: 'set'; digits: number[] }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; branches: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number };

const ALL_DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export function parseDigitPattern(pattern: string): Node {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i} in /${pattern}/`);
  };
  function alt(): Node {
    const branches = [seq()];
    while (pattern[i] === '|') {
      i++;
      branches.push(seq());
    }
    return branches.length === 1 ? branches[0]! : { t: 'alt', branches };
  }
  function seq(): Node {
    const items: Node[] = [];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      let node = atom();
      for (;;) {
        const c = pattern[i];
        if (c === '?') node = { t: 'rep', node, min: 0, max: 1 };
        else if (c === '*') node = { t: 'rep', node, min: 0, max: Infinity };
        else if (c === '+') node = { t: 'rep', node, min: 1, max: Infinity };
        else if (c === '{') {
          const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(pattern.slice(i)) ?? fail('bad bound');
          const min = Number(m[1]);
          const max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
          node = { t: 'rep', node, min, max };
          i += m[0].length - 1;
        } else break;
        i++;
      }
      items.push(node);
    }
    return { t: 'seq', items };
  }
  function atom(): Node {
    const c = pattern[i];
    if (c === '(') {
      i += pattern.startsWith('(?:', i) ? 3 : 1;
      const inner = alt();
      if (pattern[i] !== ')') fail('unclosed group');
      i++;
      return inner;
    }
    if (c === '[') {
      i++;
      const set = new Set<number>();
      const negate = pattern[i] === '^';
      if (negate) i++;
      while (pattern[i] !== ']') {
        if (i >= pattern.length) fail('unclosed class');
        if (pattern.startsWith('\\d', i)) {
          ALL_DIGITS.forEach((d) => set.add(d));
          i += 2;
          continue;
        }
        const from = pattern.charCodeAt(i) - 48;
        if (pattern[i + 1] === '-' && pattern[i + 2] !== ']') {
          const to = pattern.charCodeAt(i + 2) - 48;
          for (let d = from; d <= to; d++) set.add(d);
          i += 3;
        } else {
          set.add(from);
          i++;
        }
      }
      i++;
      for (const d of set) if (!(d >= 0 && d <= 9)) fail('non-digit in class');
      return { t: 'set', digits: negate ? ALL_DIGITS.filter((d) => !set.has(d)) : [...set] };
    }
    if (c === '\\' && pattern[i + 1] === 'd') {
      i += 2;
      return { t: 'set', digits: ALL_DIGITS };
    }
    if (c !== undefined && c >= '0' && c <= '9') {
      i++;
      return { t: 'set', digits: [Number(c)] };
    }
    return fail(`unsupported ${JSON.stringify(c)}`);
  }
  const tree = alt();
  if (i !== pattern.length) fail('trailing text');
  return tree;
}

/** Thompson NFA: edges[state] = [digit or -1 for empty, target][]. */
class Nfa {
  edges: [number, number][][] = [];
  add(): number {
    this.edges.push([]);
    return this.edges.length - 1;
  }
  build(node: Node, from: number, to: number): void {
    switch (node.t) {
      case 'set':
        for (const d of node.digits) this.edges[from]!.push([d, to]);
        return;
      case 'seq': {
        let cur = from;
        node.items.forEach((item, k) => {
          const next = k === node.items.length - 1 ? to : this.add();
          this.build(item, cur, next);
          cur = next;
        });
        if (node.items.length === 0) this.edges[from]!.push([-1, to]);
        return;
      }
      case 'alt':
        for (const b of node.branches) this.build(b, from, to);
        return;
      case 'rep': {
        let cur = from;
        for (let k = 0; k < node.min; k++) {
          const next = this.add();
          this.build(node.node, cur, next);
          cur = next;
        }
        if (node.max === Infinity) {
          const loop = this.add();
          this.edges[cur]!.push([-1, loop]);
          this.build(node.node, loop, loop);
          this.edges[loop]!.push([-1, to]);
        } else {
          this.edges[cur]!.push([-1, to]);
          for (let k = node.min; k < node.max; k++) {
            const next = this.add();
            this.build(node.node, cur, next);
            this.edges[next]!.push([-1, to]);
            cur = next;
          }
        }
      }
    }
  }
}

/** Whole-string matching of `pattern` as a deterministic automaton over digits, built lazily. */
export class DigitMatcher {
  private nfa = new Nfa();
  private accept: number;
  private ids = new Map<string, number>();
  private sets: number[][] = [];
  private next: (number | undefined)[][] = [];
  private status = new Map<string, 'all' | 'none' | 'some'>();
  readonly start: number;

  constructor(pattern: string) {
    const s = this.nfa.add();
    this.accept = this.nfa.add();
    this.nfa.build(parseDigitPattern(pattern), s, this.accept);
    this.start = this.intern([s]);
  }

  private intern(states: number[]): number {
    const closure = new Set(states);
    const stack = [...states];
    while (stack.length) {
      for (const [d, t] of this.nfa.edges[stack.pop()!]!) {
        if (d === -1 && !closure.has(t)) {
          closure.add(t);
          stack.push(t);
        }
      }
    }
    const sorted = [...closure].sort((a, b) => a - b);
    const key = sorted.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.ids.set(key, id);
      this.sets.push(sorted);
      this.next.push([]);
    }
    return id;
  }

  /** The state after one digit; -1 when nothing can match any more. */
  step(state: number, digit: number): number {
    if (state < 0) return -1;
    const known = this.next[state]![digit];
    if (known !== undefined) return known;
    const targets: number[] = [];
    for (const s of this.sets[state]!) for (const [d, t] of this.nfa.edges[s]!) if (d === digit) targets.push(t);
    const id = targets.length ? this.intern(targets) : -1;
    this.next[state]![digit] = id;
    return id;
  }

  accepts(state: number): boolean {
    return state >= 0 && this.sets[state]!.includes(this.accept);
  }

  matches(s: string): boolean {
    let st = this.start;
    for (const ch of s) st = this.step(st, ch.charCodeAt(0) - 48);
    return this.accepts(st);
  }

  /** Whether every, no, or some strings of `remaining` more digits lead to a match. */
  completions(state: number, remaining: number): 'all' | 'none' | 'some' {
    if (state < 0) return 'none';
    if (remaining === 0) return this.accepts(state) ? 'all' : 'none';
    const key = `${state}:${remaining}`;
    const known = this.status.get(key);
    if (known) return known;
    let all = true;
    let none = true;
    for (let d = 0; d <= 9; d++) {
      const c = this.completions(this.step(state, d), remaining - 1);
      if (c !== 'all') all = false;
      if (c !== 'none') none = false;
    }
    const r = all ? 'all' : none ? 'none' : 'some';
    this.status.set(key, r);
    return r;
  }

  /** The shortest prefixes after which every string of `length` digits matches. */
  prefixes(length: number): string[] {
    const out: string[] = [];
    const walk = (prefix: string, state: number) => {
      const c = this.completions(state, length - prefix.length);
      if (c === 'all') out.push(prefix);
      else if (c === 'some') for (let d = 0; d <= 9; d++) walk(prefix + d, this.step(state, d));
    };
    walk('', this.start);
    return out;
  }
}

export function prefixSet(pattern: string, length: number): string[] {
  return new DigitMatcher(pattern).prefixes(length);
}

/** The shortest prefixes after which every string of `length` digits matches all of `matchers`. */
export function commonPrefixes(matchers: DigitMatcher[], length: number): string[] {
  const out: string[] = [];
  const memo = new Map<string, 'all' | 'none' | 'some'>();
  const status = (states: number[], remaining: number): 'all' | 'none' | 'some' => {
    const each = states.map((s, k) => matchers[k]!.completions(s, remaining));
    if (each.includes('none')) return 'none';
    if (each.every((c) => c === 'all')) return 'all';
    if (remaining === 0) return 'none';
    const key = `${states.join(',')}:${remaining}`;
    const known = memo.get(key);
    if (known) return known;
    let all = true;
    let none = true;
    for (let d = 0; d <= 9; d++) {
      const c = status(states.map((s, k) => matchers[k]!.step(s, d)), remaining - 1);
      if (c !== 'all') all = false;
      if (c !== 'none') none = false;
    }
    const r = all ? 'all' : none ? 'none' : 'some';
    memo.set(key, r);
    return r;
  };
  const walk = (prefix: string, states: number[]) => {
    const c = status(states, length - prefix.length);
    if (c === 'all') out.push(prefix);
    else if (c === 'some') for (let d = 0; d <= 9; d++) walk(prefix + d, states.map((s, k) => matchers[k]!.step(s, d)));
  };
  walk('', matchers.map((m) => m.start));
  return out;
}

/** Digits a match can start with, or null when the pattern also matches the empty string. */
export function firstDigits(pattern: string): string | null {
  const m = new DigitMatcher(pattern);
  if (m.accepts(m.start)) return null;
  return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => m.step(m.start, d) >= 0).join('');
}
