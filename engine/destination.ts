/**
 * What the load engine needs from a destination. Each destination connector
 * (connectors/destinations/<name>) implements it; the engine knows none by name.
 */
import type pg from 'pg';
export interface RecordOutcome {
  ok: boolean;
  /** Destination id of the written record. */
  id?: string;
  /** Destination's code (e.g. SUCCESS, INVALID_DATA, DUPLICATE_DATA). */
  code?: string;
  message?: string;
  /** Field the destination blamed, if any. */
  field?: string;
  /** Worth trying again later (throttled, transient). */
  retryable?: boolean;
  /** Upserts: what the destination did with the record. */
  action?: string;
  /**
   * A failed write that may have happened all the same (the answer was lost: connection dropped,
   * 5xx after the server may have written). The engine keeps its write-ahead entry so the next
   * attempt looks for the record before creating it again (engine/load/intents.ts).
   */
  maybeWritten?: boolean;
}

export interface DestinationUser {
  id: string;
  email: string;
  name?: string;
  active: boolean;
}

/** A record to write: fields named as the destination names them, lookups already resolved. */
export type Payload = Record<string, unknown>;

export interface LookupRef {
  /** Destination id of the referenced record. */
  id: string;
  /** Destination module of the referenced record (for polymorphic links). */
  module: string;
}

export interface Destination {
  name: string;
  /** Human-readable target, e.g. "sandbox at http://127.0.0.1:1234" (never holds secrets). */
  target: string;
  isSandbox: boolean;
  /** Most records one write call takes. */
  maxBatch: number;
  /** Turn a view row (lookups resolved) into the destination's record shape. */
  shape(module: string, fields: Payload, lookups: Record<string, LookupRef>, owner?: string): Payload;
  insert(module: string, records: Payload[]): Promise<RecordOutcome[]>;
  update(module: string, records: { id: string; fields: Payload }[]): Promise<RecordOutcome[]>;
  delete(module: string, ids: string[]): Promise<RecordOutcome[]>;
  /** Read one record back (null if it does not exist). */
  get(module: string, id: string): Promise<Payload | null>;
  listUsers(): Promise<DestinationUser[]>;
  close(): Promise<void>;

  // ---- Optional members. The engine works without each one; the fallback is named. ----

  /**
   * Idempotent write keyed on `idempotencyField` (which holds the source_key): a record whose key
   * already exists is updated, never duplicated. Used for first writes so that a retry after an
   * ambiguous failure (connection dropped after the server may have written) cannot duplicate.
   * Absent: the engine inserts, and the destination's `insert` must dedupe itself (e.g. by
   * searching by email before creating people).
   */
  upsert?(module: string, records: Payload[]): Promise<RecordOutcome[]>;
  /** Field (unique, created by `setup`) that carries the record's key (recordKey) on every written record. */
  idempotencyField?: string;
  /**
   * Destination id of the record carrying this key (recordKey) in the idempotency field (a
   * read-after-write-consistent query), or null. The engine asks before recording a reject of a
   * first write: an earlier attempt whose answer was lost may have written it. Absent: the
   * reject stands.
   */
  findByKey?(module: string, sourceKey: string): Promise<string | null>;
  /**
   * Ids of every record of the module whose idempotency key starts with `prefix` (a pipeline's
   * `recordKey(pipeline, '')`): reconcile counts what the destination holds exactly with it.
   * Absent: reconcile reads records back one by one, or a sample of them (and says so).
   */
  listIdsByKeyPrefix?(module: string, prefix: string): Promise<Set<string>>;
  /**
   * Destinations with no idempotent write (no upsert, no idempotency key, no search on
   * custom fields): every record of the module created at or
   * after `since`, read in full, so the engine can recognise what an interrupted create wrote
   * (`isSameRecord`) before sending it again. null: the module cannot be listed (e.g. notes),
   * and an interrupted create of it is queued for a person instead of being sent twice.
   * Absent: the engine sends again (the destination's `insert` must dedupe itself).
   */
  createdSince?(module: string, since: Date): Promise<Payload[] | null>;
  /** Whether `got` (read back by createdSince) is the record written from `sent` (a shaped payload). */
  isSameRecord?(module: string, sent: Payload, got: Payload): boolean;
  /** Metadata calls `setup` uses. Absent: `setup` can only write the admin checklist. */
  schema?: DestinationSchema;
  /**
   * How the destination names and types a custom field (`discover` proposes with it, `setup`
   * labels with it): API names and labels it accepts, its type for a column, which fields it
   * counts as the same one. Absent: the header is the name and the label, types are the mapping
   * file's vocabulary as inferred, names compare case-insensitively.
   */
  customFields?: CustomFieldConventions;
  /** Largest attachment the destination takes, in bytes. Absent: 20 MB. */
  maxAttachmentBytes?: number;
  /** Upload one file to a record. Absent: attachment objects are queued for manual hand-off. */
  uploadAttachment?(module: string, parentId: string, file: { name: string; contentType: string; data: Buffer }): Promise<RecordOutcome>;
  /** Attachments already on a record (to find out whether an interrupted upload happened). */
  listAttachments?(module: string, parentId: string): Promise<{ id: string; name: string; size?: number }[]>;
  /**
   * Large-object path (a bulk import API): write many records in one asynchronous job. The engine
   * uses it for objects with at least `bulkThreshold` records to write. Absent: batches.
   */
  bulkUpsert?(module: string, records: Payload[]): Promise<RecordOutcome[]>;
  bulkThreshold?: number;
  /**
   * Whether the destination's metadata says `module` takes bulk jobs (e.g. a module of the
   * documented bulk set, or a custom module). Absent: every module is tried,
   * and a refused job (BulkWriteRefused) falls back to batches.
   */
  bulkSupported?(module: string): Promise<boolean>;
  /**
   * Convert a Lead into Contact + Account (+ Deal when the body asks for one), the
   * destination's lead-convert action; the ids of the records it created or matched come back. A lead already
   * converted answers `{ ok: false, code: 'ID_ALREADY_CONVERTED' }` with the ids it was converted
   * to when the destination can tell them. Absent: leads can only stay leads.
   */
  convertLead?(id: string, body: Record<string, unknown>): Promise<RecordOutcome & { contactId?: string; accountId?: string; dealId?: string }>;
  /**
   * A record `get` read back, put in the shape `shape` writes (verify compares the two field by
   * field). Absent: the destination reads records back as they were written.
   */
  asWritten?(module: string, read: Payload, written: Payload): Payload | Promise<Payload>;
  /** Calls made and records sent by write calls so far (for the batching report). */
  stats?(): { writeCalls: number; recordsWritten: number; retries: number };
}

