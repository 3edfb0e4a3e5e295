import { runDelta } from '../lifecycle/delta.ts';
import type { Step } from './context.ts';
import { writeReport } from './report.ts';

/** Pick up a new export: insert new records, update changed ones, report deleted ones; then the report as it now stands. */
export const delta: Step = async (ctx) => {
  await runDelta(ctx);
  await writeReport(ctx, 'after delta');
};
