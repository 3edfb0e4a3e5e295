import path from 'node:path';
import { buildModels } from '../transform/build.ts';
import { loadValueMaps, mapsHash } from '../transform/value-maps.ts';
import { modelSchemas, pipelineSchema } from '../pipeline.ts';
import { modelsDir } from '../transform/models.ts';
import type { Step } from './context.ts';

/**
 * Load the value maps, then build the pipeline's SQL models in dependency order. Only models
 * whose SQL or upstream changed are rebuilt (etl.model_state); --force rebuilds all,
 * --select MODEL[+] rebuilds the named model (and, with +, everything downstream).
 * CRM_MIGRATE_SQL_DIR points the runner at another models folder (fixtures, a customer's copy).
 */
export const transform: Step = async (ctx) => {
  const mapsDir = path.join(ctx.pipeline.dir, 'maps');
  const maps = await loadValueMaps(ctx.db, pipelineSchema(ctx.pipeline), mapsDir);
  // Table models are rebuilt when new files were landed or the value maps changed.
  const batches = await ctx.db.pool.query(`select coalesce(max(batch_id), 0) as b, count(*) as n from etl.extract_batches`);
  const dataVersion = `${batches.rows[0].b}:${batches.rows[0].n}:${mapsHash(mapsDir)}`;
  const t0 = performance.now();
  const result = await buildModels(ctx.db, modelsDir(), {
    schemas: modelSchemas(ctx.pipeline),
    select: ctx.flags.select,
    force: ctx.flags.force,
    dataVersion,
    runId: ctx.runId,
  });
  ctx.log(
    `transform: ${maps.length} value maps, ${result.built.length} models built, ${result.skipped.length} unchanged, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  ctx.summary.transform = { value_maps: maps, models: result.built.map((b) => b.id), unchanged: result.skipped };
};
