import { loadObject, type ObjectCounts } from '../load/load-object.ts';
import { recordStep } from '../runs.ts';
import type { Step } from './context.ts';
import { CliError } from '../errors.ts';

/** Load every object of the pipeline in dependency order, with a count after each phase. */
export const load: Step = async (ctx) => {
  const dest = await ctx.destination();
  ctx.log(`load: into ${dest.target}`);
  let fallbackOwner: string | undefined;
  if (ctx.flags.fallbackOwner) {
    const u = (await dest.listUsers()).find((x) => x.email === ctx.flags.fallbackOwner);
    if (!u) throw new CliError('FALLBACK_OWNER_UNKNOWN', `--fallback-owner ${ctx.flags.fallbackOwner} is not a ${dest.name} user; name an existing user.`, { exitCode: 2 });
    fallbackOwner = u.id;
  }
  const objects: ObjectCounts[] = [];
  for (const obj of ctx.pipeline.objects) {
    const counts = await loadObject(
      { db: ctx.db, pipeline: ctx.pipeline, destination: dest, runId: ctx.runId, fallbackOwner, log: ctx.log },
      obj,
    );
    objects.push(counts);
    await recordStep(ctx.db, ctx.runId, `load:${obj.name}`, 'done', counts);
    ctx.log(
      `  ${obj.name.padEnd(20)} extracted ${counts.extracted}  loaded ${counts.loaded}  already loaded ${counts.already_loaded}  rejected ${counts.rejected}  queued ${counts.queued}  skipped ${counts.skipped}`,
    );
  }
  ctx.summary.objects = objects;
};
