/** The steps a pipeline runs, by CLI name, and the order `<pipeline>` (all steps) runs them in. */
import type { Step, StepContext } from './context.ts';
import { requireOwnLanding } from '../landing.ts';
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

/**
 * Steps run by `tsx pipelines/run.ts <pipeline>` with no step named, in this order
 * (those registered above; DESIGN.md's list is the contract).
 */
export const STEP_ORDER = ['extract', 'discover', 'transform', 'test', 'report', 'setup', 'users', 'sample', 'verify', 'load', 'handoff'];
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

/** One line of help per step. */
export const stepHelp: Record<string, string> = {
  discover: 'profile the raw tables, propose the custom-field mapping (custom-fields.csv), list what will not migrate',
  extract: 'land the export files in raw_<source> (--input DIR, --encoding, --delimiter, --force)',
  transform: 'load value maps and build the SQL models that changed (--select model[+], --force: all)',
  test: 'run the model tests (sql/<schema>/<model>.yml); exit 1 when an error-severity test fails',
  report: 'write the data-quality report (HTML + a CSV per finding category) to out/<pipeline>/report (--out DIR)',
  users: 'match source users to destination users by email',
  setup: 'create the fields, picklist values and modules the load needs (plan; --apply performs it)',
  load: 'write the destination-shaped views to the destination (--fallback-owner EMAIL, --workers N)',
  sample: 'load a representative slice (--size N per object, default 200), then verify it',
  verify: 'diff every loaded field of the latest sample against the views (exit 1 on mismatches)',
  approve: 'sign off the latest clean sample for the current mapping (--by NAME); load needs it',
  reconcile: 'per-object counts of the last load run (--run ID): source, view, loaded, in destination',
  delta: 'pick up a new export (--input DIR): insert new, update changed, report deleted',
  rollback: 'undo a run (--run ID) or every run (--all): delete created, restore updated records',
  handoff: 'write the hand-off documents (Markdown + CSV) to out/<pipeline>/handoff',
};
