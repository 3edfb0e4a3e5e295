import { approveSample } from '../lifecycle/approval.ts';
import type { Step } from './context.ts';

/** Record a person's sign-off of the latest clean verify, tied to the mapping's hash. */
export const approve: Step = async (ctx) => {
  await approveSample(ctx);
};
