/** Shared by the secrets tests: a full real-credential run and a search of everything it wrote. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { generate } from '../../tools/generate/index.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import type { TestDb } from '../helpers/db.ts';
import { runStepIn } from '../../tools/chaos/lib.ts';

export const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile() && statSync(p).size < 50 * 1024 * 1024) out.push(p);
  }
  return out;
}

/** Every row of every table in the given schemas, as text (one string per table). */
export async function dumpTables(db: TestDb, schemas: string[]): Promise<Map<string, string>> {
  const { rows } = await db.pool.query(`select table_schema, table_name from information_schema.tables where table_schema = any($1) and table_type = 'BASE TABLE'`, [schemas]);
  const out = new Map<string, string>();
  for (const r of rows) {
    const t = `"${r.table_schema}"."${r.table_name}"`;
    const res = await db.pool.query(`select coalesce(string_agg(x::text, E'\\n'), '') as s from ${t} x`);
    out.set(t, res.rows[0].s as string);
  }
  return out;
}

export interface Outputs {
  texts: Map<string, string>;
}

export function expectNoSecret(outputs: Outputs, secrets: string[]): void {
  const leaks: string[] = [];
  for (const [where, text] of outputs.texts) for (const s of secrets) if (text.includes(s)) leaks.push(`${where} contains ${s.slice(0, 6)}…`);
  expect(leaks).toEqual([]);
}

export function record(outputs: Outputs, name: string, r: CliResult): void {
  outputs.texts.set(`${name} stdout`, r.stdout);
  outputs.texts.set(`${name} stderr`, r.stderr);
}

/**
 * extract … handoff on the real-credential path (gates stop, so approve is explicit). Steps run
 * in this process with their raw log lines kept (the CLI would redact them; here any secret in
 * them is caught), and the load, the step that talks most to the API, through the CLI.
 */
export async function fullPipeline(pipeline: PipelineDefinition, db: TestDb, env: Record<string, string>, outputs: Outputs, fallback: string): Promise<void> {
  const input = mkdtempSync(path.join(tmpdir(), 'crm-secrets-in-'));
  const out = mkdtempSync(path.join(tmpdir(), 'crm-secrets-out-'));
  cleanups.push(async () => rmSync(input, { recursive: true, force: true }));
  cleanups.push(async () => rmSync(out, { recursive: true, force: true }));
  await generate({ source: pipeline.source.name, outDir: input, size: 8, seed: '3' });
  const steps: [string, Record<string, unknown>][] = [
    ['extract', {}],
    ['transform', {}],
    ['report', {}],
    ['setup', { apply: true }],
    ['users', {}],
    ['sample', { size: 3, fallbackOwner: fallback }],
    ['approve', { by: 'Reliability Check' }],
  ];
  for (const [name, flags] of steps) {
    const r = await runStepIn(db.url, pipeline, name, input, { ...flags, out }, env);
    outputs.texts.set(`${name} log`, r.logs.join('\n'));
    outputs.texts.set(`${name} summary`, JSON.stringify(r.summary));
    if (!r.ok) outputs.texts.set(`${name} error`, `${r.code} ${r.message}`);
    const diff = path.join(out, 'verify', 'diff.csv');
    const why = r.ok ? '' : `${name}: ${r.code} ${r.message}\n${r.logs.slice(-10).join('\n')}\n${existsSync(diff) ? readFileSync(diff, 'utf8').split('\n').slice(0, 12).join('\n') : ''}`;
    expect(r.ok, why).toBe(true);
  }
  const load = await runCli([pipeline.name, 'load', '--json', '--input', input, '--fallback-owner', fallback], { ...env, DATABASE_URL: db.url });
  record(outputs, 'load', load);
  expect(load.exitCode, load.stderr.slice(-2000)).toBe(0);
  expect(load.json?.status).toBe('done');
  const handoff = await runStepIn(db.url, pipeline, 'handoff', input, { out }, env);
  outputs.texts.set('handoff log', handoff.logs.join('\n'));
  for (const f of filesUnder(out)) outputs.texts.set(`file ${path.relative(out, f)}`, readFileSync(f, 'latin1'));
  expect([...outputs.texts.keys()].some((k) => k.startsWith('file ')), 'reports were written').toBe(true);
  for (const [t, s] of await dumpTables(db, ['etl', 'graphile_worker'])) outputs.texts.set(`table ${t}`, s);
  // The load did reach the destination (otherwise there would be nothing to leak).
  const [{ n }] = (await db.pool.query(`select count(*)::int as n from etl.id_map`)).rows;
  expect(n).toBeGreaterThan(0);
}

