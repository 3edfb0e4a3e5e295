/**
 * Every registered pipeline, on its bundled sample export: extract, build every model, run
 * every model test, and write the report. Steps run in-process (the CLI around them is covered
 * elsewhere) so all pipelines fit in one short test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { registry } from '../../pipelines/registry.ts';
import { steps } from '../../engine/steps/index.ts';
import { startRun } from '../../engine/runs.ts';
import { loadModels } from '../../engine/transform/models.ts';
import { sqlDir } from '../../engine/paths.ts';
import { modelSchemas } from '../../engine/pipeline.ts';
import type { StepContext } from '../../engine/steps/context.ts';

let db: TestDb;
let out: string;
beforeAll(async () => {
  db = await createTestDb();
  out = mkdtempSync(path.join(tmpdir(), 'crm-pipelines-'));
});
afterAll(async () => {
  await db?.drop();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe.each(registry.pipelines.map((p) => [p.name, p] as const))('%s on its sample export', (name, pipeline) => {
  it('builds every model, passes every model test, and reports', async () => {
    const logs: string[] = [];
    const ctx: StepContext = {
      db,
      pipeline,
      flags: { json: true, force: false, strictGates: false, out: path.join(out, name) },
      runId: await startRun(db, name, 'ci', {}),
      input: pipeline.source.sampleDir,
      log: (m) => logs.push(m),
      summary: {},
      destination: () => Promise.reject(new Error('no destination in this test')),
    };
    for (const s of ['extract', 'transform', 'test', 'report']) await steps[s]!(ctx);

    const schemas = modelSchemas(pipeline);
    const own = [...loadModels(sqlDir).models.values()].filter((m) => schemas.includes(m.schema)).map((m) => m.id);
    const present = await db.pool.query(`select count(*)::int as n from unnest($1::text[]) m where to_regclass(m) is not null`, [own]);
    expect(present.rows[0].n).toBe(own.length);
    const t = ctx.summary.test as { tests: number; failed: number; failures: unknown[] };
    expect(t.failed, JSON.stringify(t.failures, null, 1)).toBe(0);
    const rep = ctx.summary.report as { html: string; findings: { categories: Record<string, unknown> } };
    expect(readFileSync(rep.html, 'utf8')).toContain(`Pipeline <b>${name}</b>`);
  });

  it('has dq views that follow the finding contract (docs/models.md)', async () => {
    const schemas = modelSchemas(pipeline).filter((s) => s.startsWith('dq_'));
    const contract = await db.pool.query(`select message from lib.dq_findings($1::text[]) where category = 'dq_view_contract'`, [schemas]);
    expect(contract.rows.map((r) => r.message)).toEqual([]);
  });
});
