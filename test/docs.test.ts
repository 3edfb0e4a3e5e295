/**
 * The repository stands alone. A clone has nothing beside it, so:
 * - no file names the design, export-layout, style or reference documents the project started
 *   from, a folder beside the repository, or a specification ("seed") file: the facts live in
 *   docs/ (design.md, sources.md, destinations.md) and in each pipeline's README;
 * - every relative link in the Markdown files leads to a file that exists, and to a heading that
 *   exists when it names one;
 * - every citation of a destination fact by section number ("reference §4.3", "reference 3.10")
 *   names a section of docs/destinations.md for that destination.
 * Files are those git knows (tracked, plus new files not ignored), so a new file is checked too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = path.relative(root, fileURLToPath(import.meta.url)).split(path.sep).join('/');

function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(out.split('\0').filter(Boolean))].filter((f) => existsSync(path.join(root, f)) && statSync(path.join(root, f)).isFile());
}

/** Text content of a file, or null for a binary one (a NUL byte in it). */
function text(file: string): string | null {
  const buf = readFileSync(path.join(root, file));
  return buf.includes(0) ? null : buf.toString('utf8');
}

const files = repoFiles();
const texts = new Map(files.map((f) => [f, text(f)] as const).filter((e): e is [string, string] => e[1] !== null));

/** What a clone does not have, and why a mention of it is a dead end. */
const OUTSIDE: { pattern: RegExp; what: string }[] = [
  { pattern: /\.\.\/shared\b/, what: 'a folder beside the repository' },
  { pattern: /\bDESIGN\.md\b/, what: 'the design brief (docs/design.md holds it)' },
  { pattern: /\bEXPORTS\.md\b/, what: 'the export layouts (docs/sources.md holds them)' },
  { pattern: /\bSTYLE\.md\b/, what: 'the style notes' },
  { pattern: /\bseeds\//, what: 'the specification files (each pipeline README restates its own)' },
  { pattern: /\b00[0-4]_[0-9a-f]{16}\.txt\b/, what: 'a specification file (each pipeline README restates its own)' },
];

describe('the repository stands alone', () => {
  it('sees the files git knows', () => {
    expect(files).toContain('README.md');
    expect(texts.has('docs/design.md') && texts.has('docs/sources.md') && texts.has('docs/destinations.md')).toBe(true);
  });

  it('cites no document a clone does not have', () => {
    const hits: string[] = [];
    for (const [file, body] of texts) {
      if (file === self) continue;
      body.split('\n').forEach((line, i) => {
        for (const { pattern, what } of OUTSIDE) if (pattern.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}  <- ${what}`);
      });
    }
    expect(hits, 'cite docs/ (design.md, sources.md, destinations.md) or the pipeline README instead').toEqual([]);
  });
});

/** Markdown with fenced code blocks and inline code spans blanked out (links in code are examples). */
function prose(md: string): string {
  return md
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (m) => ' '.repeat(m.length));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

function headings(md: string): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (const line of md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.push(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('links in the Markdown files', () => {
  const markdown = [...texts.keys()].filter((f) => f.endsWith('.md'));

  it('covers README.md and docs/', () => {
    expect(markdown).toContain('README.md');
    expect(markdown.filter((f) => f.startsWith('docs/')).length).toBeGreaterThanOrEqual(5);
  });

  it('every relative link leads to a file (and heading) that exists', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const body = prose(texts.get(file)!);
      for (const m of body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [rawPath, anchor] = target.split('#') as [string, string | undefined];
        const resolved = rawPath ? path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(rawPath))) : file;
        const line = body.slice(0, m.index).split('\n').length;
        if (resolved.startsWith('..') || !existsSync(path.join(root, resolved))) {
          broken.push(`${file}:${line}: ${target} (no file ${resolved})`);
          continue;
        }
        if (anchor && resolved.endsWith('.md')) {
          const target_md = texts.get(resolved) ?? readFileSync(path.join(root, resolved), 'utf8');
          if (!headings(target_md).includes(anchor.toLowerCase())) broken.push(`${file}:${line}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

/** Section numbers of one destination in docs/destinations.md: "### Zoho 4.3 Upsert" -> 4.3. */
function sections(md: string, destination: 'Zoho' | 'Nutshell'): Set<string> {
  const out = new Set<string>();
  for (const m of md.matchAll(new RegExp(`^#{2,6}\\s+${destination} (\\d+(?:\\.\\d+)*)\\.?\\s`, 'gm'))) out.add(m[1]!);
  return out;
}

describe('citations of destination facts by section number', () => {
  const destinations = texts.get('docs/destinations.md') ?? '';
  const known = { Zoho: sections(destinations, 'Zoho'), Nutshell: sections(destinations, 'Nutshell') };

  it('docs/destinations.md numbers the sections code cites', () => {
    for (const n of ['2.2', '3.4', '4.3', '5.8', '5.9', '6.4', '9.2', '10.1', '12']) expect(known.Zoho, `Zoho ${n}`).toContain(n);
    for (const n of ['2.5', '3.10', '3.11', '4.4', '5.1', '5.3', '6', '7', '8.2', '8.6']) expect(known.Nutshell, `Nutshell ${n}`).toContain(n);
  });

  it('every "reference §N" and "reference N.N" names a section that exists', () => {
    const dangling: string[] = [];
    let checked = 0;
    for (const [file, body] of texts) {
      if (file === self || file === 'docs/destinations.md') continue;
      const lower = file.toLowerCase();
      const byPath = lower.includes('zoho') ? 'Zoho' : lower.includes('nutshell') ? 'Nutshell' : undefined;
      body.split('\n').forEach((line, i) => {
        const cited = [...new Set([...line.matchAll(/§\s?(\d+(?:\.\d+)*)/g), ...line.matchAll(/\breference (?:sections? )?§?(\d+(?:\.\d+)*)/gi)].map((m) => m[1]!))];
        if (!cited.length) return;
        const dest = byPath ?? (/zoho/i.test(line) ? 'Zoho' : /nutshell/i.test(line) ? 'Nutshell' : undefined);
        if (!dest) return dangling.push(`${file}:${i + 1}: cites ${cited.join(', ')} without saying of which destination (name Zoho or Nutshell on the line)`);
        for (const n of cited) {
          checked++;
          if (!known[dest].has(n)) dangling.push(`${file}:${i + 1}: ${dest} ${n} is not a section of docs/destinations.md`);
        }
      });
    }
    expect(dangling).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('every "Zoho N.N" / "Nutshell N.N" in the Markdown files names a section that exists', () => {
    const dangling: string[] = [];
    let checked = 0;
    for (const [file, body] of texts) {
      if (!file.endsWith('.md')) continue;
      prose(body)
        .split('\n')
        .forEach((line, i) => {
          if (/^#{1,6}\s/.test(line)) return;
          // "Zoho 20 MB" is a size, not a section
          for (const m of line.matchAll(/\b(Zoho|Nutshell) (\d+(?:\.\d+)*)(?![\d.]*\d)(?!\s*(?:MB|KB|GB|%))/g)) {
            checked++;
            if (!known[m[1] as 'Zoho' | 'Nutshell'].has(m[2]!)) dangling.push(`${file}:${i + 1}: ${m[0]} is not a section of docs/destinations.md`);
          }
        });
    }
    expect(dangling).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});
