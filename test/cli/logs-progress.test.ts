/**
 * Logs: a level and a timestamp on every line, JSON lines with --log-format json, secrets masked
 * in both. Progress: a line every CRM_MIGRATE_PROGRESS_SECONDS when stderr is not a terminal
 * (extract: file n of m; load: records per object with an ETA that follows from its own
 * figures), a bar on a terminal.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../engine/paths.ts';
import { describeProgress, formatDuration } from '../../engine/cli/progress.ts';
import { generateLeadtrekker } from '../../tools/generate/leadtrekker.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { BIN, runCli } from '../helpers/cli.ts';
import { makeExport, runSteps } from '../load/fixture.ts';

const P = 'leadtrekker-to-zoho';
const SECRET = 'nk_' + 'Zq7'.repeat(6);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) /;

let db: TestDb;
let root: string;
let small: string;
let big: string;
beforeAll(async () => {
  db = await createTestDb();
  root = mkdtempSync(path.join(tmpdir(), `crm-logs-${SECRET}-`));
  small = path.join(root, 'small');
  await generateLeadtrekker({ outDir: small, leads: 40, seed: 'logs' });
  // Big enough (16 MB) that extract runs for a few progress intervals.
  big = path.join(root, 'big');
  await generateLeadtrekker({ outDir: big, leads: 20_000, seed: 'progress' });
}, 120_000);
afterAll(async () => {
  await db?.drop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('log lines', () => {
  it('text: each has a timestamp and a level; a secret in a message is masked', async () => {
    const r = await runCli([P, 'extract', '--input', small], { DATABASE_URL: db.url, NUTSHELL_API_KEY: SECRET });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(ISO);
    // The input path holds the secret's value; the log names the folder all the same.
    expect(r.stderr).toContain('crm-logs-***');
    expect(r.stderr).not.toContain(SECRET);
  });

  it('json: one object per line with level, time and message, the run named on each', async () => {
    const r = await runCli([P, 'extract', '--input', small, '--log-format', 'json', '--force', '--json'], { DATABASE_URL: db.url, NUTSHELL_API_KEY: SECRET });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) {
      expect(['debug', 'info', 'warn', 'error']).toContain(l.level);
      expect(Number.isNaN(Date.parse(l.time))).toBe(false);
      expect(typeof l.msg).toBe('string');
    }
    expect(lines.filter((l) => l.run_id === r.json.run_id && l.pipeline === P).length).toBeGreaterThan(3);
    expect(r.stderr).not.toContain(SECRET);
    // stdout is the summary alone.
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('an error is an ERROR line with its code', async () => {
    const r = await runCli([P, 'extract', '--input', path.join(root, 'no-such-folder')], { DATABASE_URL: db.url });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Z ERROR error \[EXTRACT_NO_INPUT\]/);
  });
});

describe('progress', () => {
  it('piped: extract prints where it is every interval, file n of m over the whole export', async () => {
    const r = await runCli([P, 'extract', '--input', big, '--force'], { DATABASE_URL: db.url, CRM_MIGRATE_PROGRESS_SECONDS: '0.1' });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => / extract: file \d+ of \d+ /.test(l));
    expect(lines.length, r.stderr).toBeGreaterThan(1);
    const done = lines.map((l) => Number(l.match(/: ([\d.]+) of ([\d.]+) MB/)![1]));
    const total = Number(lines[0]!.match(/ of ([\d.]+) MB/)![1]);
    // Bytes only grow, and never past the export's size.
    for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThanOrEqual(done[i - 1]!);
    expect(Math.max(...done)).toBeLessThanOrEqual(total);
    expect(r.stderr).toMatch(/MB\/s, ETA \d+s/);
  });

  it('piped: a load says how many records of each object are done, and an ETA those figures give', async () => {
    const input = makeExport({ leads: 240 });
    try {
      const env = { DATABASE_URL: db.url, CRM_LOAD_CHUNK: '20', CRM_MIGRATE_PROGRESS_SECONDS: '0.2', CRM_SANDBOX_FAULTS: JSON.stringify({ latencyMs: 150, paths: ['/crm/v8/Leads/upsert'] }) };
      const r = await runSteps(input, env);
      expect(r.exitCode, r.stderr).toBe(0);
      const lines = r.stderr.split('\n').filter((l) => / load: object 1 of \d+ \(leads\): /.test(l));
      expect(lines.length, r.stderr).toBeGreaterThan(2);
      const timed = lines
        .map((l) => l.match(/: (\d+) of (\d+) records \(\d+%\), ([\d,]+) records\/s, ETA (\d+)s/))
        .filter((m): m is RegExpMatchArray => !!m)
        .map((m) => ({ done: Number(m[1]), total: Number(m[2]), rate: Number(m[3]!.replace(/,/g, '')), eta: Number(m[4]) }));
      expect(timed.length, lines.join('\n')).toBeGreaterThan(0);
      for (const t of timed) {
        expect(t.total).toBe(240);
        // What is left at the rate shown; both are rounded on the line (ETA to the second,
        // the rate to a whole number, which moves the quotient by up to half a record/s).
        const left = (t.total - t.done) / t.rate;
        expect(Math.abs(t.eta - left)).toBeLessThanOrEqual(0.5 + (left * 0.5) / t.rate + 0.01);
      }
    } finally {
      rmSync(input, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal: a bar with the file, the share done and an ETA', async () => {
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${P} extract --input ${JSON.stringify(big)} --force`;
    const r = await execa('script', ['-qec', cmd, '/dev/null'], { cwd: projectRoot, reject: false, env: { DATABASE_URL: db.url }, extendEnv: true });
    expect(r.exitCode, r.stdout).toBe(0);
    const frames = r.stdout.split(/\r|\x1b\[1G/).filter((f) => f.includes('ETA'));
    expect(frames.some((f) => /extract file \d+\/\d+ \S+\.csv \|[█░]+\| \d+% [\d.]+\/[\d.]+ MB/.test(f)), frames.slice(0, 5).join('\n')).toBe(true);
    // No timed progress lines where a bar is drawn.
    expect(r.stdout).not.toMatch(/extract: file \d+ of/);
  });

  it('formats durations and lines people read', () => {
    expect([5, 65, 3_725].map(formatDuration)).toEqual(['5s', '1m05s', '1h02m']);
    const line = describeProgress({ label: 'leads.csv', item: { kind: 'file', n: 1, of: 8 }, done: 50e6, total: 200e6, unit: 'bytes', note: '1,000 rows' }, 10e6);
    expect(line).toBe('file 1 of 8 (leads.csv): 50.0 of 200.0 MB (25%), 1,000 rows, 10.0 MB/s, ETA 15s');
    expect(describeProgress({ label: 'models', done: 3, unit: 'models' }, undefined)).toBe('models: 3 models, ETA --');
  });
});

describe('npm run generate', () => {
  it('reports its progress while it writes', async () => {
    const out = path.join(root, 'gen');
    const r = await execa(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['tools/generate/index.ts', '--source', 'leadtrekker', '--leads', '20000', '--out', out], {
      cwd: projectRoot,
      reject: false,
      env: { CRM_MIGRATE_PROGRESS_SECONDS: '0.1' },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/leadtrekker leads: [\d,]+ \/ 20,000 \(\d+%\)/);
  });
});
