/**
 * Entry point: `npx crm-migrate <pipeline> [step] [flags]` (bin/crm-migrate.mjs runs this file,
 * bundled), or `tsx pipelines/run.ts ...` straight from the sources. See `--help`.
 */
import { main } from '../engine/cli/main.ts';
import { registry } from './registry.ts';

const code = await main(process.argv.slice(2), registry);
// Exit explicitly: an idle pool or a library's exit hook must not decide the exit code.
process.exit(code);
