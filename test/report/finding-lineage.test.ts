/**
 * A finding for every change names where the change is: every row of every pipeline's
 * data-quality views, as the report collects them (lib.dq_findings over the pipeline's dq_*
 * schemas), carries the export file and line of its record, the column as the export's header
 * writes it, and the value where the finding is about one. On each pipeline's bundled sample and
 * on a high-mess generated export (a fresh seed; CRM_MIGRATE_TEST_SEED=<n> replays it), through
 * extract, transform, setup and users against the sandbox. Every category such a run emits
 * (the destination-rule findings of `report` included) is named in the pipeline's README.
 *
 * Also: near-duplicate companies are reported in every pipeline: a copy of each bundled sample
 * gets one more company (a client, a lead's company) spelled like an existing one with a letter
 * doubled, and a finding names it (as a near duplicate, or as the cluster the SQL merged).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { prepare } from '../load/harness.ts';
import { registry } from '../../pipelines/registry.ts';
import { modelSchemas, pipelineSchema, viewOf, type PipelineDefinition } from '../../engine/pipeline.ts';
import { generate } from '../../tools/generate/index.ts';
import type { Finding } from '../../engine/report/collect.ts';
import { destinationRuleFindings } from '../../engine/report/destination-rules.ts';
import { documentedCategories, readmeOf } from '../helpers/findings-readme.ts';

const seed = process.env.CRM_MIGRATE_TEST_SEED ?? String(1 + Math.floor(Math.random() * 1_000_000));
const SIZE: Record<string, number> = { leadtrekker: 80, servicetracker: 50, leadtrac: 60, aspec: 60 };

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

/** A finding as the report collects it (lib.dq_findings). */
type Row = Finding;

/** Findings that break the rule, grouped by view and category (a readable failure). */
async function gaps(db: TestDb, p: PipelineDefinition): Promise<{ rows: Row[]; missing: Record<string, string[]> }> {
  const rows = (await db.pool.query<Row>(`select * from lib.dq_findings($1::text[])`, [modelSchemas(p).filter((s) => s.startsWith('dq_'))])).rows;
  const headers = new Set(
    (await db.pool.query(`select header from etl.raw_columns where source = $1`, [p.source.name])).rows.map((r) => String(r.header).toLowerCase()),
  );
  // A pipeline's own findings may name the destination field they are about (Last_Name filled,
  // Closing_Date missing): a column of one of its destination views.
  const destination = new Set(
    (
      await db.pool.query(`select column_name from information_schema.columns where table_schema = $1 and table_name = any($2)`, [
        pipelineSchema(p),
        p.objects.map((o) => viewOf(p, o).split('.')[1]),
      ])
    ).rows.map((r) => String(r.column_name).toLowerCase()),
  );
  const own = `dq_${pipelineSchema(p)}.`;
  const missing: Record<string, string[]> = {};
  const flag = (r: Row, what: string) => (missing[`${r.dq_view} ${r.category}: ${what}`] ??= []).length < 3 && missing[`${r.dq_view} ${r.category}: ${what}`]!.push(`${r.source_key} ${r.field}=${r.value}`);
  for (const r of rows) {
    if (r.category === 'dq_view_contract') {
      flag(r, `view contract: ${r.message}`);
      continue;
    }
    // a finding about the export as a whole (a referenced file with no records) names no record
    if (r.source_key === null) {
      if (!r.field) flag(r, 'no column');
      continue;
    }
    if (!r.file) flag(r, 'no file');
    if (!(Number(r.line) > 0)) flag(r, 'no line');
    if (!r.field) flag(r, 'no column');
    // the column as the header writes it: every column a finding names is one of the export's headers
    else if (!r.field.split(/ \/ | or /).every((f) => headers.has(f.trim().toLowerCase()) || (r.dq_view.startsWith(own) && destination.has(f.trim().toLowerCase()))))
      flag(r, `column "${r.field}" is not a header of the export${r.dq_view.startsWith(own) ? ' nor a destination field' : ''}`);
  }
  return { rows, missing };
}

