/**
 * Whose export is this folder? Before anything lands, extract reads the header of every CSV in
 * the export folder and measures how much of it each known source's layout explains: the share
 * of headers that are columns the source declares for that file name. The pipeline's own source
 * must explain the folder at least about as well as any other: another source's files given to
 * a pipeline (whose `leads.csv` can pass the pipeline's required columns when a header is one of
 * its aliases) would otherwise land, their other columns as "custom fields".
 *
 * Nothing here reads more than a header, and a file that cannot be read (binary, a link outside
 * the export, an unterminated header) is left out of the comparison: the landing checks report it.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FileSpec, SourceConnector } from '../source.ts';
import { mapHeaders, requiredProblem } from './headers.ts';

/** One CSV of the folder: its name as found and its header as written. */
export interface FolderFile {
  file: string;
  headers: string[];
}

export interface SourceFit {
  source: SourceConnector;
  /** Headers of the folder's CSVs that are columns the source declares for that file. */
  explained: number;
  /** Every non-empty header of every readable CSV in the folder. */
  total: number;
  /** explained / total (0 for a folder without a readable CSV). */
  share: number;
  /** Files the source declares whose header has every column it requires. */
  recognised: string[];
}

/** The file a source declares under this name (file names match case-insensitively). */
export function specFor(source: SourceConnector, file: string): FileSpec | undefined {
  const want = file.toLowerCase();
  return source.files.find((f) => f.file.toLowerCase() === want);
}

/** The CSV files of a folder (top level, by extension, case-insensitively). */
export function csvFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .filter((f) => {
      try {
        return statSync(path.join(dir, f)).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

export function fit(source: SourceConnector, folder: FolderFile[]): SourceFit {
  let explained = 0;
  let total = 0;
  const recognised: string[] = [];
  for (const f of folder) {
    const headers = f.headers.filter((h) => h.trim() !== '');
    total += headers.length;
    const spec = specFor(source, f.file);
    if (!spec || !headers.length) continue;
    const mapping = mapHeaders(spec, headers);
    explained += headers.length - mapping.custom.length;
    if (!requiredProblem(spec, mapping)) recognised.push(f.file);
  }
  return { source, explained, total, share: total ? explained / total : 0, recognised };
}

/** Shares are compared with this margin: another source must explain this much more of the folder. */
export const WRONG_SOURCE_MARGIN = 0.2;
/** ...and at least this share of it. */
export const WRONG_SOURCE_SHARE = 0.6;

/**
 * The other source this folder is an export of, when it clearly is one: it explains at least
 * 60% of the folder's headers and 20 points more than `own` does, and either `own` cannot land
 * the folder (`ownBlocked`: a required file or column missing) or the other source recognises a
 * file `own` does not declare at all (e.g. a people.csv the pipeline's source has no file for).
 * A partial export of the pipeline's own source, or one with custom columns, is never taken for
 * another source's: nothing else explains it better.
 */
export function otherSource(own: SourceConnector, known: SourceConnector[], folder: FolderFile[], ownBlocked: boolean): { own: SourceFit; other: SourceFit; only: string[] } | null {
  const mine = fit(own, folder);
  let best: { other: SourceFit; only: string[] } | null = null;
  for (const s of known) {
    if (s.name === own.name) continue;
    const f = fit(s, folder);
    const only = f.recognised.filter((file) => !specFor(own, file));
    if (f.share < WRONG_SOURCE_SHARE || f.share - mine.share < WRONG_SOURCE_MARGIN) continue;
    if (!ownBlocked && !only.length) continue;
    if (!best || f.share > best.other.share) best = { other: f, only };
  }
  return best && { own: mine, ...best };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** What the error says about the comparison, e.g. "<Other>'s layout explains 100% of its headers, <own> ... 38%". */
export function describeFit(r: { own: SourceFit; other: SourceFit; only: string[] }): string {
  const parts = [
    `the ${r.other.source.title} layout (source \`${r.other.source.name}\`) explains ${pct(r.other.share)} of its ${r.other.total} headers, ${r.own.source.title}'s ${pct(r.own.share)}`,
  ];
  if (r.only.length) parts.push(`it holds ${r.other.source.title} files that ${r.own.source.title} does not export: ${r.only.join(', ')}`);
  return parts.join('; ');
}
