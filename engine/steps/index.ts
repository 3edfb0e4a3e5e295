/** The steps a pipeline runs, by CLI name, and the order `<pipeline>` (all steps) runs them in. */
import type { Step } from './context.ts';
import { extract } from './extract.ts';
import { transform } from './transform.ts';
import { users } from './users.ts';
import { load } from './load.ts';
import { setup } from './setup.ts';
import { test } from './test.ts';
import { report } from './report.ts';

export const steps: Record<string, Step> = { extract, transform, test, report, setup, users, load };

/**
 * Steps run by `tsx pipelines/run.ts <pipeline>` with no step named, in this order
 * (those registered above; DESIGN.md's list is the contract).
 */
export const STEP_ORDER = ['extract', 'discover', 'transform', 'test', 'report', 'setup', 'users', 'sample', 'verify', 'load', 'handoff'];
export const allSteps = STEP_ORDER.filter((s) => s in steps);

/** One line of help per step. */
export const stepHelp: Record<string, string> = {
  extract: 'land the export files in raw_<source> (--input DIR, --encoding, --delimiter, --force)',
  transform: 'load value maps and build the SQL models that changed (--select model[+], --force: all)',
  test: 'run the model tests (sql/<schema>/<model>.yml); exit 1 when an error-severity test fails',
  report: 'write the data-quality report (HTML + a CSV per finding category) to out/<pipeline>/report (--out DIR)',
  users: 'match source users to destination users by email',
  setup: 'create the fields, picklist values and modules the load needs (plan; --apply performs it)',
  load: 'write the destination-shaped views to the destination (--fallback-owner EMAIL, --workers N)',
};
