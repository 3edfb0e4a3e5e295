/** Run the real CLI (`npx crm-migrate ...`: bin/crm-migrate.mjs) as a child process against a test database. */
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { projectRoot } from '../../engine/paths.ts';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  json?: any;
  /** Peak resident memory of the CLI process (VmHWM), with runCliMeasured. */
  peakRssMb?: number;
  ms?: number;
}

function lastJson(args: string[], stdout: string): any {
  if (!args.includes('--json')) return undefined;
  const last = stdout.trim().split('\n').pop();
  try {
    return last ? JSON.parse(last) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CLI in one node process (no tsx launcher in between), which writes its own peak resident
 * memory (VmHWM: this process alone, unlike getrusage) to a file as it exits.
 */
export async function runCliMeasured(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 600_000): Promise<CliResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-cli-rss-'));
  const hook = path.join(dir, 'peak-rss.mjs');
  const out = path.join(dir, 'peak-kb');
  writeFileSync(
    hook,
    `import { readFileSync, writeFileSync } from 'node:fs';\n` +
      `process.on('exit', () => { const m = /^VmHWM:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8')); writeFileSync(${JSON.stringify(out)}, m ? m[1] : '0'); });\n`,
  );
  const t0 = Date.now();
  try {
    const r = await execa(process.execPath, ['--import', 'tsx', '--import', hook, path.join(projectRoot, 'pipelines', 'run.ts'), ...args], {
      cwd: projectRoot,
      reject: false,
      env: { ...env },
      extendEnv: true,
      timeout: timeoutMs,
    });
    let kb = 0;
    try {
      kb = Number(readFileSync(out, 'utf8'));
    } catch {
      kb = 0;
    }
    return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr, json: lastJson(args, r.stdout), peakRssMb: kb / 1024, ms: Date.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What package.json's bin runs: the bundle, rebuilt when a source changed (built once in global-setup). */
export const BIN = path.join(projectRoot, 'bin', 'crm-migrate.mjs');

export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: projectRoot,
    reject: false,
    env: { ...env },
    extendEnv: true,
    timeout: 600_000,
  });
  return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr, json: lastJson(args, r.stdout) };
}
