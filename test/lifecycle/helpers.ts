/**
 * What the lifecycle tests share: the CLI run in this process, and the sandbox org's state as
 * rollback promises to restore it (records and files; fields and picklists belong to setup).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { viewName } from '../../engine/lifecycle/common.ts';
import { readCsv, serialise, writeCsvFile } from './export-copy.ts';
import { main } from '../../engine/cli/main.ts';
import { STEP_INFO } from '../../engine/steps/catalog.ts';
import { registry } from '../../pipelines/registry.ts';
import type { OrgProbe } from '../../engine/destination.ts';

/**
 * The CLI's main() in this process (what pipelines/run.ts calls), stdout and stderr captured:
 * a child process per command costs seconds of start-up each. Tests run their first and last
 * commands through runCli (a real child process) to cover the entry point too.
 */
export async function inProcess(dbUrl: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries({ DATABASE_URL: dbUrl, ...env })) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write;
  let exitCode: number;
  try {
    exitCode = await main(args, registry);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const stdout = out.join('');
  const last = stdout.trim().split('\n').pop();
  let json: unknown;
  try {
    json = last ? JSON.parse(last) : undefined;
  } catch {
    json = undefined;
  }
  return { exitCode, stdout, stderr: err.join(''), json };
}

/**
 * The pipeline's sandbox org as rollback promises to restore it, comparable with `diff`
 * ([] = equal): its destination says what that is (SandboxControl.probe).
 */
export async function orgProbe<S = any>(pipeline: PipelineDefinition, pool: pg.Pool): Promise<OrgProbe<S>> {
  const sandbox = pipeline.destination.sandbox;
  if (!sandbox) throw new Error(`${pipeline.name}: the ${pipeline.destination.name} destination has no sandbox to compare`);
  return (await sandbox.probe(pool)) as OrgProbe<S>;
}

// ---------------------------------------------------------------------------------------------
// The lifecycle of one pipeline (issue 7): sample -> approve -> load -> a mapping broken on
// purpose -> delta -> rollback, on a small export against the sandbox.
// ---------------------------------------------------------------------------------------------

export interface LifecycleCase {
  pipeline: PipelineDefinition;
  /** Writes a small export of the pipeline's source into `dir`. */
  makeExport(dir: string): Promise<void>;
  /** `sample --size`. */
  sampleSize: number;
  /** The object the delta edits, its CSV in the export and the column holding its key. */
  main: {
    object: string;
    file: string;
    keyColumn: string;
    /** Column values set on the two changed records (each gets its own, from the index). */
    change: (i: number) => Record<string, string>;
    /** The added record: a copy of a loaded one with this id and these values. */
    addId: string;
    add: Record<string, string>;
    /**
     * Columns whose value other files may use to point at a record: the removed record is
     * one whose key and these values appear in no other file, so nothing else changes with it.
     */
    refColumns?: string[];
    /** Records the delta may pick (e.g. not ones the view merges with others); default all loaded. */
    eligible?: (row: Record<string, string>, rows: Record<string, string>[]) => boolean;
    /** Further condition on the removed record (e.g. its company keeps other people). */
    removable?: (row: Record<string, string>, rows: Record<string, string>[]) => boolean;
    /** Rows of other files that are part of the main record (a join table): removed with it. */
    removeWith?: { file: string; column: string }[];
    /** Further condition on the two changed records. */
    changeable?: (row: Record<string, string>, rows: Record<string, string>[]) => boolean;
    /** Further condition on the record the added one copies. */
    copyable?: (row: Record<string, string>, rows: Record<string, string>[]) => boolean;
    /** The source_key a row of the main file has (default: the mapped key ending with `:<id>`). */
    keyOf?: (row: Record<string, string>) => string;
  };
  /** A text column of the main object's view that the broken mapping alters. */
  breakColumn: string;
  /** A source email whose destination user is active (owner of what has none). */
  fallbackOwner(q: (sql: string, params?: unknown[]) => Promise<any[]>): Promise<string>;
}

/** A header name as a person reads it: readCsv reads bytes as latin1, so a UTF-8 BOM is `ï»¿`. */
const colName = (c: string) => c.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '').trim();

const csvRows = (file: string) => {
  const f = readCsv(file);
  return { f, rows: f.records.map((r) => Object.fromEntries(f.columns.map((c, i) => [colName(c), (r.fields[i] ?? '').trim()]))) };
};

