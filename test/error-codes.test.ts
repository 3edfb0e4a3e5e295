/**
 * docs/errors.md lists exactly the codes the tool can end with. The source is scanned for every
 * place a code is made: `new CliError('X'`, `new GateError('X'`, `gate(ctx, 'X'`, `super('X'` in
 * the error classes, and the SQLSTATE table of engine/error-map.ts. A code made anywhere else
 * than with a literal is refused, except where a code already made is passed on (listed here).
 * A code thrown but not documented fails, and so does a documented code nothing throws.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../engine/paths.ts';
import { SQLSTATE_CODES } from '../engine/error-map.ts';

const ROOTS = ['engine', 'connectors', 'pipelines', 'tools'];
/** The places a code is made, each followed by its code. */
const SITES = [/new\s+(?:CliError|GateError)\(/g, /\bgate\(\s*ctx\s*,/g, /\bsuper\((?=\s*['"`][A-Z])/g];
const LITERAL = /^\s*(['"`])([A-Z][A-Z0-9_]*)\1/;
/** Where a code made elsewhere is passed on, and how often in that file. */
const RELAYS: Record<string, number> = {
  'engine/gates.ts': 1, // GateError(code) for gate(ctx, 'X', ...), scanned at its callers
  'engine/load/runner.ts': 1, // a failed chunk's code, recorded through asCliError
  'engine/error-map.ts': 1, // the SQLSTATE table's codes
};

function sources(dir: string): string[] {
  return readdirSync(path.join(projectRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

function thrownCodes(): { codes: Map<string, string[]>; notLiteral: string[] } {
  const codes = new Map<string, string[]>();
  const notLiteral: string[] = [];
  const add = (code: string, where: string) => codes.set(code, [...(codes.get(code) ?? []), where]);
  for (const file of ROOTS.flatMap(sources)) {
    const text = readFileSync(path.join(projectRoot, file), 'utf8');
    const dynamic: string[] = [];
    for (const re of SITES)
      for (const m of text.matchAll(re)) {
        const code = LITERAL.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 200));
        if (code) add(code[2]!, file);
        else dynamic.push(`${file}:${text.slice(0, m.index).split('\n').length}`);
      }
    if (dynamic.length !== (RELAYS[file] ?? 0)) notLiteral.push(...dynamic);
  }
  for (const c of SQLSTATE_CODES) add(c.code, 'engine/error-map.ts (SQLSTATE_CODES)');
  return { codes, notLiteral };
}

/** Codes of the first table of docs/errors.md (one or more backticked codes in its first column). */
function documentedCodes(): string[] {
  const lines = readFileSync(path.join(projectRoot, 'docs', 'errors.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\|\s*code\s*\|\s*exit\s*\|/.test(l));
  const out: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    out.push(...[...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
  }
  return out;
}

describe('error codes', () => {
  const { codes, notLiteral } = thrownCodes();
  const documented = documentedCodes();

  it('are made from literals, so the scan sees them all', () => {
    expect(codes.size).toBeGreaterThan(50);
    expect(notLiteral).toEqual([]);
  });

  it('that the tool can end with are all in docs/errors.md, once', () => {
    const missing = [...codes.keys()].filter((c) => !documented.includes(c)).map((c) => `${c} (${[...new Set(codes.get(c))].join(', ')})`);
    expect(missing).toEqual([]);
    expect(documented.filter((c, i) => documented.indexOf(c) !== i)).toEqual([]);
  });

  it('in docs/errors.md are all made somewhere', () => {
    expect(documented.filter((c) => !codes.has(c))).toEqual([]);
  });
});
