/**
 * The command line (DESIGN.md's contract):
 *   list | <pipeline> [step] [flags] | db url|psql|stop | sandbox zoho|nutshell --port N
 * Logs go to stderr; `--json` prints one summary object on stdout. Exit: 0 done, 1 failed,
 * 2 usage, 3 stopped at a gate that needs a person.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { resolveDatabaseUrl, openDb, redactUrl, embeddedHome, type Db } from '../db/connection.ts';
import { stopEmbeddedServer } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { CliError, EXIT, UsageError } from '../errors.ts';
import { asCliError } from '../error-map.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { Destination } from '../destination.ts';
import { startRun, finishRun } from '../runs.ts';
import { steps, allSteps, stepHelp, guardStep } from '../steps/index.ts';
import type { StepContext, StepFlags } from '../steps/context.ts';
import { redactSecrets } from '../secrets.ts';

export interface SandboxCommand {
  (args: { databaseUrl: string; port: number; host: string }): Promise<{ url: string; close(): Promise<void> }>;
}

export interface CliRegistry {
  pipelines: PipelineDefinition[];
  sandboxes: Record<string, SandboxCommand>;
}

const USAGE = `Usage:
  tsx pipelines/run.ts list                          pipelines and their steps
  tsx pipelines/run.ts <pipeline>                    all steps on the defaults
  tsx pipelines/run.ts <pipeline> <step> [flags]
  tsx pipelines/run.ts db url|psql|stop              the staging database
  tsx pipelines/run.ts sandbox zoho|nutshell --port N   run a sandbox API standalone

Flags:
  --input DIR             export folder (default: the bundled sample for extract; the last extracted folder for later steps)
  --json                  print one JSON summary object on stdout (logs go to stderr)
  --encoding utf8|windows1252, --delimiter C   force what extract would detect
  --force                 re-land files even when unchanged
  --fallback-owner EMAIL  owner for records whose owner has no destination user
  --workers N             load worker processes' concurrency (others on the same database join)
  --reject-threshold F    load/delta: exit 1 when more than this share (0-1, default 0.5) of an object is rejected
  --apply                 setup: make the planned schema changes
  --select MODEL[+]       transform only MODEL (and, with +, everything downstream)
  --strict-gates          stop at gates even on the sandbox
  --out DIR               where reports and hand-off documents go (default out/<pipeline>)
  --size N                sample: records per object (default 200)
  --run ID, --all         verify/reconcile/rollback: which run (rollback: --all undoes every run)
  --by NAME               approve: who signs off the sample
  --convert-status V[,W]  convert (leadtrekker-to-zoho): Leadtrekker statuses whose leads are converted
  --date-order dmy|mdy, --timezone ZONE, --phone-country CC, --decimal-separator .|,, --currency CODE
                          extract/delta: how the export's values are read (docs/conventions.md)
  -h, --help              this text

Environment: DATABASE_URL; ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ZOHO_ACCOUNTS_URL,
ZOHO_API_DOMAIN; NUTSHELL_USERNAME, NUTSHELL_API_KEY, NUTSHELL_API_URL; CRM_MAX_FIELD_BYTES (largest
field extract lands, default 1 MB); CRM_HTTP_GIVE_UP_MS (how long an unreachable destination is
waited for, default 30 s); CRM_MIGRATE_DEBUG=1 prints the stack of an error.
Exit codes: 0 done, 1 failed, 2 usage error, 3 stopped at a gate that needs a person.`;

const flagSchema = z.object({
  input: z.string().min(1).optional(),
  json: z.boolean().default(false),
  encoding: z.enum(['utf8', 'windows1252']).optional(),
  delimiter: z
    .string()
    .transform((d) => (d === '\\t' || d === 'tab' ? '\t' : d))
    .refine((d) => d.length === 1, 'must be one character (or "tab")')
    .optional(),
  force: z.boolean().default(false),
  'fallback-owner': z.string().email().optional(),
  workers: z.coerce.number().int().min(1).max(64).optional(),
  apply: z.boolean().default(false),
  select: z.array(z.string()).optional(),
  'strict-gates': z.boolean().default(false),
  out: z.string().optional(),
  size: z.coerce.number().int().min(1).optional(),
  run: z.coerce.number().int().min(1).optional(),
  all: z.boolean().default(false),
  by: z.string().trim().min(1).optional(),
  'convert-status': z.string().trim().min(1).optional(),
  'reject-threshold': z.coerce.number().min(0).max(1).optional(),
  'date-order': z.enum(['dmy', 'mdy']).optional(),
  timezone: z.string().min(1).optional(),
  'phone-country': z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code').optional(),
  'decimal-separator': z.enum(['.', ',']).optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a three-letter currency code').optional(),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z.string().optional(),
});

export async function main(argv: string[], registry: CliRegistry): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        input: { type: 'string' },
        json: { type: 'boolean' },
        encoding: { type: 'string' },
        delimiter: { type: 'string' },
        force: { type: 'boolean' },
        'fallback-owner': { type: 'string' },
        workers: { type: 'string' },
        apply: { type: 'boolean' },
        select: { type: 'string', multiple: true },
        'strict-gates': { type: 'boolean' },
        out: { type: 'string' },
        size: { type: 'string' },
        run: { type: 'string' },
        all: { type: 'boolean' },
        by: { type: 'string' },
        'convert-status': { type: 'string' },
        'reject-threshold': { type: 'string' },
        'date-order': { type: 'string' },
        timezone: { type: 'string' },
        'phone-country': { type: 'string' },
        'decimal-separator': { type: 'string' },
        currency: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { positionals, values } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? process.stdout : process.stderr).write(USAGE + '\n');
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const flagsParsed = flagSchema.safeParse(values);
  if (!flagsParsed.success) {
    const msg = flagsParsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n');
    process.stderr.write(`${msg}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const f = flagsParsed.data;
  const flags: StepFlags = {
    input: f.input,
    json: f.json,
    encoding: f.encoding,
    delimiter: f.delimiter,
    force: f.force,
    fallbackOwner: f['fallback-owner']?.toLowerCase(),
    workers: f.workers,
    apply: f.apply,
    select: f.select,
    strictGates: f['strict-gates'],
    out: f.out,
    size: f.size,
    run: f.run,
    all: f.all,
    by: f.by,
    convertStatus: f['convert-status'],
    rejectThreshold: f['reject-threshold'],
    dateOrder: f['date-order'],
    timezone: f.timezone,
    phoneCountry: f['phone-country'],
    decimalSeparator: f['decimal-separator'],
    currency: f.currency,
  };
  const [command, sub, ...rest] = positionals;
  try {
    if (command === 'list') return list(registry, flags);
    if (command === 'db') return await dbCommand(sub);
    if (command === 'sandbox') return await sandboxCommand(registry, sub, f.port ?? 0, f.host ?? '127.0.0.1');
    const pipeline = registry.pipelines.find((p) => p.name === command);
    if (!pipeline) throw new UsageError(`unknown pipeline or command "${command}". Pipelines: ${registry.pipelines.map((p) => p.name).join(', ')}`);
    if (rest.length) throw new UsageError(`unexpected argument(s): ${rest.join(' ')}`);
    const known = { ...steps, ...(pipeline.steps ?? {}) };
    if (sub && !known[sub]) throw new UsageError(`unknown step "${sub}". Steps: ${Object.keys(known).join(', ')}`);
    return await runPipeline(pipeline, sub ? [sub] : allSteps, flags);
  } catch (err) {
    return reportError(err, flags.json);
  }
}

function reportError(err: unknown, json: boolean): number {
  const e = asCliError(err);
  const message = redactSecrets(e.message);
  process.stderr.write(`error [${e.code}]: ${message}\n`);
  debugStack(e);
  if (json) process.stdout.write(JSON.stringify({ status: e.exitCode === EXIT.gate ? 'stopped' : 'failed', error: { code: e.code, message } }) + '\n');
  return e.exitCode;
}

/** With CRM_MIGRATE_DEBUG set, the stack of what went wrong (the original error's, for a mapped one). */
function debugStack(e: CliError): void {
  if (!process.env.CRM_MIGRATE_DEBUG) return;
  const original = e.cause instanceof Error ? e.cause : e;
  process.stderr.write(redactSecrets(String(original.stack)) + '\n');
}

