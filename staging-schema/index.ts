/**
 * The staging-schema migrations in order. Each is a numbered, append-only file; list a new
 * one here (a static import works the same under tsx, vitest and a bundler).
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_etl_control_tables.ts';

export const migrations: Record<string, Migration> = {
  '0001_etl_control_tables': m0001,
};
