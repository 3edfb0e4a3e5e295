/** Every pipeline the CLI knows, and the sandboxes it can run standalone. */
import type { CliRegistry } from '../engine/cli/main.ts';
import { leadtrekkerToZoho } from './leadtrekker-to-zoho/pipeline.ts';
import { servicetrackerToZoho } from './servicetracker-to-zoho/pipeline.ts';
import { leadtrekkerToNutshell } from './leadtrekker-to-nutshell/pipeline.ts';
import { leadtracToNutshell } from './leadtrac-to-nutshell/pipeline.ts';
import { aspecToZoho } from './aspec-to-zoho/pipeline.ts';

export const registry: CliRegistry = {
  pipelines: [leadtrekkerToZoho, servicetrackerToZoho, leadtrekkerToNutshell, aspecToZoho, leadtracToNutshell],
  // npm run chaos without --pipeline: one pipeline per destination.
  rehearsed: [leadtrekkerToZoho.name, leadtracToNutshell.name],
  sandboxes: {
    // Loaded when started: the CLI reads this registry for `--help` and `list` too.
    async zoho({ databaseUrl, port, host }) {
      const { startZohoSandbox } = await import('../connectors/destinations/zoho/sandbox/server.ts');
      const sb = await startZohoSandbox({ databaseUrl, port, host });
      return { url: sb.apiDomain, close: () => sb.close() };
    },
    async nutshell({ databaseUrl, port, host }) {
      const { startNutshellSandbox } = await import('../connectors/destinations/nutshell/sandbox/server.ts');
      const sb = await startNutshellSandbox({ databaseUrl, port, host });
      return { url: sb.apiUrl, close: () => sb.close() };
    },
  },
};