describe('every finding names file, line, column and value', () => {
  for (const p of registry.pipelines)
    for (const which of ['sample', 'high-mess'] as const)
      it(`${p.name}, ${which === 'sample' ? 'bundled sample' : `high-mess export (seed ${seed})`}`, async () => {
        const db = await createTestDb();
        const tmp = mkdtempSync(path.join(tmpdir(), `findings-${p.name}-`));
        cleanup.push(async () => {
          await db.drop();
          rmSync(tmp, { recursive: true, force: true });
        });
        let input = p.source.sampleDir;
        if (which === 'high-mess') {
          input = path.join(tmp, 'export');
          await generate({ source: p.source.name, outDir: input, size: SIZE[p.source.name] ?? 60, seed: `${seed}-${p.name}`, mess: 'high' });
        }
        await prepare(db, p, input);
        const { rows, missing } = await gaps(db, p);
        expect(rows.length).toBeGreaterThan(0);
        expect(missing, `findings without their place (seed ${seed})`).toEqual({});
        // every category a run emits, the destination rules' included, is documented in the
        // pipeline's README (catches what the static scan of test/pipelines/findings-documented.test.ts misses)
        const documented = documentedCategories(readmeOf(p.name));
        const emitted = new Set([...rows, ...(await destinationRuleFindings(db, p))].map((r) => r.category));
        expect([...emitted].filter((c) => !documented.has(c)).sort(), `categories emitted (seed ${seed}) but not named in backticks in pipelines/${p.name}/README.md`).toEqual([]);
      }, 300_000);
});

/** The file and column that hold a company's name, per source. */
const COMPANY: Record<string, { file: string; column: string }> = {
  leadtrekker: { file: 'leads', column: 'company' },
  servicetracker: { file: 'clients', column: 'client_name' },
  leadtrac: { file: 'companies', column: 'name' },
  aspec: { file: 'companies', column: 'name' },
};

const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;

describe('near-duplicate companies are reported in every pipeline', () => {
  for (const p of registry.pipelines)
    it(p.name, async () => {
      const db = await createTestDb();
      const tmp = mkdtempSync(path.join(tmpdir(), `near-${p.name}-`));
      cleanup.push(async () => {
        await db.drop();
        rmSync(tmp, { recursive: true, force: true });
      });
      const input = path.join(tmp, 'export');
      cpSync(p.source.sampleDir, input, { recursive: true });
      const where = COMPANY[p.source.name]!;
      const spec = p.source.files.find((f) => f.name === where.file)!;
      const file = path.join(input, spec.file);
      const text = readFileSync(file, 'utf8');
      const first = text.split(/\r?\n/)[0]!;
      const delimiter = [',', ';', '\t', '|'].sort((a, b) => first.split(b).length - first.split(a).length)[0]!;
      const rows = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
      const header = rows[0]!.map((h) => h.trim().toLowerCase());
      const col = (name: string) => {
        const c = spec.columns.find((x) => x.name === name)!;
        return header.findIndex((h) => [c.header, ...(c.aliases ?? [])].some((a) => a.toLowerCase() === h));
      };
      const nameAt = col(where.column);
      const idAt = spec.idColumn ? col(spec.idColumn) : -1;
      expect(nameAt).toBeGreaterThanOrEqual(0);
      const row = rows.slice(1).find((r) => (r[nameAt] ?? '').trim().length >= 14 && r.length === header.length)!;
      expect(row, `a company name in ${spec.file}`).toBeDefined();
      const name = row[nameAt]!.trim();
      const variant = name.slice(0, 3) + name[2] + name.slice(3); // one letter doubled: a typing slip
      const copy = [...row];
      copy[nameAt] = variant;
      if (idAt >= 0) copy[idAt] = `${row[idAt]!.trim()}9`;
      if (spec.name === 'leads') {
        // another lead: its own email, so no merge by email hides it
        const e = col('email');
        if (e >= 0) copy[e] = 'near.duplicate@example.org';
      }
      writeFileSync(file, text.replace(/\s*$/, '') + (text.includes('\r\n') ? '\r\n' : '\n') + copy.map(cell).join(delimiter) + '\n', 'utf8');
      await prepare(db, p, input, ['extract', 'transform']);
      const found = (await db.pool.query<Row>(`select * from lib.dq_findings($1::text[]) where category in ('company_near_duplicate', 'company_variants', 'duplicate')`, [
        modelSchemas(p).filter((x) => x.startsWith('dq_')),
      ])).rows.filter((r) => `${r.value} ${r.message}`.includes(variant) || `${r.value} ${r.message}`.toUpperCase().includes(variant.toUpperCase()));
      expect(found.length, `${variant} (like ${name}) reported`).toBeGreaterThan(0);
    }, 200_000);
});
