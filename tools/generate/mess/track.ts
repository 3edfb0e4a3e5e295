/**
 * Where the high-mess generators decide which mess goes where, and count it for manifest.json.
 *
 * Every decision is a seeded draw, so mess lands on random rows, different for every seed. A
 * class drawn at a low rate could still miss a small file altogether, so each class also gets
 * a deadline: a random row, drawn once, within the first third of the rows the file is expected to have.
 * If the class has not come up by then, the next chance takes it. Small exports therefore still
 * carry every class at least once, and large ones carry it at its rate.
 */
import type { Rng } from '../common.ts';

export class MessTracker {
  /** Rows written so far (the writer advances it); deadlines are rows. */
  row = 0;
  readonly counts = new Map<string, number>();
  private readonly deadlines = new Map<string, number>();
  private readonly horizon: number;

  constructor(
    private readonly rng: Rng,
    expectedRows: number,
  ) {
    this.horizon = Math.max(0, Math.floor(expectedRows * 0.35));
  }

  private deadline(cls: string): number {
    let d = this.deadlines.get(cls);
    if (d === undefined) {
      d = this.rng.int(0, this.horizon);
      this.deadlines.set(cls, d);
    }
    return d;
  }

  private overdue(cls: string): boolean {
    return !this.counts.has(cls) && this.row >= this.deadline(cls);
  }

  /** True at rate p, and at least once by the class's deadline (never at p = 0). Counted when true. */
  hit(cls: string, p: number): boolean {
    if (p <= 0) return false;
    const yes = this.overdue(cls) || this.rng.chance(p);
    if (yes) this.note(cls);
    return yes;
  }

  /**
   * One variant of a kind of value, by weight; a variant whose deadline has passed without it
   * goes first (a variant of weight 0 never comes up). The variant named `clean` is the unmessed
   * value: not counted, never forced. Counted as `<kind>.<variant>`.
   */
  pick<V extends string>(kind: string, variants: readonly (readonly [V, number])[], clean?: V): V {
    for (const [v, w] of variants) if (v !== clean && w > 0 && this.overdue(`${kind}.${v}`)) return this.noted(kind, v);
    let total = 0;
    for (const [, w] of variants) total += w;
    let r = this.rng.next() * total;
    for (const [v, w] of variants) if ((r -= w) < 0) return v === clean ? v : this.noted(kind, v);
    const v = variants[variants.length - 1]![0];
    return v === clean ? v : this.noted(kind, v);
  }

  private noted<V extends string>(kind: string, v: V): V {
    this.note(`${kind}.${v}`);
    return v;
  }

  note(cls: string, n = 1): void {
    this.counts.set(cls, (this.counts.get(cls) ?? 0) + n);
  }

  /** Counts as a plain object, classes sorted. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
