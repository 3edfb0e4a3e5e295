/**
 * Paths inside an export folder, with symbolic links followed: an export is data from outside,
 * and a link in it (a CSV, the files/ folder, one attachment) may point anywhere on this
 * machine. What resolves outside the export's own real folder is never read.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

/** `child` (a real path) is `root` (a real path) or inside it. */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

export type Resolved = { ok: true; real: string } | { ok: false; why: 'missing' | 'outside' };

/**
 * The real path of `p` (links followed) when it exists and lies inside the real `root`.
 * @example
 * const r = resolveInside('/data/export', '/data/export/leads.csv');
 * if (!r.ok) throw new Error(r.why);
 */
export function resolveInside(root: string, p: string): Resolved {
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(p);
  } catch {
    return { ok: false, why: 'missing' };
  }
  return isInside(realRoot, real) ? { ok: true, real } : { ok: false, why: 'outside' };
}
