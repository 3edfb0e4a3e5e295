import { runRollback } from '../lifecycle/rollback.ts';
import type { Step } from './context.ts';

/** Undo a run (--run ID) or every run (--all): delete what it created, restore what it updated. */
export const rollback: Step = async (ctx) => {
  await runRollback(ctx);
};
