/** Steps run in-process (real PostgreSQL, real sandbox over HTTP) to keep load tests fast. */
import type { Destination } from '../../engine/destination.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import type { StepContext, StepFlags } from '../../engine/steps/context.ts';
import { steps } from '../../engine/steps/index.ts';
import { startRun, finishRun } from '../../engine/runs.ts';
import type { TestDb } from '../helpers/db.ts';

export interface StepRun {
  ctx: StepContext;
  logs: string[];
  error?: Error & { code?: string; exitCode?: number };
}

export async function runStep(db: TestDb, pipeline: PipelineDefinition, step: string, input: string, flags: Partial<StepFlags> = {}, env: Record<string, string> = {}): Promise<StepRun> {
  const logs: string[] = [];
  const runId = await startRun(db, pipeline.name, step, flags);
  let dest: Destination | undefined;
  const ctx: StepContext = {
    db,
    pipeline,
    flags: { json: true, force: false, strictGates: false, ...flags },
    runId,
    input,
    log: (m) => logs.push(m),
    summary: {},
    async destination() {
      dest ??= await pipeline.destination.connect({ databaseUrl: db.url, env: { ...process.env, ...env }, log: (m) => logs.push(m) });
      return dest;
    },
  };
  const out: StepRun = { ctx, logs };
  try {
    await steps[step]!(ctx);
    await finishRun(db, runId, 'done', ctx.summary);
  } catch (err) {
    out.error = err as StepRun['error'];
    await finishRun(db, runId, 'failed', ctx.summary, (err as Error).message);
  } finally {
    await dest?.close();
  }
  return out;
}

export async function prepare(db: TestDb, pipeline: PipelineDefinition, input: string, upTo: string[] = ['extract', 'transform', 'setup', 'users']): Promise<void> {
  for (const s of upTo) {
    const r = await runStep(db, pipeline, s, input);
    if (r.error) throw new Error(`${s} failed: ${r.error.message}\n${r.logs.join('\n')}`);
  }
}
