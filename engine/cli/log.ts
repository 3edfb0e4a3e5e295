/**
 * The command line's log: pino, one line per message on stderr, with a level and a timestamp;
 * `--log-format json` keeps pino's JSON lines, `text` (the default) turns each into
 * `2026-05-04T09:12:03.120Z INFO  message`. stdout stays for the `--json` summary.
 *
 * Every line passes through redactSecrets on its way out, whatever wrote it.
 */
import pino from 'pino';
import { redactSecrets } from '../secrets.ts';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface CliLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The same log with these fields on every line (JSON) from now on. */
  child(fields: Record<string, unknown>): CliLogger;
}

export interface LoggerOptions {
  format: LogFormat;
  /** Called before each line is written (a progress bar clears its line). */
  beforeWrite?: () => void;
  /** Lowest level written; CRM_MIGRATE_DEBUG=1 lowers it to debug. */
  level?: LogLevel;
}

/** `{"level":"info","time":"…","msg":"…"}` -> `… INFO  …` (continuation lines as they are). */
export function textLine(json: string): string {
  let o: { level?: string; time?: string; msg?: string; [k: string]: unknown };
  try {
    o = JSON.parse(json);
  } catch {
    return json;
  }
  return `${o.time ?? ''} ${String(o.level ?? '').toUpperCase().padEnd(5)} ${o.msg ?? ''}\n`;
}

export function createLogger(opts: LoggerOptions): CliLogger {
  // Looked up at each write, not bound once: the in-process test harness swaps
  // process.stderr.write while a command runs.
  const destination = {
    write(line: string) {
      opts.beforeWrite?.();
      process.stderr.write(redactSecrets(opts.format === 'json' ? line : textLine(line)));
    },
  };
  const root = pino(
    {
      level: opts.level ?? (process.env.CRM_MIGRATE_DEBUG ? 'debug' : 'info'),
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const wrap = (l: pino.Logger): CliLogger => {
    // Messages are redacted before pino escapes them into JSON, where a secret with a quote or
    // a backslash in it would no longer match its raw value.
    const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => (fields ? l[level](fields, redactSecrets(msg)) : l[level](redactSecrets(msg)));
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (f) => wrap(l.child(f)) };
  };
  return wrap(root);
}
