/** Run bookkeeping in etl.runs / etl.run_steps. */
import type { Db } from './db/connection.ts';

export async function startRun(db: Db, pipeline: string, step: string, args: Record<string, unknown>): Promise<number> {
  const { rows } = await db.pool.query(`insert into etl.runs (pipeline, step, args) values ($1, $2, $3) returning run_id`, [pipeline, step, JSON.stringify(args)]);
  return rows[0].run_id as number;
}

export async function finishRun(db: Db, runId: number, status: 'done' | 'failed' | 'stopped', summary: unknown, error?: string): Promise<void> {
  await db.pool.query(`update etl.runs set status = $2, summary = $3, error = $4, finished_at = now() where run_id = $1`, [runId, status, JSON.stringify(summary ?? null), error ?? null]);
}

export async function recordStep(db: Db, runId: number, name: string, status: string, counts: unknown): Promise<void> {
  await db.pool.query(
    `insert into etl.run_steps (run_id, name, status, counts, finished_at) values ($1, $2, $3, $4, now())
     on conflict (run_id, name) do update set status = excluded.status, counts = excluded.counts, finished_at = now()`,
    [runId, name, status, JSON.stringify(counts)],
  );
}
