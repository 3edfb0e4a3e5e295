/**
 * What each step is and which flags it takes, without loading the steps themselves: `--help`,
 * `list` and flag checking read this, and only a step that runs loads its code
 * (engine/steps/index.ts). A test keeps the two lists equal.
 */
import { CONVENTION_FLAGS, type FlagSpec } from '../cli/flags.ts';

export interface StepInfo {
  /** One line for `list` and help. */
  help: string;
  /** Flags the step takes besides the global ones: names from FLAGS, or a flag the step defines itself. */
  flags: (string | FlagSpec)[];
  /** Flags that must be given (a usage error, before any run starts, when one is missing). */
  required?: string[];
  /** Rules between flags; returns the usage message when the flags break one. */
  check?: (flags: Record<string, unknown>) => string | undefined;
}

const EXPORT_READING = ['input', 'encoding', 'delimiter', 'force', ...CONVENTION_FLAGS];

// In the order `list --json` has always given them.
export const STEP_INFO: Record<string, StepInfo> = {
  extract: { help: 'land the export files in raw_<source> (--input DIR, --encoding, --delimiter, --force)', flags: EXPORT_READING },
  transform: { help: 'load value maps and build the SQL models that changed (--select model[+], --force: all)', flags: ['select', 'force', 'out'] },
  test: { help: 'run the model tests (sql/<schema>/<model>.yml); exit 1 when an error-severity test fails', flags: [] },
  report: { help: 'write the data-quality report (HTML + a CSV per finding category) to out/<pipeline>/report (--out DIR)', flags: ['out'] },
  setup: { help: 'create the fields, picklist values and modules the load needs (plan; --apply performs it)', flags: ['apply', 'out', 'strict-gates'] },
  users: { help: 'match source users to destination users by email', flags: [] },
  load: { help: 'write the destination-shaped views to the destination (--fallback-owner EMAIL, --workers N)', flags: ['input', 'fallback-owner', 'workers', 'reject-threshold', 'out', 'strict-gates'] },
  sample: { help: 'load a representative slice (--size N per object, default 200), then verify it', flags: ['size', 'input', 'fallback-owner', 'out'] },
  verify: { help: 'diff every loaded field of the latest sample against the views (exit 1 on mismatches)', flags: ['run', 'fallback-owner', 'out'] },
  approve: { help: 'sign off the latest clean sample for the current mapping (--by NAME); load needs it', flags: ['by', 'out'], required: ['by'] },
  delta: { help: 'pick up a new export (--input DIR): insert new, update changed, report deleted', flags: [...EXPORT_READING, 'fallback-owner', 'reject-threshold', 'out', 'strict-gates'] },
  rollback: {
    help: 'undo a run (--run ID) or every run (--all): delete created, restore updated records',
    flags: ['run', 'all'],
    check: (f) => ((f.run !== undefined) === (f.all === true) ? 'rollback takes either --run ID or --all' : undefined),
  },
  handoff: { help: 'write the hand-off documents (Markdown + CSV) to out/<pipeline>/handoff', flags: ['out'] },
  reconcile: { help: 'per-object counts of the last load run (--run ID): source, view, loaded, in destination', flags: ['run'] },
  discover: { help: 'profile the raw tables, propose the custom-field mapping (custom-fields.csv), list what will not migrate', flags: ['out'] },
};

/**
 * Steps run by `<pipeline>` with no step named, in this order (the contract in docs/design.md, command line).
 * approve, delta, rollback and reconcile run only when named.
 */
export const STEP_ORDER = ['extract', 'discover', 'transform', 'test', 'report', 'setup', 'users', 'sample', 'verify', 'load', 'handoff'];

/** Every step a pipeline has, built in (by CLI name). */
export const STEP_NAMES = Object.keys(STEP_INFO);

/** One line of help per step. */
export const stepHelp: Record<string, string> = Object.fromEntries(Object.entries(STEP_INFO).map(([k, v]) => [k, v.help]));

/**
 * The all-steps run takes what its steps take, except `--run` (verify's choice of an older
 * sample: the run verifies the sample it has just taken).
 */
export const ALL_STEPS_INFO: StepInfo = {
  help: 'every step in order: ' + STEP_ORDER.join(', '),
  flags: [...new Set(STEP_ORDER.flatMap((s) => STEP_INFO[s]!.flags.map((f) => (typeof f === 'string' ? f : f.name))))].filter((f) => f !== 'run'),
};
