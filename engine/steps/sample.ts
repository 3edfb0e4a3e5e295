import { runSample } from '../lifecycle/sample.ts';
import type { Step } from './context.ts';

/** Load a representative slice of every object, then verify it field by field. */
export const sample: Step = (ctx) => runSample(ctx);
