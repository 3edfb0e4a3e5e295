/**
 * The benchmark harness at tiny sizes: `npm run bench` and `npm run generate` run for real
 * (child processes, the test run's PostgreSQL server, psql \copy), and what they write is
 * checked for consistency. No timing is asserted: figures are only checked to be measured,
 * to agree with the raw measurements they came from, and to be judged against their targets.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../engine/paths.ts';
import { judged, renderTable } from '../../tools/bench/report.ts';
import { parseBenchArgs, QUICK, FULL } from '../../tools/bench/index.ts';

const TSX = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('figures', () => {
  it('judges a value against its target, and n/a when the target does not apply to the sizes run', () => {
    expect(judged({ stage: 'x', label: 'r', value: 0.71, unit: 'x' }, '>=', 0.7).met).toBe(true);
    expect(judged({ stage: 'x', label: 'r', value: 0.69, unit: 'x' }, '>=', 0.7).met).toBe(false);
    expect(judged({ stage: 'x', label: 'm', value: 301, unit: 'MB' }, '<=', 300)).toMatchObject({ met: false, target: '<= 300 MB' });
    expect(judged({ stage: 'x', label: 'm', value: null, unit: 's' }, '<=', 60).met).toBe(false);
    expect(judged({ stage: 'x', label: 'm', value: null, unit: 's' }, '<=', 60, false).met).toBeNull();
    const table = renderTable([judged({ stage: 'extract', label: 'ratio', value: 0.5, unit: 'x' }, '>=', 0.7)]);
    expect(table.split('\n')[2]).toMatch(/extract\s+ratio\s+0\.50x\s+>= 0\.7x\s+NO/);
  });

  it('quick by default, --full for the 1M figures, sizes selectable', () => {
    const q = parseBenchArgs([]);
    expect('opts' in q && q.mode).toBe('quick');
    expect('opts' in q && q.opts.transformSizes).toEqual(QUICK.transformSizes);
    const f = parseBenchArgs(['--full']);
    expect('opts' in f && f.opts.extractLeads).toBe(1_000_000);
    expect('opts' in f && f.opts.transformSizes).toEqual(FULL.transformSizes);
    const c = parseBenchArgs(['--transform-sizes', '10k,100k', '--only', 'extract']);
    expect('opts' in c && c.mode).toBe('custom');
    expect('opts' in c && c.opts.transformSizes).toEqual([10_000, 100_000]);
    expect(() => parseBenchArgs(['--transform-sizes', '100k,10k'])).toThrow(/smaller first/);
    expect(() => parseBenchArgs(['--only', 'nope'])).toThrow(/unknown stage "nope"/);
  });
});

describe('npm run generate', () => {
  it('dispatches to a source generator, same seed same bytes, and says which sources are available', async () => {
    const [a, b] = [tmp('gen-a-'), tmp('gen-b-')];
    for (const out of [a, b]) {
      const r = await execa(TSX, ['tools/generate/index.ts', '--source', 'leadtrekker', '--leads', '40', '--out', out, '--seed', '9'], { cwd: projectRoot, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/leads\s+4\d rows/);
    }
    for (const f of readdirSync(a).filter((x) => x.endsWith('.csv'))) expect(readFileSync(path.join(b, f)).equals(readFileSync(path.join(a, f))), f).toBe(true);

    const wrongFlag = await execa(TSX, ['tools/generate/index.ts', '--source', 'leadtrekker', '--clients', '5', '--out', a], { cwd: projectRoot, reject: false });
    expect(wrongFlag.exitCode).toBe(2);
    expect(wrongFlag.stderr).toContain('leadtrekker takes --leads');
    const unknown = await execa(TSX, ['tools/generate/index.ts', '--source', 'nosuch', '--out', a], { cwd: projectRoot, reject: false });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown source "nosuch"[\s\S]*Available now: .*leadtrekker/);
    // Every source without a generator file is marked as such in the usage.
    for (const s of ['leadtrekker', 'servicetracker', 'leadtrac', 'aspec']) {
      const has = existsSync(path.join(projectRoot, 'tools', 'generate', `${s}.ts`));
      expect(unknown.stderr.split('\n').find((l) => l.includes(`--source ${s} `)) ?? '', s).toContain(has ? '' : 'not available');
    }
  }, 30_000);
});

describe('npm run bench', () => {
  it('measures extract beside psql \\copy and transform at two sizes in databases of its own, dropped after', async () => {
    const adminUrl = inject('adminUrl');
    const out = tmp('bench-');
    const r = await execa(TSX, ['tools/bench/index.ts', '--only', 'extract,transform', '--extract-leads', '150', '--transform-sizes', '40,120', '--out', out], {
      cwd: projectRoot,
      reject: false,
      env: { DATABASE_URL: adminUrl },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(res.mode).toBe('custom');
    const fig = (label: RegExp) => res.figures.find((f: { label: string }) => label.test(f.label));
    const ours = fig(/^our extract,/);
    const copy = fig(/^psql \\copy/);
    const ratio = fig(/^our extract \/ \\copy$/);
    expect(res.raw.extract.rows).toBe(res.raw.extract.copy_rows); // both landed the whole file
    expect(ours.value).toBeCloseTo((res.raw.extract.rows * 1000) / res.raw.extract.ours_ms, 3);
    expect(ratio.value).toBeCloseTo(ours.value / copy.value, 6);
    expect(ratio.met).toBe(ratio.value >= 0.7);
    const t = res.raw.transform;
    expect(t.map((x: { leads: number }) => x.leads)).toEqual([40, 120]);
    expect(t[1].raw_rows).toBeGreaterThan(t[0].raw_rows);
    expect(t[0].models.length).toBeGreaterThan(5);
    const growth = fig(/^growth for 3x/);
    expect(growth.value).toBeCloseTo(t[1].transform_ms / t[0].transform_ms, 6);
    expect(growth.target).toBe('<= 3.3x');
    expect(fig(/^1M-lead build$/).met).toBeNull(); // not a 1M run
    const mem = res.figures.filter((f: { stage: string }) => f.stage === 'memory');
    expect(mem.length).toBe(5);
    for (const m of mem.filter((x: { unit: string }) => x.unit === 'MB')) expect(m.value).toBeGreaterThan(30);
    // The table printed is the one written.
    expect(r.stdout).toContain('our extract / \\copy');
    expect(readFileSync(path.join(out, 'bench.md'), 'utf8')).toContain('| transform |');
    // Its databases are gone.
    expect(res.raw.databases.length).toBe(2);
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    const left = await c.query('select datname from pg_database where datname = any($1)', [res.raw.databases]);
    await c.end();
    expect(left.rows).toEqual([]);
    // two builds and an extract beside \copy, in fresh databases: a minute on a quiet machine, more on a busy one
  }, 240_000);
});
