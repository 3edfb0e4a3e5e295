/**
 * The staging-schema migrations in order. Each is a numbered, append-only file; list a new
 * one here (a static import works the same under tsx, vitest and a bundler).
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_etl_control_tables.ts';
import * as m0010 from './0010_extract_findings_profiles.ts';
import * as m0011 from './0011_extract_batch_bytes.ts';
import * as m0012 from './0012_source_conventions.ts';
import * as m0013 from './0013_source_landing.ts';
import * as m0020 from './0020_model_state.ts';
import * as m0030 from './0030_load_work.ts';
import * as m0031 from './0031_load_snapshots.ts';
import * as m0032 from './0032_record_status.ts';
import * as m0040 from './0040_lifecycle.ts';
import * as m0041 from './0041_reconciliation_method.ts';
import * as m0045 from './0045_load_intents.ts';
import * as m0050 from './0050_destination_rules.ts';

export const migrations: Record<string, Migration> = {
  '0001_etl_control_tables': m0001,
  '0010_extract_findings_profiles': m0010,
  '0011_extract_batch_bytes': m0011,
  '0012_source_conventions': m0012,
  '0013_source_landing': m0013,
  '0020_model_state': m0020,
  '0030_load_work': m0030,
  '0031_load_snapshots': m0031,
  '0032_record_status': m0032,
  '0040_lifecycle': m0040,
  '0041_reconciliation_method': m0041,
  '0045_load_intents': m0045,
  '0050_destination_rules': m0050,
};