/** Copy of the export with the main file's records edited (bytes kept where not edited). */
function editMain(from: string, to: string, c: LifecycleCase['main'], edit: { change: Record<string, Record<string, string>>; add: { like: string; id: string; set: Record<string, string> }; remove: string }): void {
  cpSync(from, to, { recursive: true });
  const file = path.join(to, c.file);
  const f = readCsv(file);
  const col = (name: string) => {
    const i = f.columns.findIndex((x) => colName(x).toLowerCase() === name.toLowerCase());
    if (i < 0) throw new Error(`${c.file} has no column ${name}`);
    return i;
  };
  const k = col(c.keyColumn);
  const byId = (id: string) => f.records.find((r) => r.fields[k]!.trim() === id);
  for (const [id, set] of Object.entries(edit.change)) {
    const r = byId(id)!;
    for (const [name, v] of Object.entries(set)) r.fields[col(name)] = v;
    r.raw = serialise(r.fields, f.delimiter);
  }
  const fields = [...byId(edit.add.like)!.fields];
  fields[k] = edit.add.id;
  for (const [name, v] of Object.entries(edit.add.set)) fields[col(name)] = v;
  f.records.push({ raw: serialise(fields, f.delimiter), fields });
  f.records = f.records.filter((r) => r.fields[k]!.trim() !== edit.remove);
  writeCsvFile(file, f);
  for (const w of c.removeWith ?? []) {
    const g = readCsv(path.join(to, w.file));
    const i = g.columns.findIndex((x) => colName(x).toLowerCase() === w.column.toLowerCase());
    if (i < 0) throw new Error(`${w.file} has no column ${w.column}`);
    g.records = g.records.filter((r) => r.fields[i]!.trim() !== edit.remove);
    writeCsvFile(path.join(to, w.file), g);
  }
}

