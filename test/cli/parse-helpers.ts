/**
 * The command line's parser in this process: `main()` with CRM_MIGRATE_PARSE_ONLY, which prints
 * how a line was understood and runs nothing (no database, no run row). Hundreds of lines cost
 * milliseconds here where a child process each would cost seconds; the tests that need the real
 * entry point use runCli.
 */
import { main } from '../../engine/cli/main.ts';
import { registry } from '../../pipelines/registry.ts';

export interface Parsed {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The parsed command (exit 0) or the usage error's JSON object (with --json). */
  json?: any;
}

export async function parseOnly(args: string[]): Promise<Parsed> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  process.env.CRM_MIGRATE_PARSE_ONLY = '1';
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write;
  let exitCode: number;
  try {
    exitCode = await main(args, registry);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    delete process.env.CRM_MIGRATE_PARSE_ONLY;
  }
  const stdout = out.join('');
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    json = undefined;
  }
  return { exitCode, stdout, stderr: err.join(''), json };
}

/** A valid value for each flag that takes one (the flag's own checks are tested elsewhere). */
export const SAMPLE_VALUES: Record<string, string> = {
  input: '/tmp',
  encoding: 'utf8',
  delimiter: ';',
  'date-order': 'dmy',
  timezone: 'UTC',
  'phone-country': 'ZA',
  'decimal-separator': ',',
  currency: 'ZAR',
  select: 'stg_leadtrekker.leads',
  out: '/tmp/out',
  'fallback-owner': 'owner@example.com',
  workers: '2',
  size: '5',
  run: '1',
  by: 'A Person',
  port: '0',
  host: '127.0.0.1',
  'log-format': 'json',
  'convert-status': 'Won',
};

/** The flags a `--help` text lists (`  --name ...` at the start of a line). */
export function flagsInHelp(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((f) => f !== 'help' && f !== 'version');
}
