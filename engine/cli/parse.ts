/**
 * The command line, parsed with commander: one command per pipeline and one subcommand per
 * step, each declaring only the flags it takes (engine/steps/catalog.ts), so `<step> --help`
 * lists those and any other flag is refused before anything runs. Values pass the flags' zod
 * schemas (engine/cli/flags.ts).
 *
 * Nothing here touches the database or loads a step: a usage error never becomes a run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Help, Option } from 'commander';
import { distance } from 'fastest-levenshtein';
import { UsageError } from '../errors.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { StepFlags } from '../steps/context.ts';
import { ALL_STEPS_INFO, STEP_INFO, STEP_ORDER, type StepInfo } from '../steps/catalog.ts';
import { projectRoot } from '../paths.ts';
import { FLAGS, GLOBAL_FLAGS, collect, type FlagSpec } from './flags.ts';
import type { LogFormat } from './log.ts';

export const PROGRAM = 'crm-migrate';

/** What the command line asks for, validated. */
export type ParsedCommand = { logFormat: LogFormat; flags: StepFlags } & (
  | { kind: 'list' }
  | { kind: 'db'; action: string }
  | { kind: 'sandbox'; which: string; port: number; host: string }
  | { kind: 'run'; pipeline: PipelineDefinition; steps: string[]; step?: string }
);

/** Help or the version was printed (exit 0), or a command to run. */
export type ParseOutcome = { printed: true } | { printed: false; command: ParsedCommand };

interface Registryish {
  pipelines: PipelineDefinition[];
  sandboxes: Record<string, unknown>;
}

/** Words joined into lines of at most `width` characters. */
function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** The registry's destinations, each once, in the order of its pipelines. */
const destinationsOf = (registry: Registryish) => [...new Map(registry.pipelines.map((p) => [p.destination.name, p.destination])).values()];

