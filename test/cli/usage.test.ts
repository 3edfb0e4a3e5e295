/**
 * What the command line accepts: each step its own flags (listed by its --help, refused
 * elsewhere with a one-line answer), values checked before anything runs, usage errors that
 * never become a run, and --version.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../engine/paths.ts';
import { registry } from '../../pipelines/registry.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { flagsInHelp, parseOnly, SAMPLE_VALUES } from './parse-helpers.ts';

const P = 'leadtrekker-to-zoho';
const version = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version;

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});
const runs = async () => (await db.pool.query('select count(*)::int as n from etl.runs')).rows[0].n as number;

describe('help and version', () => {
  it('prints the version from package.json', async () => {
    const r = await runCli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("a step's --help lists that step's flags: load's are not sample's", async () => {
    const load = await runCli([P, 'load', '--help']);
    expect(load.exitCode).toBe(0);
    expect(load.stdout).toMatch(/Usage: crm-migrate leadtrekker-to-zoho load/);
    const loadFlags = flagsInHelp(load.stdout);
    expect(loadFlags).toEqual(expect.arrayContaining(['workers', 'fallback-owner', 'json']));
    expect(loadFlags).not.toContain('size');
    expect(loadFlags).not.toContain('timezone');
    const sample = flagsInHelp((await runCli([P, 'sample', '--help'])).stdout);
    expect(sample).toContain('size');
    expect(sample).not.toContain('workers');
    // The global help is not what a step prints.
    const global = await runCli(['--help']);
    expect(global.stdout).not.toBe(load.stdout);
  });

  it('every step accepts exactly the flags its --help lists, in every pipeline', async () => {
    const universe = Object.keys(SAMPLE_VALUES).concat(['force', 'apply', 'strict-gates', 'all', 'json']);
    for (const p of registry.pipelines) {
      const steps = (await parseOnly([p.name, '--help'])).stdout.split('Commands:')[1]!.match(/^ {2}([a-z]+) /gm)!.map((s) => s.trim());
      expect(steps.length).toBeGreaterThan(10);
      for (const step of [undefined, ...steps]) {
        const where = step ? [p.name, step] : [p.name];
        const help = await parseOnly([...where, '--help']);
        expect(help.exitCode, where.join(' ')).toBe(0);
        const listed = new Set(flagsInHelp(help.stdout));
        for (const flag of universe) {
          // The step's required flags and rules, so that only the flag under test decides.
          const base = step === 'approve' && flag !== 'by' ? ['--by', 'X'] : step === 'rollback' && flag !== 'run' && flag !== 'all' ? ['--all'] : [];
          const args = [...where, ...base, `--${flag}`, ...(SAMPLE_VALUES[flag] !== undefined ? [SAMPLE_VALUES[flag]!] : [])];
          const r = await parseOnly(args);
          expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(listed.has(flag) ? 0 : 2);
        }
      }
    }
  }, 60_000);

  it('the source-reading conventions are flags of extract, delta and the all-steps run only', async () => {
    const conventions = ['date-order', 'timezone', 'phone-country', 'decimal-separator', 'currency'];
    for (const where of [[P], [P, 'extract'], [P, 'delta']]) expect(flagsInHelp((await parseOnly([...where, '--help'])).stdout), where.join(' ')).toEqual(expect.arrayContaining(conventions));
    for (const step of ['load', 'transform', 'sample', 'users']) for (const c of conventions) expect(flagsInHelp((await parseOnly([P, step, '--help'])).stdout), step).not.toContain(c);
  });

  it("--convert-status belongs to leadtrekker-to-zoho's convert alone", async () => {
    expect(flagsInHelp((await parseOnly([P, 'convert', '--help'])).stdout)).toContain('convert-status');
    for (const where of [[P], [P, 'load'], ['servicetracker-to-zoho']]) expect(flagsInHelp((await parseOnly([...where, '--help'])).stdout)).not.toContain('convert-status');
    const ok = await parseOnly([P, 'convert', '--convert-status', 'Won,Lost']);
    expect(ok.json.flags.convertStatus).toBe('Won,Lost');
    const elsewhere = await parseOnly([P, 'load', '--convert-status', 'Won']);
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toMatch(/convert/);
  });
});

describe('usage errors', () => {
  const oneLine = (stderr: string) => {
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatch(/^error \[USAGE\]: .*; see crm-migrate .*--help$/);
    // Quotes come in pairs (a message once ended on an unbalanced one).
    expect((line.match(/"/g) ?? []).length % 2).toBe(0);
    expect((line.match(/'/g) ?? []).length % 2).toBe(0);
    return line;
  };

  it('refuse unknown, misplaced and missing flags in one line, exit 2, and never start a run', async () => {
    const env = { DATABASE_URL: db.url };
    const before = await runs();
    const misplaced = await runCli([P, 'load', '--size', '5'], env);
    expect(misplaced.exitCode).toBe(2);
    expect(oneLine(misplaced.stderr)).toMatch(/--size.*sample/);
    const typo = await runCli([P, 'extract', '--inptu', '/tmp'], env);
    expect(typo.exitCode).toBe(2);
    expect(oneLine(typo.stderr)).toMatch(/--inptu.*did you mean --input\?/);
    const step = await runCli([P, 'lod'], env);
    expect(step.exitCode).toBe(2);
    expect(oneLine(step.stderr)).toMatch(/unknown step "lod".*did you mean load\?/);
    const approve = await runCli([P, 'approve'], env);
    expect(approve.exitCode).toBe(2);
    expect(oneLine(approve.stderr)).toMatch(/--by/);
    const rollback = await runCli([P, 'rollback', '--run', '3', '--all'], env);
    expect(rollback.exitCode).toBe(2);
    oneLine(rollback.stderr);
    const workers = await runCli([P, 'load', '--workers', '65'], env);
    expect(workers.exitCode).toBe(2);
    expect(oneLine(workers.stderr)).toMatch(/--workers/);
    expect(await runs()).toBe(before);
  });

  it('with --json, a usage error is also one JSON object on stdout', async () => {
    const r = await runCli([P, 'load', '--json', '--bogus'], { DATABASE_URL: db.url });
    expect(r.exitCode).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.json).toEqual({ status: 'usage', error: { code: 'USAGE', message: expect.stringContaining('--bogus') } });
  });

  it('flags written before the step count for it, when it takes them', async () => {
    const r = await parseOnly([P, '--force', 'extract', '--input', '/tmp/x']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ pipeline: P, steps: ['extract'], flags: { force: true, input: '/tmp/x' } });
    const refused = await parseOnly([P, '--size', '5', 'load']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/load does not take --size/);
  });

  it('--select may be given more than once', async () => {
    const r = await parseOnly([P, 'transform', '--select', 'a.b', '--select', 'c.d+']);
    expect(r.json.flags.select).toEqual(['a.b', 'c.d+']);
  });
});

describe('the conventions the export is read with', () => {
  it('are validated and put into StepFlags, normalised', async () => {
    const r = await parseOnly([P, 'extract', '--date-order', 'mdy', '--timezone', 'america/new_york', '--phone-country', 'za', '--decimal-separator', ',', '--currency', 'zar']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json.flags).toMatchObject({ dateOrder: 'mdy', timezone: 'America/New_York', phoneCountry: 'ZA', decimalSeparator: ',', currency: 'ZAR' });
    const all = await parseOnly([P, '--timezone', 'Africa/Johannesburg', '--date-order', 'dmy']);
    expect(all.json).toMatchObject({ steps: expect.arrayContaining(['extract', 'load']), flags: { timezone: 'Africa/Johannesburg', dateOrder: 'dmy' } });
    const delta = await parseOnly([P, 'delta', '--input', '/tmp', '--decimal-separator', '.']);
    expect(delta.json.flags.decimalSeparator).toBe('.');
  });

  it.each([
    ['--date-order', 'ymd'],
    ['--timezone', 'Mars/Olympus_Mons'],
    ['--timezone', '+02:00'],
    ['--phone-country', 'XX'],
    ['--phone-country', 'ZAF'],
    ['--decimal-separator', ';'],
    ['--currency', 'ZZZ'],
    ['--currency', 'EURO'],
  ])('refuse %s %s', async (flag, value) => {
    const r = await parseOnly([P, 'extract', flag, value, '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.json.error.message).toContain(flag);
  });
});
