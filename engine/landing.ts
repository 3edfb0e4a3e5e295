/**
 * Two pipelines of one source (the same source into two destinations) share
 * raw_<source> and stg_<source>. etl.source_landing says whose export they hold: `extract`
 * records its pipeline and input, `transform` the generation it built the staging tables from.
 * Every step that reads the staging data checks both are its pipeline's, so one pipeline's
 * extract never feeds another pipeline's load; it stops with RAW_OTHER_PIPELINE and the command
 * that lands its own export again.
 *
 * Extract and transform hold the source's lock exclusively; a load's planning holds it shared,
 * so a landing cannot change between the check and the snapshot the load reads.
 */
import type pg from 'pg';
import type { Db } from './db/connection.ts';
import { CliError } from './errors.ts';
import type { PipelineDefinition } from './pipeline.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface Landing {
  source: string;
  pipeline: string;
  input: string;
  run_id: number | null;
  generation: number;
  built_by: string | null;
  built_generation: number | null;
}

const lockKey = (source: string) => `crm-migrate:source:${source}`;

/** Run `fn` holding the source's lock exclusively (extract, transform). */
export async function withSourceLock<T>(db: Db, source: string, fn: () => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [lockKey(source)]);
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey(source)]);
    }
  } finally {
    client.release();
  }
}

/** Inside a transaction: hold the source's lock shared until it ends (a load's planning). */
export async function lockSourceShared(q: Queryable, source: string): Promise<void> {
  await q.query('select pg_advisory_xact_lock_shared(hashtext($1))', [lockKey(source)]);
}

export async function currentLanding(q: Queryable, source: string): Promise<Landing | undefined> {
  return (await q.query(`select * from etl.source_landing where source = $1`, [source])).rows[0];
}

/** extract: raw_<source> now holds this pipeline's export; the staging tables are not built from it yet. */
export async function recordLanding(db: Db, p: PipelineDefinition, input: string, runId: number): Promise<void> {
  await db.pool.query(
    `insert into etl.source_landing (source, pipeline, input, run_id) values ($1, $2, $3, $4)
     on conflict (source) do update set pipeline = excluded.pipeline, input = excluded.input, run_id = excluded.run_id,
       generation = etl.source_landing.generation + 1, landed_at = now(), built_by = null, built_generation = null, built_at = null`,
    [p.source.name, p.name, input, runId],
  );
}

/** transform: the staging tables were built from the current landing, for this pipeline. */
export async function recordBuilt(db: Db, p: PipelineDefinition): Promise<void> {
  await db.pool.query(`update etl.source_landing set built_by = $2, built_generation = generation, built_at = now() where source = $1`, [p.source.name, p.name]);
}

function again(p: PipelineDefinition, l: Landing): string {
  return `run \`npx crm-migrate ${p.name} extract --input <your export>\` (then transform) to land this pipeline's export again; raw_${p.source.name} now holds the export ${l.pipeline} landed from ${l.input}${l.run_id ? ` (run ${l.run_id})` : ''}`;
}

/**
 * Stop unless raw_<source> holds this pipeline's export (`built`: and the staging tables were
 * built from it by this pipeline's transform). A database no extract wrote to passes (fixtures).
 */
export async function requireOwnLanding(q: Queryable, p: PipelineDefinition, opts: { built: boolean }): Promise<void> {
  const l = await currentLanding(q, p.source.name);
  if (!l) return;
  if (l.pipeline !== p.name) throw new CliError('RAW_OTHER_PIPELINE', `${p.name}: ${again(p, l)}.`);
  if (opts.built && (l.built_by !== p.name || Number(l.built_generation) !== Number(l.generation)))
    throw new CliError('TRANSFORM_NEEDED', `${p.name}: the export in raw_${p.source.name} (landed from ${l.input}) has not been transformed since it landed; run \`npx crm-migrate ${p.name} transform\`.`);
}
