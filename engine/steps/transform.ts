import path from 'node:path';
import { buildModels, dataVersion, type BuildOptions, type BuildResult } from '../transform/build.ts';
import type { Db } from '../db/connection.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import { existsSync } from 'node:fs';
import { loadCsvTable, loadValueMaps, type LoadedMap } from '../transform/value-maps.ts';
import { customFieldsFile, emptyMappingFile } from '../custom-fields.ts';
import { modelSchemas, pipelineSchema } from '../pipeline.ts';
import { loadModels, modelsDir } from '../transform/models.ts';
import { applyComments } from '../transform/comments.ts';
import { writeCustomFunctions } from '../extract/custom-columns.ts';
import { writeOrphanView } from '../extract/orphans.ts';
import { writeHeadersView, writeLineageView } from '../extract/lineage.ts';
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
  const t0 = performance.now();
  let built = 0;
  const { maps, result } = await buildPipelineModels(ctx.db, ctx.pipeline, {
    out: ctx.flags.out,
    select: ctx.flags.select,
    force: ctx.flags.force,
    runId: ctx.runId,
    // How many are left is not known ahead (only changed models build): a count and the last one.
    onModel: ctx.progress && ((m) => ctx.progress!({ label: 'models', done: ++built, unit: 'models', note: `last: ${m.id}` })),
  });
  ctx.log(
    `transform: ${maps.length} value maps, ${result.built.length} models built, ${result.skipped.length} unchanged, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (result.restored.length) ctx.log(`transform: views outside this pipeline that the rebuild dropped were put back as they were: ${result.restored.join(', ')}`);
  for (const l of result.lost)
    ctx.log(`transform: warning: ${l.id} was dropped by the rebuild and could not be put back (${l.error}); rebuild the pipeline it belongs to with its own transform`);
  ctx.summary.transform = { value_maps: maps, models: result.built.map((b) => b.id), unchanged: result.skipped, restored: result.restored, lost: result.lost.map((l) => l.id) };
}

/**
 * What `transform` does, without the landing checks and the log: the source's conventions and
 * custom-column functions in place, the value maps and the custom-field mapping loaded as tables,
 * then the pipeline's models built (the benchmark runs this directly).
 */
export async function buildPipelineModels(
  db: Db,
  pipeline: PipelineDefinition,
  opts: { out?: string; select?: string[]; force?: boolean; runId?: number; onModel?: BuildOptions['onModel'] } = {},
): Promise<{ maps: LoadedMap[]; result: BuildResult }> {
  const mapsDir = path.join(pipeline.dir, 'maps');
  // The staging models read the conventions extract recorded; a database no extract wrote to
  // (a fixture, a restored copy) gets the connector's own.
  await saveConventions(db, pipeline.source.name, resolveConventions(pipeline.source, undefined), { onlyIfMissing: true });
  await writeCustomFunctions(db, pipeline.source);
  const maps = await loadValueMaps(db, pipelineSchema(pipeline), mapsDir);
  // The custom-field mapping in use (the workspace's, else the pipeline's defaults), as a table
  // the custom_values model binds to the export's headers.
  const mappingFile = customFieldsFile(pipeline, opts.out);
  maps.push(await loadCsvTable(db, pipelineSchema(pipeline), 'map_custom_fields', existsSync(mappingFile) ? mappingFile : emptyMappingFile(), { written: true }));
  const result = await buildModels(db, modelsDir(), {
    schemas: modelSchemas(pipeline),
    select: opts.select,
    force: opts.force,
    dataVersion: await dataVersion(db, mapsDir, mappingFile),
    runId: opts.runId,
    onModel: opts.onModel,
  });
  // The orphan check of every reference the connector declares (dq_<source>.orphan_values).
  await writeOrphanView(db, pipeline.source);
  // Where each record came from (file, line), for findings that name it by key (lib.dq_findings).
  await writeLineageView(db, pipeline.source);
  await writeHeadersView(db, pipeline.source);
  // What an analyst reads in the database: comments on every model and column, snake_case views.
  await applyComments(db, pipeline, loadModels(modelsDir()));
  return { maps, result };
}

