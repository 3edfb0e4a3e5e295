#!/usr/bin/env node
// `npx crm-migrate <pipeline> [step] [flags]`: the command line (pipelines/run.ts), from a
// bundle rebuilt when the sources change (bin/bundle.mjs).
import { run } from './bundle.mjs';

await run();
