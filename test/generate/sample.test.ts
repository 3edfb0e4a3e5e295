/**
 * `--mess sample` (the default) is the output the committed samples and the pipelines' READMEs
 * were made with: regenerating each sample with its README's command gives the same bytes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../tools/generate/index.ts';
import { projectRoot } from '../../engine/paths.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).sort().flatMap((e) => (statSync(path.join(dir, rel, e)).isDirectory() ? files(dir, path.join(rel, e)) : [path.join(rel, e)]));
}

/** The commands in pipelines/<pipeline>/README.md. */
const SAMPLES = [
  { source: 'leadtrekker', size: 300, seed: 'sample' },
  { source: 'servicetracker', size: 150, seed: '2' },
  { source: 'leadtrac', size: 200, seed: 'leadtrac-sample' },
  { source: 'aspec', size: 200, seed: '4' },
];

describe('--mess sample reproduces the committed samples', () => {
  it.each(SAMPLES.map((s) => [s.source, s] as const))('%s', async (source, s) => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), `gen-sample-${source}-`)), 'sample');
    dirs.push(path.dirname(out));
    await generate({ source, outDir: out, size: s.size, seed: s.seed });
    const committed = path.join(projectRoot, 'connectors', 'sources', source, 'sample');
    const want = files(committed);
    expect(files(out)).toEqual(want);
    for (const f of want) expect(readFileSync(path.join(out, f)).equals(readFileSync(path.join(committed, f))), f).toBe(true);
  });
});
