import path from 'node:path';
import { buildModels, dataVersion } from '../transform/build.ts';
import { loadValueMaps } from '../transform/value-maps.ts';
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
  const t0 = performance.now();
  let built = 0;
  const result = await buildModels(ctx.db, modelsDir(), {
    schemas: modelSchemas(ctx.pipeline),
    select: ctx.flags.select,
    force: ctx.flags.force,
    dataVersion: await dataVersion(ctx.db, mapsDir),
    runId: ctx.runId,
    // How many are left is not known ahead (only changed models build): a count and the last one.
    onModel: ctx.progress && ((m) => ctx.progress!({ label: 'models', done: ++built, unit: 'models', note: `last: ${m.id}` })),
  });
  ctx.log(
    `transform: ${maps.length} value maps, ${result.built.length} models built, ${result.skipped.length} unchanged, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  ctx.summary.transform = { value_maps: maps, models: result.built.map((b) => b.id), unchanged: result.skipped };
};
