/**
 * A finding for every change names where the change is: every row of every pipeline's
 * data-quality views, as the report collects them (lib.dq_findings over the pipeline's dq_*
 * schemas), carries the export file and line of its record, the column as the export's header
 * writes it, and the value where the finding is about one. On each pipeline's bundled sample and
 * on a high-mess generated export (a fresh seed; CRM_MIGRATE_TEST_SEED=<n> replays it), through
 * extract, transform, setup and users against the sandbox.
 *
 * Also: near-duplicate companies and duplicate clusters are reported in every pipeline (a
 * category for them exists in the pipeline's views, found on a high-mess export that has them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { prepare } from '../load/harness.ts';
import { registry } from '../../pipelines/registry.ts';
import { modelSchemas, pipelineSchema, viewOf, type PipelineDefinition } from '../../engine/pipeline.ts';
import { generate } from '../../tools/generate/index.ts';

const seed = process.env.CRM_MIGRATE_TEST_SEED ?? String(1 + Math.floor(Math.random() * 1_000_000));
const SIZE: Record<string, number> = { leadtrekker: 80, servicetracker: 50, leadtrac: 60, aspec: 60 };

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

interface Row {
  dq_view: string;
  category: string;
  severity: string;
  object: string | null;
  source_key: string | null;
  field: string | null;
  value: string | null;
  message: string | null;
  file: string | null;
  line: string | null;
}

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
        if (which === 'high-mess') {
          // near-duplicate companies and duplicate clusters the generator drew are reported: as
          // near duplicates left for a person, or as the clusters the SQL merged
          const manifest = JSON.parse(readFileSync(path.join(input, 'manifest.json'), 'utf8')) as { files: Record<string, { classes?: Record<string, number> }> };
          const drawn = Object.values(manifest.files).reduce((n, f) => n + (f.classes?.['company.near_duplicate'] ?? 0) + (f.classes?.['client.duplicate_cluster'] ?? 0), 0);
          const reported = rows.filter((r) => ['company_near_duplicate', 'company_variants', 'duplicate'].includes(r.category));
          if (drawn > 0) expect(reported.length, `${drawn} near-duplicate companies or clusters drawn, none reported (seed ${seed})`).toBeGreaterThan(0);
        }
      }, 300_000);
});
