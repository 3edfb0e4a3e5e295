/** What every step receives. */
import type { Db } from '../db/connection.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { Destination } from '../destination.ts';

export interface StepFlags {
  input?: string;
  json: boolean;
  encoding?: 'utf8' | 'windows1252';
  delimiter?: string;
  force: boolean;
  fallbackOwner?: string;
  select?: string[];
  /** Gates stop even on the sandbox (by default a sandbox rehearsal passes them, recorded). */
  strictGates: boolean;
  out?: string;
  /** sample: records per object. */
  size?: number;
  /** verify / reconcile / rollback: the run meant. */
  run?: number;
  /** rollback: every run of the pipeline. */
  all?: boolean;
  /** approve: who signs off. */
  by?: string;
  /** load/delta: the share (0-1) of an object's records whose rejection fails the run (default 0.5). */
  rejectThreshold?: number;
  /** load: chunks this process runs at once (1-64). */
  workers?: number;
  /** setup: make the planned changes on a real destination. */
  apply?: boolean;
  // How the source writes its values (extract, delta, the all-steps run), overriding the
  // connector's and the export's conventions file. Parsed and validated by the CLI; absent when
  // not given (docs/conventions.md).
  /** Ambiguous numeric dates: day first (dmy) or month first (mdy). */
  dateOrder?: 'dmy' | 'mdy';
  /** IANA time zone of the export's local times, canonically spelled (Intl). */
  timezone?: string;
  /** ISO 3166-1 alpha-2 country (upper case) of phone numbers written without a country code. */
  phoneCountry?: string;
  /** Decimal separator of amounts. */
  decimalSeparator?: '.' | ',';
  /** ISO 4217 code (upper case) of amounts that do not name a currency. */
  currency?: string;
  [k: string]: unknown;
}

export interface StepContext {
  db: Db;
  pipeline: PipelineDefinition;
  flags: StepFlags;
  runId: number;
  /** Input folder: --input or the source's sample export. */
  input: string;
  /** Progress and messages for a person (stderr; an info-level line of the log). */
  log: (msg: string) => void;
  /** A message at another level than info (a gate passed on the sandbox is a warning). */
  logAt?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
  /**
   * How far the step is (optional): the CLI draws it as a bar on a terminal and prints it as a
   * line every few seconds otherwise. Steps call it as often as they like.
   */
  progress?: (p: Progress) => void;
  /** The destination, connected on first use and closed at the end of the command. */
  destination(): Promise<Destination>;
  /** Summary parts each step adds to; printed at the end (or as JSON with --json). */
  summary: Record<string, unknown>;
}

export interface Progress {
  /** What is being worked on: a file, an object, a model. */
  label: string;
  done: number;
  /** Known total (same unit as done), for a percentage and an ETA. */
  total?: number;
  /** Unit of done/total: rows, bytes, records, models. */
  unit: string;
  /** Position in a list of items (file 3 of 12). */
  item?: { n: number; of: number; kind: string };
  /** Extra text after the counts (e.g. rows read so far while bytes are the measure). */
  note?: string;
}

export type Step = (ctx: StepContext) => Promise<void>;
