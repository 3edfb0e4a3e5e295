/**
 * The command line runs from one esbuild bundle of the TypeScript sources (code-split, so
 * `--help` loads only the parser), kept in node_modules/.cache/crm-migrate/ and rebuilt when a
 * source it was built from changed. Plain JavaScript: it must run before anything is compiled.
 *
 * Freshness is a stat of each file the last build read (the list esbuild reports), compared
 * with the size and mtime recorded beside the bundle: a few milliseconds, no hashing.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'pipelines/run.ts';
/** Bump when the build options change, so older bundles are rebuilt. */
const FORMAT = 1;
/** Builds other processes may still be loading chunks from are kept this long. */
const KEEP_OLD_MS = 24 * 3600 * 1000;

/** CRM_MIGRATE_BUILD_DIR (tests, the bench) must lie inside the project: the bundle finds its dependencies in node_modules above it. */
export function cacheDir() {
  return process.env.CRM_MIGRATE_BUILD_DIR ?? path.join(root, 'node_modules', '.cache', 'crm-migrate');
}

/** The bundle's entry when every source it was built from is as it was; else undefined. */
export function freshBundle(dir = cacheDir()) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT) return undefined;
  for (const [file, [mtimeMs, size]] of Object.entries(manifest.inputs)) {
    let st;
    try {
      st = statSync(path.join(root, file));
    } catch {
      return undefined;
    }
    if (st.mtimeMs !== mtimeMs || st.size !== size) return undefined;
  }
  return path.join(dir, manifest.dir, 'run.mjs');
}

/**
 * Each module keeps its own `import.meta.url` (paths are found from it: the project root, a
 * pipeline's folder, a source's sample): in one bundle they would all point at the bundle.
 */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/** Build the bundle into a folder of its own and make it the current one; returns its entry. */
export async function buildBundle(dir = cacheDir()) {
  const { build } = await import('esbuild');
  const started = Date.now();
  const id = `b-${started.toString(36)}-${process.pid}`;
  const outdir = path.join(dir, id);
  mkdirSync(dir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { run: path.join(root, ENTRY) },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies load from node_modules as they are; only our sources are bundled.
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [ownImportMetaUrl],
  });
  const inputs = {};
  let editedMeanwhile = false;
  for (const file of Object.keys(result.metafile.inputs)) {
    const st = statSync(path.join(root, file));
    inputs[file] = [st.mtimeMs, st.size];
    if (st.mtimeMs >= started) editedMeanwhile = true;
  }
  // A file saved while esbuild read it may be in the bundle in its older form: use this build
  // for this run, but leave it stale so the next run builds again.
  if (!editedMeanwhile) {
    const tmp = path.join(dir, `current.json.${process.pid}`);
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, dir: id, built: new Date(started).toISOString(), inputs }));
    renameSync(tmp, path.join(dir, 'current.json'));
  }
  removeOldBuilds(dir, id);
  return path.join(outdir, 'run.mjs');
}

function removeOldBuilds(dir, keep) {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('b-') || name === keep) continue;
    const p = path.join(dir, name);
    try {
      if (Date.now() - statSync(p).mtimeMs > KEEP_OLD_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/** The current bundle's entry, built first when a source changed. */
export async function ensureBundle(dir = cacheDir()) {
  return freshBundle(dir) ?? (await buildBundle(dir));
}

const CANNOT_WRITE = new Set(['EACCES', 'EROFS', 'EPERM']);

/** Run the command line: from the bundle, or from the sources through tsx when no bundle can be written. */
export async function run() {
  // Stack traces point into the .ts files when asked for (source maps cost start-up time).
  if (process.env.CRM_MIGRATE_DEBUG) process.setSourceMapsEnabled(true);
  let entry;
  if (!process.env.CRM_MIGRATE_FROM_SOURCE) {
    try {
      entry = await ensureBundle();
    } catch (err) {
      if (!CANNOT_WRITE.has(err?.code)) throw err;
      process.stderr.write(`crm-migrate: cannot write ${cacheDir()} (${err.code}); running from the sources\n`);
    }
  }
  if (entry) {
    await import(pathToFileURL(entry).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, ENTRY)).href);
}
