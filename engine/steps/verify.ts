import { runVerify } from '../lifecycle/verify.ts';
import type { Step } from './context.ts';

/** Read the sampled records back and diff every field against the views (exit 1 on mismatches). */
export const verify: Step = async (ctx) => {
  await runVerify(ctx);
};
