/** Leadtrekker Lead Management -> Zoho CRM (seed 000). Mapping decisions: README.md beside this file. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { zohoDestination } from '../../connectors/destinations/zoho/index.ts';
import sandboxSeed from './sandbox-seed.json' with { type: 'json' };

const dir = path.dirname(fileURLToPath(import.meta.url));

export const leadtrekkerToZoho: PipelineDefinition = {
  name: 'leadtrekker-to-zoho',
  source: leadtrekker,
  destination: zohoDestination({ sandboxSeed: sandboxSeed as { users: { email: string; full_name: string }[] } }),
  dir,
  objects: [
    { name: 'leads', module: 'Leads', owner: 'Owner', sourceCount: 'raw_leadtrekker.leads' },
  ],
};