/** Examples and environment after the command list: the pipelines and destinations are the registry's. */
function helpAfter(registry: Registryish): string {
  const example = registry.pipelines[0]?.name ?? '<pipeline>';
  const col = Math.max(example.length + ' extract --input DIR'.length, 'list'.length) + 2;
  const line = (cmd: string, what = '') => (what ? `  ${PROGRAM} ${cmd.padEnd(col)}${what}` : `  ${PROGRAM} ${cmd}`);
  const destinationEnv = destinationsOf(registry)
    .map((d) => d.environment ?? [])
    .filter((vars) => vars.length)
    .map((vars) => vars.join(', '));
  const environment = [
    'DATABASE_URL (else an embedded PostgreSQL in .crm-migrate/)',
    ...(destinationEnv.length ? [`${destinationEnv.join('; ')} (without credentials: the sandbox)`] : []),
    'CRM_MIGRATE_PROGRESS_SECONDS (seconds between progress lines when stderr is not a terminal, default 10)',
    'CRM_MIGRATE_DEBUG=1 (debug log lines, stack traces).',
  ].join('; ');
  return `
Examples:
${line('list')}
${line(example, 'every step on the bundled sample')}
${line(`${example} extract --input DIR`, `one step (${PROGRAM} <pipeline> <step> --help)`)}
${line('db url')}

${wrap(`Environment: ${environment}`)}
Exit codes: 0 done, 1 failed, 2 usage error, 3 stopped at a gate that needs a person.`;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Closest candidates within a few edits (or sharing a prefix): the "did you mean". */
export function suggest(input: string, candidates: string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(input, c);
    const close = d <= Math.max(1, Math.floor(c.length * 0.4)) || (input.length >= 3 && c.startsWith(input));
    if (close && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

interface CommandMeta {
  /** What the command is called in messages: `load`, `the all-steps run`. */
  what: string;
  specs: FlagSpec[];
  info?: StepInfo;
}

const specsOf = (info: StepInfo): FlagSpec[] => [...GLOBAL_FLAGS.map((n) => FLAGS[n]!), ...info.flags.map((f) => (typeof f === 'string' ? FLAGS[f]! : f))];

/** The term help shows for a flag (`--encoding utf8|windows1252`); commander's own would split on `|`. */
const terms = new WeakMap<Option, string>();

/** Declare a command's flags; leftovers are kept for refuseLeftovers (commander would word its own error). */
function declare(cmd: Command, specs: FlagSpec[]): Command {
  for (const s of specs) {
    const o = new Option(`--${s.name}${s.arg ? ' <value>' : ''}`, s.help);
    if (s.repeatable) o.argParser(collect);
    terms.set(o, `--${s.name}${s.arg ? ` ${s.arg}` : ''}`);
    cmd.addOption(o);
  }
  return cmd.allowUnknownOption().allowExcessArguments().helpCommand(false);
}

/** Where each flag is taken, for "misplaced" messages. */
function flagOwners(registry: Registryish): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  const add = (flag: string, step: string) => owners.set(flag, (owners.get(flag) ?? new Set()).add(step));
  for (const [step, info] of Object.entries(STEP_INFO)) for (const f of info.flags) add(typeof f === 'string' ? f : f.name, step);
  for (const p of registry.pipelines) for (const [step, info] of Object.entries(p.stepInfo ?? {})) for (const f of info.flags) add(typeof f === 'string' ? f : f.name, `${p.name} ${step}`);
  add('port', 'sandbox');
  add('host', 'sandbox');
  return owners;
}

function flagName(arg: string): string {
  return arg.replace(/^-+/, '').split('=')[0]!;
}

/** Refuse what commander left over: flags this command does not take, extra words. */
function refuseLeftovers(left: string[], meta: CommandMeta, owners: Map<string, Set<string>>, extra: (word: string) => never): void {
  if (!left.length) return;
  const first = left[0]!;
  if (!first.startsWith('-') || first === '-') extra(first);
  const name = flagName(first);
  const own = [...meta.specs.map((s) => s.name), 'help'];
  const takenBy = owners.get(name);
  if (takenBy) {
    const list = [...takenBy];
    throw new UsageError(`${meta.what} does not take --${name} (${list.length > 3 ? `${list.slice(0, 3).join(', ')}, ...` : list.join(', ')} ${list.length === 1 ? 'takes' : 'take'} it)`);
  }
  const guess = name.length > 0 && first.startsWith('--') ? suggest(name, own) : undefined;
  throw new UsageError(`unknown flag ${first.split('=')[0]} for ${meta.what}${guess ? ` (did you mean --${guess}?)` : ''}`);
}

/** The options given on the command line (not defaults), by flag name. */
function given(cmd: Command, specs: FlagSpec[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const s of specs) {
    const key = s.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (cmd.getOptionValueSource(key) === 'cli') out.set(s.name, cmd.getOptionValue(key));
  }
  return out;
}

/** zod over each given value; a step's required flags and rules; StepFlags out. */
async function validate(values: Map<string, unknown>, meta: CommandMeta): Promise<{ flags: StepFlags; logFormat: LogFormat }> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, raw] of values) {
    const spec = meta.specs.find((s) => s.name === name)!;
    const r = spec.schema.safeParse(raw);
    if (!r.success) problems.push(`--${name} ${JSON.stringify(raw)}: ${r.error.issues.map((i) => i.message).join('; ')}`);
    else out[spec.key] = r.data;
  }
  if (typeof out.phoneCountry === 'string') {
    // Only the codes that have a numbering plan can be a default country for phone numbers;
    // the table loads only when the flag is given.
    const { isSupportedCountry } = await import('libphonenumber-js/min');
    if (!isSupportedCountry(out.phoneCountry)) problems.push(`--phone-country ${JSON.stringify(values.get('phone-country'))}: not an ISO 3166-1 alpha-2 country with a telephone numbering plan (e.g. ZA, US, NL)`);
  }
  if (problems.length) throw new UsageError(problems.join('; '));
  for (const r of meta.info?.required ?? []) {
    const spec = FLAGS[r] ?? meta.specs.find((s) => s.name === r)!;
    if (out[spec.key] === undefined) throw new UsageError(`${meta.what} needs --${r}${spec.arg ? ` ${spec.arg}` : ''}`);
  }
  const rule = meta.info?.check?.(out);
  if (rule) throw new UsageError(rule);
  const { logFormat, ...rest } = out;
  const flags: StepFlags = { json: false, force: false, strictGates: false, apply: false, all: false, ...rest };
  return { flags, logFormat: (logFormat as LogFormat | undefined) ?? 'text' };
}

