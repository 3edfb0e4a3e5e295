import { runReconcile } from '../lifecycle/reconcile.ts';
import type { Step } from './context.ts';
import { writeReport } from './report.ts';

/** Per-object counts of the last load run (or --run ID): source, view, loaded, ..., in the destination. */
export const reconcile: Step = async (ctx) => {
  await runReconcile(ctx);
  await writeReport(ctx, 'after reconcile');
};
