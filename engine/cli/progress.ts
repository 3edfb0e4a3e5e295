/**
 * How far a step is, for the person waiting. Steps report `Progress` (engine/steps/context.ts);
 * this draws it:
 *  - on a terminal (text logs, no --json), a cli-progress bar per item with a percentage, the
 *    rate and an ETA measured from this item's own start;
 *  - otherwise (piped, --json, JSON logs), a log line every CRM_MIGRATE_PROGRESS_SECONDS
 *    (default 10) for as long as a step runs, with the latest figures, or how long the step
 *    has run when it has reported none, so a long step is never silent.
 */
import cliProgress from 'cli-progress';
import type { Progress } from '../steps/context.ts';
import type { CliLogger } from './log.ts';

export interface ProgressReporter {
  /** A step starts (ends the previous step's bar). */
  step(name: string): void;
  update(p: Progress): void;
  /** Clear the bar's line so a log line can be written; the bar redraws on its next frame. */
  clearLine(): void;
  stop(): void;
}

export interface ProgressOptions {
  bar: boolean;
  log: Pick<CliLogger, 'info'>;
  /** Seconds between progress lines when there is no bar. */
  intervalSeconds?: number;
}

export function progressIntervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.CRM_MIGRATE_PROGRESS_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : 10;
}

/** 45s, 3m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const amount = (n: number, unit: string) => (unit === 'bytes' ? `${(n / 1e6).toFixed(1)}` : Math.round(n).toLocaleString('en-US'));
const unitName = (unit: string) => (unit === 'bytes' ? 'MB' : unit);

/** Rate and ETA of one item, measured from its first report. */
class Meter {
  private t0 = Date.now();
  private done0: number | undefined;
  rate(done: number): number | undefined {
    this.done0 ??= done;
    const secs = (Date.now() - this.t0) / 1000;
    // Under half a second of history, a rate is noise.
    return secs >= 0.5 && done > this.done0 ? (done - this.done0) / secs : undefined;
  }
}

export function etaSeconds(p: Progress, rate: number | undefined): number | undefined {
  if (p.total === undefined || rate === undefined || rate <= 0) return undefined;
  return Math.max(0, (p.total - p.done) / rate);
}

/** `file 3 of 12 (leads.csv): 94.5 of 210.0 MB (45%), 400,000 rows, 12.3 MB/s, ETA 12s` */
export function describeProgress(p: Progress, rate: number | undefined): string {
  const item = p.item ? `${p.item.kind} ${p.item.n} of ${p.item.of} (${p.label})` : p.label;
  const parts = [p.total !== undefined ? `${amount(p.done, p.unit)} of ${amount(p.total, p.unit)} ${unitName(p.unit)}${p.total > 0 ? ` (${Math.floor((100 * p.done) / p.total)}%)` : ''}` : `${amount(p.done, p.unit)} ${unitName(p.unit)}`];
  if (p.note) parts.push(p.note);
  if (rate !== undefined) parts.push(`${p.unit === 'bytes' ? (rate / 1e6).toFixed(1) : Math.round(rate).toLocaleString('en-US')} ${unitName(p.unit)}/s`);
  const eta = etaSeconds(p, rate);
  parts.push(`ETA ${eta === undefined ? '--' : formatDuration(eta)}`);
  return `${item}: ${parts.join(', ')}`;
}

export function createProgress(opts: ProgressOptions): ProgressReporter {
  let stepName = '';
  let stepStart = Date.now();
  let latest: Progress | undefined;
  let meter = new Meter();
  let meterKey = '';
  let lastRate: number | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let barKey = '';

  /**
   * What one bar and one rate cover: a list of items measured against one total (the files of
   * an export, in bytes) shares them; otherwise each label (an object's rows) has its own, as
   * rows of one table say nothing about the next.
   */
  const keyOf = (p: Progress) => (p.item ? `${p.item.kind}|${p.total}` : `${p.label}|${p.total === undefined}`);
  const meterFor = (p: Progress) => {
    const key = keyOf(p);
    if (key !== meterKey) {
      meterKey = key;
      meter = new Meter();
    }
    return meter;
  };

  const stopBar = () => {
    bar?.stop();
    bar = undefined;
    barKey = '';
  };

  const draw = (p: Progress, rate: number | undefined) => {
    const head = p.item ? `${stepName} ${p.item.kind} ${p.item.n}/${p.item.of} ${p.label}` : `${stepName} ${p.label}`;
    const eta = etaSeconds(p, rate);
    const figures = [
      p.total !== undefined ? `${amount(p.done, p.unit)}/${amount(p.total, p.unit)} ${unitName(p.unit)}` : `${amount(p.done, p.unit)} ${unitName(p.unit)}`,
      p.note ?? '',
      rate !== undefined ? `${p.unit === 'bytes' ? (rate / 1e6).toFixed(1) : Math.round(rate).toLocaleString('en-US')} ${unitName(p.unit)}/s` : '',
      `ETA ${eta === undefined ? '--' : formatDuration(eta)}`,
    ]
      .filter(Boolean)
      .join('  ');
    const total = Math.max(1, p.total ?? 1);
    const value = p.total === undefined ? 0 : Math.min(p.done, p.total);
    const key = keyOf(p);
    if (key === barKey && bar) {
      bar.setTotal(total);
      bar.update(value, { head, figures });
      return;
    }
    stopBar();
    barKey = key;
    bar = new cliProgress.SingleBar(
      {
        format: p.total === undefined ? '  {head} {figures}' : '  {head} |{bar}| {percentage}% {figures}',
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
        // Redraw every frame: a log line written between frames clears the bar's line.
        forceRedraw: true,
        fps: 5,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, value, { head, figures });
  };

  const interval = (opts.intervalSeconds ?? progressIntervalSeconds()) * 1000;
  const timer = opts.bar
    ? undefined
    : setInterval(() => {
        if (!stepName) return;
        const running = formatDuration((Date.now() - stepStart) / 1000);
        if (!latest) {
          opts.log.info(`${stepName}: running for ${running}`, { progress: { step: stepName, elapsed_s: Math.round((Date.now() - stepStart) / 1000) } });
          return;
        }
        const eta = etaSeconds(latest, lastRate);
        opts.log.info(`${stepName}: ${describeProgress(latest, lastRate)} (running for ${running})`, {
          progress: { step: stepName, label: latest.label, done: latest.done, total: latest.total ?? null, unit: latest.unit, item: latest.item ?? null, eta_s: eta === undefined ? null : Math.round(eta) },
        });
      }, interval);
  timer?.unref();

  return {
    step(name) {
      stopBar();
      stepName = name;
      stepStart = Date.now();
      latest = undefined;
      meterKey = '';
    },
    update(p) {
      latest = p;
      lastRate = meterFor(p).rate(p.done);
      if (opts.bar) draw(p, lastRate);
    },
    clearLine() {
      if (bar) process.stderr.write('\r\x1b[2K');
    },
    stop() {
      stopBar();
      if (timer) clearInterval(timer);
      stepName = '';
    },
  };
}