export interface DestinationField {
  id?: string;
  apiName: string;
  label?: string;
  type: string;
  custom?: boolean;
  unique?: boolean;
  /** Picklists: the values the field offers. */
  picklistValues?: string[];
}

/** A custom column as `discover` profiled it: what a destination needs to propose a field. */
export interface CustomFieldColumn {
  header: string;
  column: string;
  /** InferredType of engine/custom-fields.ts: text, long_text, number, date, checkbox, picklist, email, phone. */
  inferred_type: string;
  /** Numbers: every value is whole. */
  integers?: boolean;
  /** Numbers: some value carries a currency. */
  money?: boolean;
  distinct_count: number;
}

/**
 * A destination's rules for custom fields. Field types are the mapping file's vocabulary (the
 * types lib.custom_value reads: text, textarea, integer, double, currency, date, datetime,
 * boolean, picklist, multiselectpicklist, email, phone, website); the adapter's createFields
 * turns them into its own.
 */
export interface CustomFieldConventions {
  /** Modules that take custom fields. Absent: every module. */
  modules?: string[];
  /** The field's type for a column, with why (named as the destination names it). */
  type(column: CustomFieldColumn, module: string): { type: string; why: string };
  /** The field as a mapping names it (what views write in `_custom` and setup creates), valid for the destination: characters, length, prefix. */
  name(header: string, column: string): string;
  /** The label setup sends for a field of this name (valid characters and length; where the destination derives the API name from the label, one that derives this very name). */
  label(header: string, name: string): string;
  /** Two fields (a name or a label) the destination counts as the same field compare equal under this key (labels without case, say, or names as written). */
  key(nameOrLabel: string): string;
  /** The n-th variant (n >= 2) of a name that clashes with a field already there. */
  numbered(name: string, n: number): string;
}

export interface DestinationModule {
  apiName: string;
  label?: string;
  custom?: boolean;
}

/** Schema (metadata) operations the `setup` step performs. */
export interface DestinationSchema {
  listModules(): Promise<DestinationModule[]>;
  /** Create a custom module; `{ ok: false, code: 'NOT_SUPPORTED' }` when the API cannot (edition). */
  createModule?(module: { apiName: string; label: string }): Promise<RecordOutcome>;
  listFields(module: string): Promise<DestinationField[]>;
  createFields(module: string, fields: { apiName: string; label: string; type: string; length?: number; unique?: boolean; picklistValues?: string[]; lookupModule?: string }[]): Promise<RecordOutcome[]>;
  addPicklistValues(module: string, field: DestinationField, values: string[]): Promise<RecordOutcome>;
  /**
   * What the destination refuses in a record of the module, read from its metadata (mandatory
   * fields, text lengths, picklist options), for `setup` to store in etl.destination_rules and
   * `report` to check every view row against. Absent: no rules are known and report checks none.
   */
  rules?(module: string): Promise<DestinationRule[]>;
}

/** One thing the destination refuses (etl.destination_rules; see staging-schema/0050). */
export interface DestinationRule {
  /** The destination's field (its API name or key). */
  field: string;
  rule: 'mandatory' | 'max_length' | 'picklist';
  /** View columns that fill the field (any one non-empty satisfies a mandatory rule). */
  columns: string[];
  dataType?: string;
  maxLength?: number;
  /** Picklists: the options. */
  values?: string[];
  /** Picklists: a value outside the options is refused (true) or stored as written (false). */
  strict?: boolean;
  /** Where the rule comes from (metadata key, layout, documented API rule). */
  origin: string;
}

