/**
 * A pipeline's workspace: the folder where a run's documents go (reports, verify diffs, hand-off,
 * discovery) and where the mapping a person confirms for THIS customer's export lives
 * (custom-fields.csv). `out/<pipeline>` under the project, or `--out DIR`.
 *
 * It holds customer data, so it is created readable by its owner only (mode 700).
 */
import { mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths.ts';

export function workspaceDir(pipeline: string, out?: string): string {
  return path.resolve(out ?? path.join(projectRoot, 'out', pipeline));
}

/** `<workspace>/<part>` (or the workspace itself), created with mode 700. */
export function ensureWorkspaceDir(pipeline: string, out: string | undefined, part?: string): string {
  const root = workspaceDir(pipeline, out);
  const dir = part ? path.join(root, part) : root;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a folder that already existed (an older version made it 755),
  // out/ itself included.
  for (const d of new Set([...(out === undefined ? [path.dirname(root)] : []), root, dir])) chmodSync(d, 0o700);
  return dir;
}