function list(registry: CliRegistry, flags: StepFlags): number {
  const data = registry.pipelines.map((p) => ({ pipeline: p.name, source: p.source.title, destination: p.destination.name, objects: p.objects.map((o) => o.name) }));
  if (flags.json) {
    process.stdout.write(JSON.stringify({ pipelines: data, steps: Object.keys(steps) }) + '\n');
    return EXIT.ok;
  }
  process.stdout.write('Pipelines:\n');
  for (const d of data) process.stdout.write(`  ${d.pipeline.padEnd(26)} ${d.source} -> ${d.destination}  (${d.objects.join(', ')})\n`);
  process.stdout.write('\nSteps run in this order when none is named:\n');
  for (const s of allSteps) process.stdout.write(`  ${s.padEnd(10)} ${stepHelp[s] ?? ''}\n`);
  process.stdout.write('\nSteps run only when named:\n');
  for (const s of Object.keys(steps).filter((x) => !allSteps.includes(x))) process.stdout.write(`  ${s.padEnd(10)} ${stepHelp[s] ?? ''}\n`);
  const own = registry.pipelines.flatMap((p) => Object.keys(p.steps ?? {}).map((s) => `${p.name} ${s}`));
  if (own.length) process.stdout.write(`\nPipeline-specific steps: ${own.join(', ')}\n`);
  return EXIT.ok;
}

