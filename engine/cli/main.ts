/**
 * The command line (a contract: docs/design.md, command line):
 *   list | <pipeline> [step] [flags] | db url|psql|stop | sandbox <destination> --port N
 * Logs go to stderr; `--json` prints one summary object on stdout. Exit: 0 done, 1 failed,
 * 2 usage, 3 stopped at a gate that needs a person.
 */
import path from 'node:path';
import { asCliError } from '../error-map.ts';
import { CliError, EXIT, UsageError } from '../errors.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { Destination } from '../destination.ts';
import type { Db } from '../db/connection.ts';
import type { StepContext, StepFlags } from '../steps/context.ts';
import { READ_ONLY_STEPS, STEP_NAMES, STEP_ORDER, stepHelp } from '../steps/catalog.ts';
import { redactSecrets, registerSecrets } from '../secrets.ts';
import { parseCommandLine, PROGRAM, type ParsedCommand } from './parse.ts';
import { createLogger, type CliLogger, type LogFormat } from './log.ts';
import { createProgress, type ProgressReporter } from './progress.ts';

export interface SandboxCommand {
  (args: { databaseUrl: string; port: number; host: string }): Promise<{ url: string; close(): Promise<void> }>;
}

export interface CliRegistry {
  pipelines: PipelineDefinition[];
  sandboxes: Record<string, SandboxCommand>;
  /** The pipelines `npm run chaos` rehearses by default (one per destination with a sandbox). */
  rehearsed?: string[];
}

