/** Steps run in-process (real PostgreSQL, real sandbox over HTTP) to keep load tests fast. */
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import type { StepFlags } from '../../engine/steps/context.ts';
import { runOneStep, type OneStep } from '../../engine/steps/run-one.ts';
import type { TestDb } from '../helpers/db.ts';

export type StepRun = OneStep;

export async function runStep(db: TestDb, pipeline: PipelineDefinition, step: string, input: string, flags: Partial<StepFlags> = {}, env: Record<string, string> = {}): Promise<StepRun> {
  return runOneStep(db, pipeline, step, input, flags, env);
}

export async function prepare(db: TestDb, pipeline: PipelineDefinition, input: string, upTo: string[] = ['extract', 'transform', 'setup', 'users']): Promise<void> {
  for (const s of upTo) {
    const r = await runStep(db, pipeline, s, input);
    if (r.error) throw new Error(`${s} failed: ${r.error.message}\n${r.logs.join('\n')}`);
  }
}
