/** The steps a pipeline runs, by CLI name, and the order `<pipeline>` (all steps) runs them in. */
import type { Step } from './context.ts';
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

export const steps: Record<string, Step> = { extract, transform, test, report, setup, users, load };
// Lifecycle steps; approve, delta, rollback and reconcile run only when named (not in STEP_ORDER).
Object.assign(steps, { sample, verify, approve, delta, rollback, handoff, reconcile });
steps.discover = discover;

export { STEP_ORDER, stepHelp } from './catalog.ts';
/** Steps run by `<pipeline>` with no step named, in this order (those registered above). */
export const allSteps = STEP_ORDER.filter((s) => s in steps);
