import { runReconcile } from '../lifecycle/reconcile.ts';
import type { Step } from './context.ts';

/** Per-object counts of the last load run (or --run ID): source, view, loaded, ..., in the destination. */
export const reconcile: Step = async (ctx) => {
  await runReconcile(ctx);
};