async function dbCommand(sub: string | undefined): Promise<number> {
  if (sub === 'stop') {
    if (process.env.DATABASE_URL) throw new UsageError('db stop only stops the embedded server; DATABASE_URL is set.');
    await stopEmbeddedServer(embeddedHome());
    process.stderr.write('embedded PostgreSQL stopped\n');
    return EXIT.ok;
  }
  const url = await resolveDatabaseUrl();
  const db = openDb(url, 2);
  try {
    await migrateToLatest(db.kysely);
  } finally {
    await db.close();
  }
  if (sub === 'url') {
    process.stdout.write(url + '\n');
    return EXIT.ok;
  }
  if (sub === 'psql') {
    const r = spawnSync('psql', [url], { stdio: 'inherit' });
    if (r.error) throw new CliError('PSQL_NOT_FOUND', `could not start psql (${r.error.message}); connect any SQL client to: ${redactUrl(url)}`);
    return r.status ?? EXIT.failed;
  }
  throw new UsageError('db takes one of: url, psql, stop');
}

async function sandboxCommand(registry: CliRegistry, which: string | undefined, port: number, host: string): Promise<number> {
  const start = which ? registry.sandboxes[which] : undefined;
  if (!start) throw new UsageError(`sandbox takes one of: ${Object.keys(registry.sandboxes).join(', ')}`);
  const databaseUrl = await resolveDatabaseUrl();
  const db = openDb(databaseUrl, 2);
  await migrateToLatest(db.kysely);
  await db.close();
  const sb = await start({ databaseUrl, port, host });
  process.stderr.write(`sandbox ${which} listening at ${sb.url} (Ctrl-C to stop)\n`);
  process.stdout.write(sb.url + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sb.close();
  return EXIT.ok;
}

/**
 * The export folder when --input is not given: steps that read an export (extract, delta) take
 * the bundled sample; the others (load reads attachment bodies) take the folder the latest
 * extract of this source landed, so `extract --input X` then `load` reads X's files.
 */
async function defaultInput(db: Db, pipeline: PipelineDefinition, stepNames: string[]): Promise<string> {
  if (stepNames.includes('extract') || stepNames.includes('delta')) return pipeline.source.sampleDir;
  const last = await db.pool.query(
    `select path from etl.extract_batches where source = $1 and finished_at is not null order by batch_id desc limit 1`,
    [pipeline.source.name],
  );
  return last.rows[0] ? path.dirname(last.rows[0].path as string) : pipeline.source.sampleDir;
}

async function runPipeline(pipeline: PipelineDefinition, stepNames: string[], flags: StepFlags): Promise<number> {
  const log = (msg: string) => process.stderr.write(redactSecrets(msg) + '\n');
  const databaseUrl = await resolveDatabaseUrl();
  const db: Db = openDb(databaseUrl);
  let destination: Destination | undefined;
  let runId: number | undefined;
  const summary: Record<string, unknown> = {};
  try {
    await migrateToLatest(db.kysely);
    runId = await startRun(db, pipeline.name, stepNames.length === 1 ? stepNames[0]! : 'all', { ...flags });
    log(`${pipeline.name}: run ${runId} (${stepNames.join(' -> ')}) on ${redactUrl(databaseUrl)}`);
    const ctx: StepContext = {
      db,
      pipeline,
      flags,
      runId,
      input: flags.input ?? (await defaultInput(db, pipeline, stepNames)),
      log,
      summary,
      async destination() {
        destination ??= await pipeline.destination.connect({ databaseUrl, env: process.env, log });
        return destination;
      },
    };
    for (const name of stepNames) {
      await guardStep(ctx, name);
      await (pipeline.steps?.[name] ?? steps[name])!(ctx);
    }
    await finishRun(db, runId, 'done', summary);
    printSummary(pipeline, runId, 'done', summary, flags);
    return EXIT.ok;
  } catch (caught) {
    const err = asCliError(caught);
    const gate = err.exitCode === EXIT.gate;
    if (runId !== undefined) await finishRun(db, runId, gate ? 'stopped' : 'failed', summary, redactSecrets(err.message)).catch(() => {});
    if (flags.json && runId !== undefined) {
      process.stderr.write(`error [${err.code}]: ${redactSecrets(err.message)}\n`);
      debugStack(err);
      printSummary(pipeline, runId, gate ? 'stopped' : 'failed', { ...summary, error: { code: err.code, message: redactSecrets(err.message) } }, flags);
      return err.exitCode;
    }
    throw err;
  } finally {
    await destination?.close().catch(() => {});
    await db.close();
  }
}

function printSummary(pipeline: PipelineDefinition, runId: number, status: string, summary: Record<string, unknown>, flags: StepFlags) {
  const objects = (summary.objects as { object: string }[] | undefined) ?? [];
  const out = {
    pipeline: pipeline.name,
    run_id: runId,
    status,
    objects: Object.fromEntries(objects.map(({ object, ...counts }) => [object, counts])),
    ...Object.fromEntries(Object.entries(summary).filter(([k]) => k !== 'objects')),
  };
  if (flags.json) {
    process.stdout.write(redactSecrets(JSON.stringify(out)) + '\n');
    return;
  }
  process.stdout.write(`\n${pipeline.name} run ${runId}: ${status}\n`);
  if (objects.length) {
    const cols = ['extracted', 'loaded', 'already_loaded', 'rejected', 'queued', 'skipped'] as const;
    process.stdout.write(`  ${'object'.padEnd(20)}${cols.map((c) => c.padStart(16)).join('')}\n`);
    for (const o of objects as unknown as Record<string, number | string>[])
      process.stdout.write(`  ${String(o.object).padEnd(20)}${cols.map((c) => String(o[c] ?? 0).padStart(16)).join('')}\n`);
  }
}