export async function main(argv: string[], registry: CliRegistry): Promise<number> {
  // What each destination says is secret is masked from the first line written on.
  for (const p of registry.pipelines) registerSecrets(p.destination.secrets);
  let parsed;
  try {
    parsed = await parseCommandLine(argv, registry, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // A usage error is one line (no run was started, nothing was touched); with --json, also
    // the one object on stdout, wherever on the line --json was.
    process.stderr.write(`error [${err.code}]: ${redactSecrets(err.message)}\n`);
    if (argv.includes('--json')) process.stdout.write(JSON.stringify({ status: 'usage', error: { code: err.code, message: redactSecrets(err.message) } }) + '\n');
    return EXIT.usage;
  }
  if (parsed.printed) return EXIT.ok;
  const cmd = parsed.command;
  if (process.env.CRM_MIGRATE_PARSE_ONLY) {
    // How the line was understood, and nothing run: for scripts and docs checking their command lines.
    process.stdout.write(JSON.stringify({ command: cmd.kind, ...describeParsed(cmd), flags: cmd.flags, log_format: cmd.logFormat }) + '\n');
    return EXIT.ok;
  }
  const log = createLogger({ format: cmd.logFormat });
  try {
    if (cmd.kind === 'list') return list(registry, cmd.flags);
    if (cmd.kind === 'db') return await dbCommand(cmd.action, cmd.flags, log);
    if (cmd.kind === 'sandbox') return await sandboxCommand(registry, cmd.which, cmd.port, cmd.host, cmd.flags, log);
    if (cmd.steps.length === 1 && READ_ONLY_STEPS.has(cmd.steps[0]!)) return await statusCommand(cmd.pipeline, cmd.flags);
    return await runPipeline(cmd.pipeline, cmd.steps, cmd.flags, cmd.logFormat);
  } catch (err) {
    return reportError(err, cmd.flags.json, log);
  }
}

function describeParsed(cmd: ParsedCommand): Record<string, unknown> {
  if (cmd.kind === 'run') return { pipeline: cmd.pipeline.name, steps: cmd.steps };
  if (cmd.kind === 'db') return { action: cmd.action };
  if (cmd.kind === 'sandbox') return { sandbox: cmd.which, port: cmd.port, host: cmd.host };
  return {};
}

function reportError(caught: unknown, json: boolean, log: CliLogger): number {
  const e = asCliError(caught);
  const message = redactSecrets(e.message);
  log.error(`error [${e.code}]: ${message}`, { code: e.code });
  debugStack(e, log);
  if (json) process.stdout.write(JSON.stringify({ status: e.exitCode === EXIT.gate ? 'stopped' : 'failed', error: { code: e.code, message } }) + '\n');
  return e.exitCode;
}

/** With CRM_MIGRATE_DEBUG set, the stack of what went wrong (the original error's, for a mapped one). */
function debugStack(e: CliError, log: CliLogger): void {
  if (!process.env.CRM_MIGRATE_DEBUG) return;
  const original = e.cause instanceof Error ? e.cause : e;
  log.error(redactSecrets(String(original.stack)));
}

function list(registry: CliRegistry, flags: StepFlags): number {
  const data = registry.pipelines.map((p) => ({ pipeline: p.name, source: p.source.title, destination: p.destination.name, objects: p.objects.map((o) => o.name) }));
  if (flags.json) {
    process.stdout.write(JSON.stringify({ pipelines: data, steps: STEP_NAMES }) + '\n');
    return EXIT.ok;
  }
  const out: string[] = ['Pipelines:'];
  for (const d of data) out.push(`  ${d.pipeline.padEnd(26)} ${d.source} -> ${d.destination}  (${d.objects.join(', ')})`);
  out.push('', 'Steps run in this order when none is named:');
  for (const s of STEP_ORDER) out.push(`  ${s.padEnd(10)} ${stepHelp[s] ?? ''}`);
  out.push('', 'Steps run only when named:');
  for (const s of STEP_NAMES.filter((x) => !STEP_ORDER.includes(x))) out.push(`  ${s.padEnd(10)} ${stepHelp[s] ?? ''}`);
  const own = registry.pipelines.flatMap((p) => Object.keys(p.steps ?? {}).map((s) => ({ name: `${p.name} ${s}`, help: p.stepInfo?.[s]?.help ?? '' })));
  if (own.length) {
    out.push('', 'Pipeline-specific steps:');
    for (const o of own) out.push(`  ${o.name}  ${o.help}`);
  }
  out.push('', `Flags of a step: ${PROGRAM} <pipeline> <step> --help`);
  process.stdout.write(out.join('\n') + '\n');
  return EXIT.ok;
}

/** The staging database's URL, its schema brought up to date when the code is ahead of it. */
async function stagingDatabase(): Promise<string> {
  const { resolveDatabaseUrl, openDb } = await import('../db/connection.ts');
  const { migrateIfBehind } = await import('../db/migrate.ts');
  const url = await resolveDatabaseUrl();
  const db = openDb(url, 2);
  try {
    await migrateIfBehind(db);
  } finally {
    await db.close();
  }
  return url;
}

async function dbCommand(action: string, flags: StepFlags, log: CliLogger): Promise<number> {
  const { embeddedHome, redactUrl } = await import('../db/connection.ts');
  if (action === 'stop') {
    if (process.env.DATABASE_URL) throw new UsageError('db stop only stops the embedded server; DATABASE_URL is set.');
    const { stopEmbeddedServer } = await import('../db/embedded.ts');
    await stopEmbeddedServer(embeddedHome());
    log.info('embedded PostgreSQL stopped');
    if (flags.json) process.stdout.write(JSON.stringify({ status: 'done' }) + '\n');
    return EXIT.ok;
  }
  const url = await stagingDatabase();
  if (action === 'url') {
    process.stdout.write((flags.json ? JSON.stringify({ status: 'done', url }) : url) + '\n');
    return EXIT.ok;
  }
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('psql', [url], { stdio: 'inherit' });
  if (r.error) throw new CliError('PSQL_NOT_FOUND', `could not start psql (${r.error.message}); connect any SQL client to: ${redactUrl(url)}`);
  return r.status ?? EXIT.failed;
}

async function sandboxCommand(registry: CliRegistry, which: string, port: number, host: string, flags: StepFlags, log: CliLogger): Promise<number> {
  const start = registry.sandboxes[which];
  if (!start) throw new UsageError(`sandbox takes one of: ${Object.keys(registry.sandboxes).join(', ')}`);
  const databaseUrl = await stagingDatabase();
  const sb = await start({ databaseUrl, port, host });
  log.info(`sandbox ${which} listening at ${sb.url} (Ctrl-C to stop)`);
  process.stdout.write((flags.json ? JSON.stringify({ status: 'running', sandbox: which, url: sb.url }) : sb.url) + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sb.close();
  return EXIT.ok;
}

/**
 * `<pipeline> status`: reads the database and prints where the migration stands; records no run
 * (a status check changes nothing, so it is not part of the history) and calls no destination.
 */
async function statusCommand(pipeline: PipelineDefinition, flags: StepFlags): Promise<number> {
  const [{ resolveDatabaseUrl, openDb }, { migrateIfBehind }, { pipelineStatus, statusText }] = await Promise.all([
    import('../db/connection.ts'),
    import('../db/migrate.ts'),
    import('../steps/status.ts'),
  ]);
  const db = openDb(await resolveDatabaseUrl(), 2);
  try {
    await migrateIfBehind(db);
    const s = await pipelineStatus(db, pipeline, flags.out);
    process.stdout.write(redactSecrets(flags.json ? JSON.stringify({ status: 'done', ...s }) + '\n' : statusText(s)));
    return EXIT.ok;
  } finally {
    await db.close();
  }
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

async function runPipeline(pipeline: PipelineDefinition, stepNames: string[], flags: StepFlags, logFormat: LogFormat): Promise<number> {
  // A bar only where a person watches a terminal; lines on a timer wherever stderr goes elsewhere.
  const beforeWrite = { clear: () => {} };
  const logger = createLogger({ format: logFormat, beforeWrite: () => beforeWrite.clear() });
  let log = logger.child({ pipeline: pipeline.name });
  // Progress lines carry the run's fields too: they go through whichever log is current.
  const progress: ProgressReporter = createProgress({ bar: !!process.stderr.isTTY && !flags.json && logFormat === 'text', log: { info: (m, f) => log.info(m, f) } });
  beforeWrite.clear = () => progress.clearLine();
  const [{ resolveDatabaseUrl, openDb, redactUrl }, { migrateIfBehind }, { startRun, finishRun }, { steps, guardStep }] = await Promise.all([
    import('../db/connection.ts'),
    import('../db/migrate.ts'),
    import('../runs.ts'),
    import('../steps/index.ts'),
  ]);
  const databaseUrl = await resolveDatabaseUrl();
  const db: Db = openDb(databaseUrl);
  let destination: Destination | undefined;
  let runId: number | undefined;
  const summary: Record<string, unknown> = {};
  try {
    if (await migrateIfBehind(db)) log.info('staging schema brought up to date');
    runId = await startRun(db, pipeline.name, stepNames.length === 1 ? stepNames[0]! : 'all', { ...flags });
    log = log.child({ run_id: runId });
    log.info(`${pipeline.name}: run ${runId} (${stepNames.join(' -> ')}) on ${redactUrl(databaseUrl)}`);
    const ctx: StepContext = {
      db,
      pipeline,
      flags,
      runId,
      input: flags.input ?? (await defaultInput(db, pipeline, stepNames)),
      log: (msg) => log.info(msg),
      logAt: (level, msg) => log[level](msg),
      progress: (p) => progress.update(p),
      summary,
      async destination() {
        destination ??= await pipeline.destination.connect({ databaseUrl, env: process.env, log: (msg) => log.info(msg) });
        return destination;
      },
    };
    for (const name of stepNames) {
      progress.step(name);
      await guardStep(ctx, name);
      await (pipeline.steps?.[name] ?? steps[name])!(ctx);
    }
    progress.stop();
    await finishRun(db, runId, 'done', summary);
    printSummary(pipeline, runId, 'done', summary, flags);
    return EXIT.ok;
  } catch (caught) {
    progress.stop();
    const err = asCliError(caught);
    const gate = err.exitCode === EXIT.gate;
    if (runId !== undefined) await finishRun(db, runId, gate ? 'stopped' : 'failed', summary, redactSecrets(err.message)).catch(() => {});
    if (flags.json && runId !== undefined) {
      log.error(`error [${err.code}]: ${redactSecrets(err.message)}`, { code: err.code });
      debugStack(err, log);
      printSummary(pipeline, runId, gate ? 'stopped' : 'failed', { ...summary, error: { code: err.code, message: redactSecrets(err.message) } }, flags);
      return err.exitCode;
    }
    return reportError(err, flags.json, log);
  } finally {
    progress.stop();
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
  // Where the documents of this run are (the report is rewritten after load and reconcile).
  const report = summary.report as { html?: string; catalogue?: { file?: string } } | undefined;
  if (report?.html) process.stdout.write(`  report: ${report.html}\n`);
  if (report?.catalogue?.file) process.stdout.write(`  model catalogue: ${report.catalogue.file}\n`);
  const handoff = summary.handoff as { dir?: string } | undefined;
  if (handoff?.dir) process.stdout.write(`  hand-off documents: ${handoff.dir}\n`);
  if (status !== 'usage') process.stdout.write(`  where every record stands: npx crm-migrate ${pipeline.name} status\n`);
}