export function lifecycleSuite(c: LifecycleCase): void {
  const P = c.pipeline.name;
  let db: TestDb;
  let tmp: string;
  let input: string;
  let out: string;
  // Reports go to the test's folder: --out for every step that writes one (the others refuse it).
  const withOut = (args: string[]) => [P, ...args, ...(STEP_INFO[args[0]!]?.flags.includes('out') ? ['--out', out] : []), '--json'];
  const cli = (args: string[]) => inProcess(db.url, withOut(args));
  const spawnCli = (args: string[]) => runCli(withOut(args), { DATABASE_URL: db.url });
  const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
  let org: OrgProbe<any>;
  let before: unknown;
  let afterLoad: unknown;
  let fallback: string;
  let deltaRun: number;
  const obj = c.pipeline.objects.find((o) => o.name === c.main.object)!;
  const vn = viewName(c.pipeline, obj);
  const view = `${vn.schema}.${vn.name}`;

  beforeAll(async () => {
    db = await createTestDb();
    org = await orgProbe(c.pipeline, db.pool as never);
    tmp = mkdtempSync(path.join(tmpdir(), `lifecycle-${P}-`));
    out = path.join(tmp, 'out');
    input = path.join(tmp, 'export');
    await c.makeExport(input);
    for (const args of [['extract', '--input', input], ['transform'], ['setup', '--apply'], ['users']]) {
      const r = await cli(args);
      expect(r.exitCode, `${args[0]}: ${r.stderr}`).toBe(0);
    }
    before = await org.state();
    fallback = await c.fallbackOwner(q);
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe(`migration lifecycle (${P}, sandbox)`, () => {
    it('samples, loads the sample and verifies it clean', async () => {
      // --input on every writing step: attachments are read from the export folder it names.
      const r = await spawnCli(['sample', '--input', input, '--size', String(c.sampleSize), '--fallback-owner', fallback]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.json.verify.mismatches).toBe(0);
      expect(r.json.verify.records).toBeGreaterThan(0);
      // Only sampled records were written.
      const keys = new Set((await q('select object, source_key from etl.sample_keys where run_id = $1', [r.json.run_id])).map((k) => `${k.object} ${k.source_key}`));
      const written = await q('select object, source_key from etl.id_map where pipeline = $1', [P]);
      expect(written.length).toBeGreaterThan(0);
      for (const w of written) expect(keys.has(`${w.object} ${w.source_key}`), `${w.object} ${w.source_key}`).toBe(true);
    }, 90_000);

    it('stops a full load at exit 3 until the sample is approved, then loads everything', async () => {
      const stopped = await cli(['load', '--input', input, '--strict-gates', '--fallback-owner', fallback]);
      expect(stopped.exitCode, stopped.stderr).toBe(3);
      expect((stopped.json as any).error.code).toBe('SAMPLE_NOT_APPROVED');
      const ok = await cli(['approve', '--by', 'Lifecycle Test']);
      expect(ok.exitCode, ok.stderr).toBe(0);
      const load = await cli(['load', '--input', input, '--strict-gates', '--fallback-owner', fallback]);
      expect(load.exitCode, load.stderr).toBe(0);
      afterLoad = await org.state();
      expect(org.diff(before, afterLoad).length).toBeGreaterThan(0);
      // Every record of the main object is loaded, rejected with a reason, or queued.
      const rec = await cli(['reconcile']);
      expect(rec.exitCode, rec.stderr).toBe(0);
      const main = (rec.json as any).reconciliation.objects.find((o: { object: string }) => o.object === c.main.object);
      expect(main.in_destination).toBe(main.mapped);
      expect(main.mapped).toBeGreaterThan(0);
      expect(main.loaded + main.already_loaded + main.rejected + main.queued + main.skipped).toBe(main.extracted);
    }, 120_000);

    it('verify catches a mapping broken on purpose, and approve refuses that sample', async () => {
      const cols = (await q(`select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`, view.split('.'))).map(
        (x) => x.column_name as string,
      );
      expect(cols).toContain(c.breakColumn);
      const [s, v] = view.split('.');
      await db.pool.query(`alter view ${view} rename to ${v}_good`);
      await db.pool.query(`create view ${view} as select ${cols.map((x) => (x === c.breakColumn ? `'Broken ' || "${x}" as "${x}"` : `"${x}"`)).join(', ')} from ${s}.${v}_good`);
      try {
        const r = await cli(['verify']);
        expect(r.exitCode, r.stderr).toBe(1);
        expect((r.json as any).error.code).toBe('VERIFY_MISMATCH');
        const diffs = await q(`select object, field, expected, actual, reason from etl.verify_diffs where run_id = $1`, [(r.json as any).run_id]);
        expect(diffs.length).toBeGreaterThan(0);
        expect(diffs.filter((d) => !(d.object === c.main.object && d.field === c.breakColumn && String(d.expected).includes('Broken ')))).toEqual([]);
        const refused = await cli(['approve', '--by', 'Lifecycle Test']);
        expect(refused.exitCode).toBe(1);
        expect((refused.json as any).error.code).toBe('SAMPLE_HAS_MISMATCHES');
      } finally {
        await db.pool.query(`drop view ${view}; alter view ${s}.${v}_good rename to ${v}`);
      }
      // With the mapping right again, the sample verifies clean.
      const clean = await cli(['verify']);
      expect(clean.exitCode, clean.stderr).toBe(0);
    }, 60_000);

    it('a delta writes exactly the changed and added records, once', async () => {
      const { rows } = csvRows(path.join(input, c.main.file));
      const mapped = new Map((await q(`select source_key from etl.id_map where pipeline = $1 and object = $2`, [P, c.main.object])).map((m) => [m.source_key as string, m.source_key as string]));
      const byId = new Map(rows.map((r) => [r[c.main.keyColumn]!, r]));
      // The record's source_key: the pipeline's rule, else the mapped key that ends with its id.
      const keyOf = (id: string, row = byId.get(id)!) => (c.main.keyOf ? c.main.keyOf(row) : [...mapped.keys()].find((k) => k === id || k.endsWith(`:${id}`)));
      const loaded = rows.filter((r) => mapped.has(keyOf(r[c.main.keyColumn]!) ?? '') && (c.main.eligible?.(r, rows) ?? true));
      expect(loaded.length).toBeGreaterThanOrEqual(4);
      // The removed record: nothing in another file names it, so only it leaves the view.
      const partOf = new Set((c.main.removeWith ?? []).map((x) => x.file));
      const others = readdirSync(input).filter((n) => n !== c.main.file && !partOf.has(n) && n.toLowerCase().endsWith('.csv'));
      const referenced = new Set(others.flatMap((n) => csvRows(path.join(input, n)).rows.flatMap((r) => Object.values(r))).filter(Boolean));
      const refCols = [c.main.keyColumn, ...(c.main.refColumns ?? [])];
      const gone = loaded.find((r) => refCols.every((k) => !r[k] || !referenced.has(r[k]!)) && (c.main.removable?.(r, rows) ?? true));
      expect(gone, 'a loaded record nothing else refers to').toBeDefined();
      const [c1, c2] = loaded.filter((r) => r !== gone && (c.main.changeable?.(r, rows) ?? true)).map((r) => r[c.main.keyColumn]!);
      expect(c2, 'two loaded records to change').toBeDefined();
      const template = loaded.find((r) => r !== gone && ![c1, c2].includes(r[c.main.keyColumn]) && (c.main.copyable?.(r, rows) ?? true))?.[c.main.keyColumn];
      expect(template, 'a loaded record to copy').toBeDefined();
      const goneId = gone![c.main.keyColumn]!;
      const deltaInput = path.join(tmp, 'export-delta');
      editMain(input, deltaInput, c.main, {
        change: { [c1!]: c.main.change(1), [c2!]: c.main.change(2) },
        add: { like: template!, id: c.main.addId, set: c.main.add },
        remove: goneId,
      });
      const addedKey = c.main.keyOf
        ? c.main.keyOf({ ...byId.get(template!)!, [c.main.keyColumn]: c.main.addId, ...c.main.add })
        : keyOf(template!)!.replace(template!, c.main.addId);

      const r = await cli(['delta', '--input', deltaInput, '--fallback-owner', fallback]);
      expect(r.exitCode, r.stderr).toBe(0);
      deltaRun = (r.json as any).run_id;
      const d = (r.json as any).delta.objects as Record<string, { new: string[]; changed: string[]; deleted: string[] }>;
      expect(d[c.main.object]!.new).toEqual([addedKey]);
      expect([...d[c.main.object]!.changed].sort()).toEqual([keyOf(c1!), keyOf(c2!)].sort());
      expect(d[c.main.object]!.deleted).toEqual([keyOf(goneId)]);
      for (const [o, x] of Object.entries(d)) if (o !== c.main.object) expect([...x.new, ...x.changed, ...x.deleted], o).toEqual([]);
      const writes = await q(`select object, action, source_key from etl.load_log where run_id = $1 and action in ('insert','update')`, [deltaRun]);
      expect(writes.map((w) => `${w.object} ${w.action} ${w.source_key}`).sort()).toEqual(
        [`${c.main.object} insert ${addedKey}`, `${c.main.object} update ${keyOf(c1!)}`, `${c.main.object} update ${keyOf(c2!)}`].sort(),
      );
      // The removed record stays in the destination (a person decides), listed in deleted.csv.
      expect(readFileSync(path.join(out, 'delta', 'deleted.csv'), 'utf8')).toContain(keyOf(goneId)!);
      const afterDelta = await org.state();
      expect(org.diff(afterLoad, afterDelta)).toHaveLength(3);

      // The same export again writes nothing.
      const again = await cli(['delta', '--input', deltaInput, '--fallback-owner', fallback]);
      expect(again.exitCode, again.stderr).toBe(0);
      for (const x of Object.values((again.json as any).delta.objects) as { new: string[]; changed: string[] }[]) expect([...x.new, ...x.changed]).toEqual([]);
      expect(org.diff(afterDelta, await org.state())).toEqual([]);
    }, 120_000);

    it('rolls back the delta to the loaded org, then everything to the org before the sample', async () => {
      const r1 = await cli(['rollback', '--run', String(deltaRun)]);
      expect(r1.exitCode, r1.stderr).toBe(0);
      expect((r1.json as any).rollback).toMatchObject({ deleted: 1, restored: 2, failed: 0 });
      expect(org.diff(afterLoad, await org.state())).toEqual([]);

      const all = await spawnCli(['rollback', '--all']);
      expect(all.exitCode, all.stderr).toBe(0);
      expect(org.diff(before, await org.state())).toEqual([]);
      expect((await q('select count(*)::int as n from etl.id_map where pipeline = $1', [P]))[0].n).toBe(0);
      const again = await cli(['rollback', '--all']);
      expect(again.exitCode, again.stderr).toBe(0);
      expect((again.json as any).rollback).toMatchObject({ deleted: 0, restored: 0, failed: 0 });
    }, 120_000);
  });
}
