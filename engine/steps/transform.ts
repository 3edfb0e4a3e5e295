import path from 'node:path';
import { buildModels, dataVersion } from '../transform/build.ts';
import { existsSync } from 'node:fs';
import { loadCsvTable, loadValueMaps } from '../transform/value-maps.ts';
import { customFieldsFile, emptyMappingFile } from '../custom-fields.ts';
import { modelSchemas, pipelineSchema } from '../pipeline.ts';
import { modelsDir } from '../transform/models.ts';
import { writeCustomFunctions } from '../extract/custom-columns.ts';
import { resolveConventions, saveConventions } from '../extract/conventions.ts';
import type { Step, StepContext } from './context.ts';
import { recordBuilt, requireOwnLanding, withSourceLock } from '../landing.ts';

/**
 * Load the value maps, then build the pipeline's SQL models in dependency order. Only models
 * whose SQL or upstream changed are rebuilt (etl.model_state); --force rebuilds all,
 * --select MODEL[+] rebuilds the named model (and, with +, everything downstream).
 * CRM_MIGRATE_SQL_DIR points the runner at another models folder (fixtures, a customer's copy).
 */
export const transform: Step = async (ctx) => {
  // Builds from this pipeline's own landing only; holds the source's lock so no extract or other
  // transform changes raw_<source> / stg_<source> while the models are built (engine/landing.ts).
  await requireOwnLanding(ctx.db.pool, ctx.pipeline, { built: false });
  await withSourceLock(ctx.db, ctx.pipeline.source.name, () => build(ctx));
  await recordBuilt(ctx.db, ctx.pipeline);
};

async function build(ctx: StepContext): Promise<void> {
  const mapsDir = path.join(ctx.pipeline.dir, 'maps');
  // The staging models read the conventions extract recorded; a database no extract wrote to
  // (a fixture, a restored copy) gets the connector's own.
  await saveConventions(ctx.db, ctx.pipeline.source.name, resolveConventions(ctx.pipeline.source, undefined), { onlyIfMissing: true });
  await writeCustomFunctions(ctx.db, ctx.pipeline.source);
  const maps = await loadValueMaps(ctx.db, pipelineSchema(ctx.pipeline), mapsDir);
  // The custom-field mapping in use (the workspace's, else the pipeline's defaults), as a table
  // the custom_values model binds to the export's headers.
  const mappingFile = customFieldsFile(ctx.pipeline, ctx.flags.out);
  maps.push(await loadCsvTable(ctx.db, pipelineSchema(ctx.pipeline), 'map_custom_fields', existsSync(mappingFile) ? mappingFile : emptyMappingFile()));
  const t0 = performance.now();
  const result = await buildModels(ctx.db, modelsDir(), {
    schemas: modelSchemas(ctx.pipeline),
    select: ctx.flags.select,
    force: ctx.flags.force,
    dataVersion: await dataVersion(ctx.db, mapsDir, mappingFile),
    runId: ctx.runId,
  });
  ctx.log(
    `transform: ${maps.length} value maps, ${result.built.length} models built, ${result.skipped.length} unchanged, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  ctx.summary.transform = { value_maps: maps, models: result.built.map((b) => b.id), unchanged: result.skipped };
}