/** The help hint for a usage error: the deepest command the words on the line name. */
function helpPath(argv: string[], registry: Registryish): string {
  const words = argv.filter((a) => !a.startsWith('-'));
  const p = registry.pipelines.find((x) => x.name === words[0]);
  if (p) {
    const step = words[1];
    if (step && (STEP_INFO[step] || p.stepInfo?.[step] || p.steps?.[step])) return `${PROGRAM} ${p.name} ${step} --help`;
    return `${PROGRAM} ${p.name} --help`;
  }
  if (words[0] === 'db' || words[0] === 'sandbox' || words[0] === 'list') return `${PROGRAM} ${words[0]} --help`;
  return `${PROGRAM} --help`;
}

export interface ParseIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/**
 * Parse argv. Help and --version are printed (stdout) and reported as `printed`; anything
 * else that is not a valid command throws a UsageError whose message ends with where to look.
 */
export async function parseCommandLine(argv: string[], registry: Registryish, io: ParseIo): Promise<ParseOutcome> {
  let command: ParsedCommand | undefined;
  const owners = flagOwners(registry);
  let captured = '';

  const program = new Command(PROGRAM)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: (t) => (captured += t), outputError: () => {} })
    .configureHelp({
      optionTerm(this: Help, option: Option) {
        return terms.get(option) ?? Help.prototype.optionTerm.call(this, option);
      },
      // `db url|psql|stop [flags]` rather than commander's `db [options]`.
      subcommandTerm: (cmd: Command) => `${cmd.name()} ${cmd.usage()}`,
    })
    .description(`ETL-as-code migrations from small source CRMs into ${destinationsOf(registry).map((d) => d.title ?? d.name).join(' and ')}`)
    .usage('<command> [flags]')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'this text (every command and step has its own: <command> --help)')
    .enablePositionalOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', helpAfter(registry));
  program.action(() => {
    const [word] = program.args;
    if (word === undefined) {
      io.err(program.helpInformation());
      throw new UsageError('name a command or a pipeline');
    }
    if (word.startsWith('-')) {
      const guess = suggest(flagName(word), ['help', 'version']);
      throw new UsageError(`unknown flag ${word.split('=')[0]}${guess ? ` (did you mean --${guess}?)` : ''}`);
    }
    const guess = suggest(word, [...registry.pipelines.map((p) => p.name), 'list', 'db', 'sandbox']);
    throw new UsageError(`unknown pipeline or command "${word}"${guess ? ` (did you mean ${guess}?)` : ''}`);
  });

  const unexpected = (word: string): never => {
    throw new UsageError(`unexpected argument "${word}"`);
  };
  const globalSpecs = GLOBAL_FLAGS.map((n) => FLAGS[n]!);

  const listMeta: CommandMeta = { what: 'list', specs: globalSpecs };
  declare(program.command('list').usage('[flags]').description('pipelines, their steps and what each step does'), globalSpecs).action(async (_o: unknown, c: Command) => {
    refuseLeftovers(c.args, listMeta, owners, unexpected);
    command = { kind: 'list', ...(await validate(given(c, globalSpecs), listMeta)) };
  });

  // The first word after db / sandbox says which; commander sees it as an excess argument.
  const firstWord = (c: Command, choices: string[], what: string): string => {
    const word = c.args.find((a) => !a.startsWith('-'));
    if (!word || !choices.includes(word)) {
      const guess = word ? suggest(word, choices) : undefined;
      throw new UsageError(`${what} takes one of: ${choices.join(', ')}${word ? ` (not "${word}"${guess ? `; did you mean ${guess}?` : ''})` : ''}`);
    }
    c.args.splice(c.args.indexOf(word), 1);
    return word;
  };

  declare(program.command('db').usage('url|psql|stop [flags]').description('the staging database: print its URL, open psql on it, stop the embedded server'), globalSpecs).action(async (_o: unknown, c: Command) => {
    const action = firstWord(c, ['url', 'psql', 'stop'], 'db');
    const meta: CommandMeta = { what: `db ${action}`, specs: globalSpecs };
    refuseLeftovers(c.args, meta, owners, unexpected);
    command = { kind: 'db', action, ...(await validate(given(c, globalSpecs), meta)) };
  });

  const sandboxSpecs = [...globalSpecs, FLAGS.port!, FLAGS.host!];
  const sandboxes = Object.keys(registry.sandboxes);
  declare(program.command('sandbox').usage(`${sandboxes.join('|')} [flags]`).description('run a sandbox API on its own (its org lives in the staging database)'), sandboxSpecs).action(async (_o: unknown, c: Command) => {
    const which = firstWord(c, sandboxes, 'sandbox');
    const meta: CommandMeta = { what: `sandbox ${which}`, specs: sandboxSpecs };
    refuseLeftovers(c.args, meta, owners, unexpected);
    const v = await validate(given(c, sandboxSpecs), meta);
    command = { kind: 'sandbox', which, port: (v.flags.port as number | undefined) ?? 0, host: (v.flags.host as string | undefined) ?? '127.0.0.1', ...v };
  });

  for (const p of registry.pipelines) {
    const stepNames = [...STEP_ORDER, ...Object.keys(STEP_INFO).filter((s) => !STEP_ORDER.includes(s)), ...Object.keys(p.steps ?? {})];
    const allMeta: CommandMeta = { what: 'the all-steps run', specs: specsOf(ALL_STEPS_INFO), info: ALL_STEPS_INFO };
    const pc = declare(program.command(p.name).usage('[step] [flags]').description(`${p.source.title} -> ${p.destination.name}: every step in order, or the step named`), allMeta.specs).enablePositionalOptions();
    pc.action(async (_o: unknown, c: Command) => {
      refuseLeftovers(c.args, allMeta, owners, (word) => {
        const guess = suggest(word, stepNames);
        throw new UsageError(`unknown step "${word}" for ${p.name}${guess ? ` (did you mean ${guess}?)` : ''}`);
      });
      command = { kind: 'run', pipeline: p, steps: STEP_ORDER, ...(await validate(given(c, allMeta.specs), allMeta)) };
    });
    for (const step of stepNames) {
      const info: StepInfo = STEP_INFO[step] ?? p.stepInfo?.[step] ?? { help: '', flags: [] };
      const meta: CommandMeta = { what: step, specs: specsOf(info), info };
      declare(pc.command(step).usage('[flags]').description(info.help), meta.specs).action(async (_o: unknown, c: Command) => {
        refuseLeftovers(c.args, meta, owners, unexpected);
        // Flags written before the step's name (`<pipeline> --force extract`) count for the
        // step when it takes them; the ones after the name win.
        const values = given(pc, allMeta.specs);
        for (const name of values.keys()) if (!meta.specs.some((s) => s.name === name)) refuseLeftovers([`--${name}`], meta, owners, unexpected);
        for (const [name, value] of given(c, meta.specs)) values.set(name, value);
        command = { kind: 'run', pipeline: p, steps: [step], step, ...(await validate(values, meta)) };
      });
    }
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${err.message}; see ${helpPath(argv, registry)}`);
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return { printed: true };
      // commander's own wording ("error: option '--input <value>' argument missing"), on one line.
      const msg = (captured || err.message).split('\n').filter(Boolean)[0]!.replace(/^error: /, '').replace(/ <value>/g, '');
      throw new UsageError(`${msg}; see ${helpPath(argv, registry)}`);
    }
    throw err;
  }
  if (!command) throw new UsageError(`nothing to run; see ${helpPath(argv, registry)}`);
  return { printed: false, command };
}
