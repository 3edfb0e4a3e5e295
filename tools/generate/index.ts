/**
 * `npm run generate -- --source NAME --<size flag> N --out DIR [--seed S] [--mess sample|high]`:
 * a synthetic export of one source in its layout (README.md beside this file). `--mess sample`
 * (the default) is the source's hand-tuned generator (tools/generate/<source>.ts), which the
 * committed samples reproduce from; `--mess high` is tools/generate/high/<source>.ts, every kind
 * of mess drawn at random, with a manifest.json of what it drew. Each generator is deterministic
 * under its seed and streams to disk, so a million-lead export keeps memory flat.
 *
 * The generators are found at run time: a source whose generator file is not in the tree is
 * listed as not available, never silently skipped.
 *
 * @example
 *   npm run generate -- --source leadtrekker --leads 1000000 --out /tmp/ltk-1m --seed 7
 *   npm run generate -- --source aspec --mess high --contacts 300 --out /tmp/aspec-high --seed 1
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

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
  /** The high-mess generator's exported function (in high/<file>). */
  highFn: string;
}

export const MESS_LEVELS = ['sample', 'high'] as const;
export type MessLevel = (typeof MESS_LEVELS)[number];

export const GENERATORS: GeneratorSpec[] = [
  { source: 'leadtrekker', file: 'leadtrekker.ts', fn: 'generateLeadtrekker', highFn: 'generateLeadtrekkerHigh', sizeFlag: 'leads', defaultSize: 300, numericSeed: false },
  { source: 'servicetracker', file: 'servicetracker.ts', fn: 'generateServicetracker', highFn: 'generateServicetrackerHigh', sizeFlag: 'clients', defaultSize: 300, numericSeed: true },
  { source: 'leadtrac', file: 'leadtrac.ts', fn: 'generateLeadtrac', highFn: 'generateLeadtracHigh', sizeFlag: 'leads', defaultSize: 300, numericSeed: false },
  { source: 'aspec', file: 'aspec.ts', fn: 'generateAspec', highFn: 'generateAspecHigh', sizeFlag: 'contacts', defaultSize: 250, numericSeed: true },
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
  /** `sample` (default): the hand-tuned generator; `high`: random mess everywhere, with manifest.json. */
  mess?: MessLevel;
  /** Progress lines on stderr. */
  progress?: boolean;
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
  const high = req.mess === 'high';
  const file = high ? path.join('high', g.file) : g.file;
  const fnName = high ? g.highFn : g.fn;
  if (high && !existsSync(path.join(here, file))) throw new GenerateUsageError(`no high-mess generator for ${g.source} (tools/generate/${file} is not in this tree)`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as Record<string, unknown>;
  const fn = mod[fnName] as GenerateFn | undefined;
  if (typeof fn !== 'function') throw new GenerateUsageError(`tools/generate/${file} does not export ${fnName}()`);
  // The high-mess generators hash any seed themselves; the sample ones keep their seed types.
  const seed = !high && g.numericSeed ? numericSeed(req.seed) : req.seed;
  return fn({ outDir: req.outDir, [g.sizeFlag]: req.size, seed, progress: req.progress });
}

export class GenerateUsageError extends Error {}

const available = () => GENERATORS.filter(isAvailable).map((g) => g.source);

function usage(): string {
  const lines = GENERATORS.map((g) => `  --source ${g.source.padEnd(15)} --${g.sizeFlag} N (default ${g.defaultSize})${isAvailable(g) ? '' : '   [not available: no tools/generate/' + g.file + ']'}`);
  return `Usage: npm run generate -- --source NAME --<size> N --out DIR [--seed S] [--mess sample|high]\n\nSources:\n${lines.join('\n')}\n\n  --mess sample   (default) the hand-tuned export the committed samples reproduce from\n  --mess high     every kind of mess at random (seeded), and manifest.json listing what was injected\n\nAvailable now: ${available().join(', ') || 'none'}\n`;
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
        mess: { type: 'string' },
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
  const mess = ((values.mess as string | undefined) ?? 'sample') as MessLevel;
  if (!MESS_LEVELS.includes(mess)) {
    process.stderr.write(`--mess must be one of ${MESS_LEVELS.join(', ')}, got "${values.mess}"\n\n${usage()}`);
    return 2;
  }
  const t0 = performance.now();
  try {
    const r = await generate({ source: g.source, outDir: path.resolve(values.out as string), size, seed: (values.seed as string | undefined) ?? g.source, mess, progress: true });
    const secs = (performance.now() - t0) / 1000;
    process.stderr.write(`${g.source} export (${size} ${g.sizeFlag}, mess ${mess}) in ${values.out} in ${secs.toFixed(1)} s:\n`);
    for (const [f, n] of Object.entries(r.files)) process.stderr.write(`  ${f.padEnd(24)} ${String(n).padStart(10)} rows\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${err instanceof GenerateUsageError ? `\n${usage()}` : ''}`);
    return err instanceof GenerateUsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
