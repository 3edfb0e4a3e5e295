/** Run the real CLI (`npx crm-migrate ...`: bin/crm-migrate.mjs) as a child process against a test database. */
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../engine/paths.ts';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  json?: any;
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
  let json: any;
  if (args.includes('--json')) {
    const last = r.stdout.trim().split('\n').pop();
    try {
      json = last ? JSON.parse(last) : undefined;
    } catch {
      json = undefined;
    }
  }
  return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr, json };
}
