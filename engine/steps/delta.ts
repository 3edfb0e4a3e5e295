import { runDelta } from '../lifecycle/delta.ts';
import type { Step } from './context.ts';

/** Pick up a new export: insert new records, update changed ones, report deleted ones. */
export const delta: Step = async (ctx) => {
  await runDelta(ctx);
};
