/**
 * One step in this process, as the CLI runs it but without its output: a run row of its own,
 * the destination connected on first use and closed at the end, the log kept in memory.
 * Tests and the chaos tool drive steps this way.
 */
import type { Db } from '../db/connection.ts';
import type { Destination } from '../destination.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import { startRun, finishRun } from '../runs.ts';
import { registerSecrets } from '../secrets.ts';
import type { StepContext, StepFlags } from './context.ts';
import { guardStep, steps } from './index.ts';

export interface OneStep {
  ctx: StepContext;
  logs: string[];
  runId: number;
  /** What the step threw, if it failed (its run row says `failed`). */
  error?: Error & { code?: string; exitCode?: number };
}

export async function runOneStep(
  db: Db,
  pipeline: PipelineDefinition,
  step: string,
  input: string,
  flags: Partial<StepFlags> = {},
  env: Record<string, string> = {},
): Promise<OneStep> {
  const fn = steps[step] ?? pipeline.steps?.[step];
  if (!fn) throw new Error(`${pipeline.name} has no step "${step}"`);
  const logs: string[] = [];
  registerSecrets(pipeline.destination.secrets);
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
  const out: OneStep = { ctx, logs, runId };
  try {
    await guardStep(ctx, step);
    await fn(ctx);
    await finishRun(db, runId, 'done', ctx.summary);
  } catch (err) {
    out.error = err as OneStep['error'];
    await finishRun(db, runId, 'failed', ctx.summary, (err as Error).message).catch(() => {});
  } finally {
    await dest?.close().catch(() => {});
  }
  return out;
}
