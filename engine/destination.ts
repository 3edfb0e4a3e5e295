/**
 * What the load engine needs from a destination. Each destination connector (Zoho, Nutshell)
 * implements it; the engine knows neither by name.
 */
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
}

/** How a pipeline obtains its destination: the real service with credentials, else the sandbox. */
export interface DestinationFactory {
  name: string;
  connect(ctx: { databaseUrl: string; env: NodeJS.ProcessEnv; log: (msg: string) => void }): Promise<Destination>;
}