/**
 * A bulk job the destination would not run (module not available for bulk, a refused upload):
 * nothing was written. `bulkUpsert` throws it; the engine sends the same records in batches.
 */
export class BulkWriteRefused extends Error {
  constructor(
    readonly module: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The key a written record carries in the destination (the idempotency field): the pipeline and the
 * record's source_key, `<pipeline>/leads:LT-100001`. Unique per org even when several
 * pipelines write to it: two pipelines' `contacts:1` are two records, and no write or rollback of
 * one pipeline can reach the other's.
 */
export const recordKey = (pipeline: string, sourceKey: string) => `${pipeline}/${sourceKey}`;

/**
 * What a destination's sandbox org holds, as a tool compares two orgs whose record ids differ:
 * module -> record key (the pipeline's source_key, e.g. `leads:LT-100001`) -> fields, with every
 * reference to another record written as `@<module>:<key>` of its target, volatile bookkeeping
 * (timestamps, revisions, own ids) left out, and attachments as module `Attachments`, keyed
 * `<parent module>:<parent key>|<file name>`, fields `{ size, sha256 }`.
 */
export interface OrgDump {
  records: Record<string, Record<string, Record<string, unknown>>>;
  /** `<module>:<key>` once per record beyond the first that carries the key (or attachment uploaded again). */
  duplicates: string[];
  /** Records (per module) that no key leads to: written without one, or whose key was never recorded. */
  unkeyed: Record<string, number>;
}

/** A destination's sandbox run as a server of its own (another process), and its org read back. */
export interface SandboxControl {
  /**
   * Start the sandbox of this pipeline (its seed: users, edition) on `databaseUrl`. `clientEnv`
   * is what a step's environment needs to talk to this server instead of starting its own.
   */
  start(opts: { databaseUrl: string; port?: number; host?: string; env?: NodeJS.ProcessEnv }): Promise<{ url: string; clientEnv: Record<string, string>; close(): Promise<void> }>;
  /** The org the sandbox holds in `databaseUrl`: the records of `modules` that `pipeline` writes, keyed by its keys. */
  dump(databaseUrl: string, pipeline: string, modules: string[]): Promise<OrgDump>;
  /**
   * The sandbox org as rollback promises to restore it (its records and files; fields and lists
   * of values belong to setup), read from the sandbox's tables in `pool`'s database, and what
   * differs between two such states ([] = equal, else one line per difference).
   */
  probe(pool: pg.Pool): Promise<OrgProbe>;
  /** The faults a rehearsal injects through this sandbox, each in a load of its own (`npm run chaos`'s fault matrix). */
  rehearsalFaults?: SandboxFault[];
  /** Calls the sandbox in `databaseUrl` answered with an injected fault (with `slowerThanMs`: calls that took longer). */
  injectedFaults?(databaseUrl: string, slowerThanMs?: number): Promise<number>;
}

/** One kind of fault a destination's sandbox injects, as a rehearsal runs it. */
export interface SandboxFault {
  name: string;
  /** Fault injection (the sandbox's CRM_SANDBOX_FAULTS JSON; the rehearsal adds its own seed). */
  faults?: Record<string, unknown>;
  /** More environment for the load (a client timeout...). */
  env?: Record<string, string>;
  /**
   * Environment for the load derived from the uninterrupted reference load's database (an org
   * whose day holds fewer API credits than that load spent).
   */
  envFromReference?(referenceUrl: string): Promise<Record<string, string>>;
  /** The first run must stop with this error code; then `between` runs and the load resumes. */
  expectStop?: string;
  between?(databaseUrl: string): Promise<void>;
  /** Report how many calls took longer than this (the client's timeout). */
  slowerThanMs?: number;
}

/** A sandbox org's state, comparable with `diff`. */
export interface OrgProbe<S = unknown> {
  state(): Promise<S>;
  diff(a: S, b: S): string[];
}

/**
 * What of a destination is secret: masked wherever the tool writes text (logs, reports, errors,
 * --json output; engine/secrets.ts).
 */
export interface DestinationSecrets {
  /** Environment variables whose values are credentials. */
  variables: readonly string[];
  /** Shapes of tokens the service issues (an access token seen before it is registered), and what replaces them. */
  tokens?: readonly { pattern: RegExp; mask: string }[];
}

/** How a pipeline obtains its destination: the real service with credentials, else the sandbox. */
export interface DestinationFactory {
  name: string;
  /** Its name for people, in reports and help (the product's name; absent: `name`). */
  title?: string;
  /** The environment variables it reads, as help lists them (credentials first; without them: the sandbox). */
  environment?: readonly string[];
  secrets?: DestinationSecrets;
  connect(ctx: { databaseUrl: string; env: NodeJS.ProcessEnv; log: (msg: string) => void }): Promise<Destination>;
  /** The sandbox as a standalone server and a reader of its org (crash rehearsals). */
  sandbox?: SandboxControl;
}
