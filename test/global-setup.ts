/**
 * One PostgreSQL for the whole test run: DATABASE_URL's server when set, else a fresh embedded
 * server in a temporary folder. A template database with the staging schema is made once;
 * each test file clones it (CREATE DATABASE ... TEMPLATE, ~0.1 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../engine/db/embedded.ts';
import { openDb } from '../engine/db/connection.ts';
import { migrateToLatest } from '../engine/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

export function dbUrl(adminUrl: string, db: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  // The CLI's bundle, built once here rather than by the first of several test files at once.
  const { ensureBundle } = await import('../bin/bundle.mjs');
  await ensureBundle();
  let adminUrl: string;
  let home: string | undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    home = mkdtempSync(path.join(tmpdir(), 'crm-migrate-test-'));
    const srv = await ensureEmbeddedServer(home, 55000 + (process.pid % 5000));
    adminUrl = srv.adminUrl;
  }
  const templateDb = `crm_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${templateDb}`);
  const db = openDb(dbUrl(adminUrl, templateDb), 2);
  await migrateToLatest(db.kysely);
  await db.close();
  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', templateDb);

  return async () => {
    // Drop every database this run made (clones are named after the template).
    const { rows } = await admin.query(`select datname from pg_database where datname like $1`, [`crm_t%${process.pid}%`]);
    for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`).catch(() => {});
    await admin.query(`drop database if exists ${templateDb} with (force)`).catch(() => {});
    await admin.end();
    if (home) {
      await stopEmbeddedServer(home);
      rmSync(home, { recursive: true, force: true });
    }
  };
}
