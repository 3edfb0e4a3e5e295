import path from 'node:path';
import { buildModels } from '../transform/build.ts';
import { loadValueMaps } from '../transform/value-maps.ts';
import { modelSchemas, pipelineSchema } from '../pipeline.ts';
import { sqlDir } from '../paths.ts';
import type { Step } from './context.ts';

/** Load the value maps, then build every SQL model of the pipeline in dependency order. */
export const transform: Step = async (ctx) => {
  const maps = await loadValueMaps(ctx.db, pipelineSchema(ctx.pipeline), path.join(ctx.pipeline.dir, 'maps'));
  const t0 = performance.now();
  const result = await buildModels(ctx.db, sqlDir, { schemas: modelSchemas(ctx.pipeline), select: ctx.flags.select });
  ctx.log(`transform: ${maps.length} value maps, ${result.built.length} models built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  ctx.summary.transform = { value_maps: maps, models: result.built.map((b) => b.id) };
};
