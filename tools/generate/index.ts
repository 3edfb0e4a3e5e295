/**
 * `npm run generate -- --source NAME --<size flag> N --out DIR [--seed S]`: a synthetic export
 * of one source in its EXPORTS.md layout, written by that source's generator
 * (tools/generate/<source>.ts). Each generator is deterministic under its seed and streams to
 * disk, so a million-lead export keeps memory flat.
 *
 * The generators are found at run time: a source whose generator file is not in the tree is
 * listed as not available, never silently skipped.
 *
 * @example
 *   npm run generate -- --source leadtrekker --leads 1000000 --out /tmp/ltk-1m --seed 7
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../../engine/cli/log.ts';
import { createProgress } from '../../engine/cli/progress.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface GeneratorSpec {
  source: string;
  /** File beside this one. */
  file: string;
  /** Exported function name. */
  fn: string;
  /** The main object's size flag (CLI) and option name (function). */
  sizeFlag: string;
  /** Default size when the flag is not given. */
  defaultSize: number;
  /** Generators typed `seed: number` get a string seed hashed to a number. */
  numericSeed: boolean;
}

export const GENERATORS: GeneratorSpec[] = [
  { source: 'leadtrekker', file: 'leadtrekker.ts', fn: 'generateLeadtrekker', sizeFlag: 'leads', defaultSize: 300, numericSeed: false },
  { source: 'servicetracker', file: 'servicetracker.ts', fn: 'generateServicetracker', sizeFlag: 'clients', defaultSize: 300, numericSeed: true },
  { source: 'leadtrac', file: 'leadtrac.ts', fn: 'generateLeadtrac', sizeFlag: 'leads', defaultSize: 300, numericSeed: false },
  { source: 'aspec', file: 'aspec.ts', fn: 'generateAspec', sizeFlag: 'contacts', defaultSize: 250, numericSeed: true },
];

export const isAvailable = (g: GeneratorSpec) => existsSync(path.join(here, g.file));

/** A string seed as a 32-bit number (FNV-1a), so `--seed abc` works for every source. */
export function numericSeed(seed: string): number {
  if (/^\d+$/.test(seed)) return Number(seed);
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface GenerateRequest {
  source: string;
  outDir: string;
  size: number;
  seed: string;
  /** Main records written so far, of `size` (every 1,024). */
  onProgress?: (done: number, total: number) => void;
}

type GenerateFn = (opts: Record<string, unknown>) => Promise<{ files: Record<string, number> }>;

/**
 * Run one source's generator; returns the rows written per file.
 * @example
 * const r = await generate({ source: 'leadtrekker', outDir: '/tmp/x', size: 1000, seed: '1' });
 */
export async function generate(req: GenerateRequest): Promise<{ files: Record<string, number> }> {
  const g = GENERATORS.find((x) => x.source === req.source);
  if (!g) throw new GenerateUsageError(`unknown source "${req.source}". Sources: ${GENERATORS.map((x) => x.source).join(', ')}`);
  if (!isAvailable(g)) throw new GenerateUsageError(`no generator for ${g.source} yet (tools/generate/${g.file} is not in this tree). Available: ${available().join(', ') || 'none'}`);
  const mod = (await import(pathToFileURL(path.join(here, g.file)).href)) as Record<string, unknown>;
  const fn = mod[g.fn] as GenerateFn | undefined;
  if (typeof fn !== 'function') throw new GenerateUsageError(`tools/generate/${g.file} does not export ${g.fn}()`);
  return fn({ outDir: req.outDir, [g.sizeFlag]: req.size, seed: g.numericSeed ? numericSeed(req.seed) : req.seed, onProgress: req.onProgress });
}

export class GenerateUsageError extends Error {}

const available = () => GENERATORS.filter(isAvailable).map((g) => g.source);

function usage(): string {
  const lines = GENERATORS.map((g) => `  --source ${g.source.padEnd(15)} --${g.sizeFlag} N (default ${g.defaultSize})${isAvailable(g) ? '' : '   [not available: no tools/generate/' + g.file + ']'}`);
  return `Usage: npm run generate -- --source NAME --<size> N --out DIR [--seed S]\n\nSources:\n${lines.join('\n')}\n\nAvailable now: ${available().join(', ') || 'none'}\n`;
}

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        source: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        leads: { type: 'string' },
        clients: { type: 'string' },
        contacts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage());
    return 0;
  }
  const g = GENERATORS.find((x) => x.source === values.source);
  if (!g || !values.out) {
    process.stderr.write(`${!values.source ? 'missing --source' : !g ? `unknown source "${values.source}"` : 'missing --out DIR'}\n\n${usage()}`);
    return 2;
  }
  const other = ['leads', 'clients', 'contacts'].filter((f) => f !== g.sizeFlag && values[f] !== undefined);
  if (other.length) {
    process.stderr.write(`${g.source} takes --${g.sizeFlag}, not --${other.join(', --')}\n\n${usage()}`);
    return 2;
  }
  const sizeText = (values[g.sizeFlag] as string | undefined) ?? String(g.defaultSize);
  const size = Number(sizeText.replace(/_/g, ''));
  if (!Number.isInteger(size) || size < 0) {
    process.stderr.write(`--${g.sizeFlag} must be a whole number, got "${sizeText}"\n`);
    return 2;
  }
  const t0 = performance.now();
  // A bar on a terminal, else a line every CRM_MIGRATE_PROGRESS_SECONDS: a big export takes minutes.
  const bar = { clear: () => {} };
  const log = createLogger({ format: 'text', beforeWrite: () => bar.clear() });
  const progress = createProgress({ bar: !!process.stderr.isTTY, log });
  bar.clear = () => progress.clearLine();
  progress.step('generate');
  try {
    const r = await generate({
      source: g.source,
      outDir: path.resolve(values.out as string),
      size,
      seed: (values.seed as string | undefined) ?? g.source,
      onProgress: (done, total) => progress.update({ label: `${g.source} export`, done, total, unit: g.sizeFlag }),
    });
    progress.stop();
    const secs = (performance.now() - t0) / 1000;
    process.stderr.write(`${g.source} export (${size} ${g.sizeFlag}) in ${values.out} in ${secs.toFixed(1)} s:\n`);
    for (const [f, n] of Object.entries(r.files)) process.stderr.write(`  ${f.padEnd(24)} ${String(n).padStart(10)} rows\n`);
    return 0;
  } catch (err) {
    progress.stop();
    process.stderr.write(`${(err as Error).message}\n${err instanceof GenerateUsageError ? `\n${usage()}` : ''}`);
    return err instanceof GenerateUsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
