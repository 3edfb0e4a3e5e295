/**
 * The benchmark's figures: each a value beside its target, judged in the same run (ratios,
 * never absolute times checked by a test), printed as one table and written as JSON.
 */

export interface Figure {
  stage: string;
  label: string;
  value: number | null;
  unit: string;
  /** e.g. ">= 0.7"; empty when the figure is context for a ratio. */
  target?: string;
  /** true/false when judged; null when the target does not apply to this run's sizes. */
  met?: boolean | null;
  detail?: string;
}

export type Op = '>=' | '<=';

/** A figure judged against `op limit`; a null value is never met. */
export function judged(f: Omit<Figure, 'target' | 'met'>, op: Op, limit: number, applies = true): Figure {
  const met = !applies ? null : f.value === null ? false : op === '>=' ? f.value >= limit : f.value <= limit;
  return { ...f, target: `${op} ${limit}${f.unit && f.unit !== 'x' ? ` ${f.unit}` : f.unit === 'x' ? 'x' : ''}`, met };
}

export function fmt(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const digits = Math.abs(v) >= 1000 ? 0 : Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  const n = v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return unit === 'x' ? `${n}x` : unit ? `${n} ${unit}` : n;
}

/** One plain-text table: stage, figure, value, target, met. */
export function renderTable(figures: Figure[]): string {
  const rows = figures.map((f) => [f.stage, f.label, fmt(f.value, f.unit), f.target ?? '', f.met === undefined ? '' : f.met === null ? 'n/a' : f.met ? 'yes' : 'NO', f.detail ?? '']);
  const head = ['stage', 'figure', 'value', 'target', 'met', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table as Markdown (for the README). */
export function renderMarkdown(figures: Figure[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = ['| stage | figure | value | target | met | detail |', '|---|---|---:|---|---|---|'];
  for (const f of figures)
    out.push(`| ${esc(f.stage)} | ${esc(f.label)} | ${fmt(f.value, f.unit)} | ${esc(f.target ?? '')} | ${f.met === undefined ? '' : f.met === null ? 'n/a' : f.met ? 'yes' : '**no**'} | ${esc(f.detail ?? '')} |`);
  return out.join('\n');
}
