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
  /** Conventions the export is read with, overriding the connector's and the export's file (extract, delta). */
  dateOrder?: 'dmy' | 'mdy';
  timezone?: string;
  phoneCountry?: string;
  decimalSeparator?: '.' | ',';
  currency?: string;
  /** load/delta: the share (0-1) of an object's records whose rejection fails the run (default 0.5). */
  rejectThreshold?: number;
  /** convert (leadtrekker-to-zoho): comma-separated source statuses whose leads are converted. */
  convertStatus?: string;
  [k: string]: unknown;
}

export interface StepContext {
  db: Db;
  pipeline: PipelineDefinition;
  flags: StepFlags;
  runId: number;
  /** Input folder: --input or the source's sample export. */
  input: string;
  /** Progress and messages for a person (stderr). */
  log: (msg: string) => void;
  /** The destination, connected on first use and closed at the end of the command. */
  destination(): Promise<Destination>;
  /** Summary parts each step adds to; printed at the end (or as JSON with --json). */
  summary: Record<string, unknown>;
}

export type Step = (ctx: StepContext) => Promise<void>;
