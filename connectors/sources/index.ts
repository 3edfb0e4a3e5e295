/** Every source connector: extract compares an export folder with each layout (engine/extract/recognise.ts). */
import type { SourceConnector } from '../../engine/source.ts';
import { aspec } from './aspec/index.ts';
import { leadtrac } from './leadtrac/index.ts';
import { leadtrekker } from './leadtrekker/index.ts';
import { servicetracker } from './servicetracker/index.ts';

export const knownSources: readonly SourceConnector[] = [leadtrekker, servicetracker, leadtrac, aspec];
