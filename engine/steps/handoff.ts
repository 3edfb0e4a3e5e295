import { runHandoff } from '../lifecycle/handoff.ts';
import type { Step } from './context.ts';

/** Write the hand-off documents (Markdown + CSV) for the customer's admin. */
export const handoff: Step = async (ctx) => {
  await runHandoff(ctx);
};
