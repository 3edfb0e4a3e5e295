/** Typed views of the `etl` control tables for Kysely (see staging-schema/). */
import type { ColumnType, Generated } from 'kysely';

type Json = unknown;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface RunsTable {
  run_id: Generated<number>;
  pipeline: string;
  step: string;
  status: ColumnType<'running' | 'done' | 'failed' | 'stopped', string | undefined, string>;
  args: ColumnType<Json, string | undefined, string>;
  summary: ColumnType<Json | null, string | null | undefined, string | null>;
  error: string | null;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RunStepsTable {
  run_id: number;
  name: string;
  status: ColumnType<string, string | undefined, string>;
  counts: ColumnType<Json, string | undefined, string>;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ExtractBatchesTable {
  batch_id: Generated<number>;
  run_id: number | null;
  source: string;
  file: string;
  path: string;
  sha256: string;
  encoding: string | null;
  delimiter: string | null;
  rows_read: ColumnType<number, number | undefined, number>;
  rows_landed: ColumnType<number, number | undefined, number>;
  rows_rejected: ColumnType<number, number | undefined, number>;
  custom_fields: ColumnType<string[], string[] | undefined, string[]>;
  method: string | null;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RawColumnsTable {
  source: string;
  file: string;
  column_name: string;
  header: string;
  is_custom: ColumnType<boolean, boolean | undefined, boolean>;
  ordinal: number;
}

export interface IdMapTable {
  pipeline: string;
  object: string;
  source_key: string;
  dest_module: string;
  dest_id: string;
  payload_hash: string;
  payload: ColumnType<Json | null, string | null | undefined, string | null>;
  run_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type LoadAction = 'insert' | 'update' | 'skip' | 'reject' | 'queue' | 'delete' | 'restore';

export interface LoadLogTable {
  id: Generated<number>;
  run_id: number | null;
  pipeline: string;
  object: string;
  source_key: string;
  dest_module: string | null;
  dest_id: string | null;
  action: LoadAction;
  reason_code: string | null;
  message: string | null;
  before: ColumnType<Json | null, string | null | undefined, string | null>;
  call_id: string | null;
  at: Timestamp;
}

export interface RejectsTable {
  id: Generated<number>;
  run_id: number | null;
  pipeline: string | null;
  source: string | null;
  stage: 'extract' | 'transform' | 'load';
  object: string | null;
  file: string | null;
  line: number | null;
  source_key: string | null;
  field: string | null;
  reason_code: string;
  message: string;
  raw: string | null;
  at: Timestamp;
}

export interface ReconciliationQueueTable {
  id: Generated<number>;
  pipeline: string;
  kind: string;
  key: string;
  detail: string;
  records: ColumnType<Json, string | undefined, string>;
  status: ColumnType<'open' | 'resolved' | 'dismissed', string | undefined, string>;
  resolution: string | null;
  created_at: Timestamp;
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface UserMapTable {
  pipeline: string;
  source_email: string;
  dest_user_id: string | null;
  dest_email: string | null;
  matched_by: string;
  run_id: number | null;
}

export interface ConfirmedMappingsTable {
  pipeline: string;
  kind: string;
  key: string;
  value: ColumnType<Json, string, string>;
  content_hash: string | null;
  confirmed_by: string | null;
  confirmed_at: Timestamp;
}

export interface Database {
  'etl.runs': RunsTable;
  'etl.run_steps': RunStepsTable;
  'etl.extract_batches': ExtractBatchesTable;
  'etl.raw_columns': RawColumnsTable;
  'etl.id_map': IdMapTable;
  'etl.load_log': LoadLogTable;
  'etl.rejects': RejectsTable;
  'etl.reconciliation_queue': ReconciliationQueueTable;
  'etl.user_map': UserMapTable;
  'etl.confirmed_mappings': ConfirmedMappingsTable;
}
