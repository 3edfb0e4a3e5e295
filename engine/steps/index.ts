/** The steps a pipeline runs, by CLI name, and the order `<pipeline>` (all steps) runs them in. */
import type { Step, StepContext } from './context.ts';
import { requireOwnLanding } from '../landing.ts';
import { STEP_ORDER } from './catalog.ts';
import { extract } from './extract.ts';
import { discover } from './discover.ts';
import { transform } from './transform.ts';
import { users } from './users.ts';
import { load } from './load.ts';
import { setup } from './setup.ts';
import { test } from './test.ts';
import { report } from './report.ts';
import { sample } from './sample.ts';
import { verify } from './verify.ts';
import { approve } from './approve.ts';
import { delta } from './delta.ts';
import { rollback } from './rollback.ts';
import { handoff } from './handoff.ts';
import { reconcile } from './reconcile.ts';
import { status } from './status.ts';

export const steps: Record<string, Step> = { extract, transform, test, report, setup, users, load };
// Lifecycle steps; approve, delta, rollback and reconcile run only when named (not in STEP_ORDER).
Object.assign(steps, { sample, verify, approve, delta, rollback, handoff, reconcile });
steps.discover = discover;
// Reads only (engine/cli runs it without a run row).
steps.status = status;

export { STEP_ORDER, stepHelp } from './catalog.ts';
/** Steps run by `<pipeline>` with no step named, in this order (those registered above). */
export const allSteps = STEP_ORDER.filter((s) => s in steps);

/**
 * What a step reads of the landed export: staging data (built by this pipeline's transform from
 * its own extract) or the raw tables (its own extract). Checked before the step runs
 * (engine/landing.ts), so one pipeline never works on another pipeline's export.
 */
export const READS_STAGING = new Set(['test', 'report', 'setup', 'users', 'sample', 'verify', 'load', 'handoff', 'reconcile', 'convert']);
export const READS_RAW = new Set(['discover']);

export async function guardStep(ctx: StepContext, step: string): Promise<void> {
  if (READS_STAGING.has(step)) await requireOwnLanding(ctx.db.pool, ctx.pipeline, { built: true });
  else if (READS_RAW.has(step)) await requireOwnLanding(ctx.db.pool, ctx.pipeline, { built: false });
}

