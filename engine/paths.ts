import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (where package.json is). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sqlDir = path.join(projectRoot, 'sql');
export const stagingSchemaDir = path.join(projectRoot, 'staging-schema');

/**
 * Where a pipeline's documents go (reports, checklists, discovery, hand-off: customer data): the
 * --out folder when given, else out/<pipeline> under `root`; `part` inside it. Folders made here
 * are readable by their owner only (mode 700). The default out/ and out/<pipeline>, which older
 * versions made readable by every local user, are set to 700 too; a folder named by --out that
 * already exists keeps its mode (it may be anything, even the current folder).
 */
export function documentsDir(o: { out?: string; pipeline: string; part?: string; root?: string }): string {
  const base = path.resolve(o.out ?? path.join(o.root ?? '.', 'out', o.pipeline));
  const dir = o.part ? path.resolve(base, o.part) : base;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!o.out) for (const d of [path.dirname(base), base]) if (existsSync(d)) chmodSync(d, 0o700);
  if (o.part && dir !== base) chmodSync(dir, 0o700);
  return dir;
}
