/**
 * Where the staging database is: `DATABASE_URL` when set, else the embedded default.
 */
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { ensureEmbeddedServer } from './embedded.ts';
import type { Database } from './schema.ts';
import { projectRoot } from '../paths.ts';
import { CliError } from '../errors.ts';
import { databaseConnectError } from '../error-map.ts';

export const EMBEDDED_DB_NAME = 'crm_migrate';

/** The folder holding the embedded server's data (git-ignored). */
export function embeddedHome(): string {
  return process.env.CRM_MIGRATE_HOME ?? path.join(projectRoot, '.crm-migrate');
}

/**
 * Resolve the connection string: `DATABASE_URL` as given, or the embedded server (started if
 * needed) with its `crm_migrate` database (created if needed).
 */
export async function resolveDatabaseUrl(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.DATABASE_URL) {
    await checkDatabase(env.DATABASE_URL);
    return env.DATABASE_URL;
  }
  const srv = await ensureEmbeddedServer(embeddedHome());
  const admin = new pg.Client({ connectionString: srv.adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (err) {
    throw databaseConnectError(err, where(srv.adminUrl));
  }
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [EMBEDDED_DB_NAME]);
    if (!rowCount) await admin.query(`create database ${EMBEDDED_DB_NAME}`);
  } finally {
    await admin.end();
  }
  return srv.adminUrl.replace(/\/postgres$/, `/${EMBEDDED_DB_NAME}`);
}

/** How long a first connection may take before the database counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Host:port, database, user and the redacted URL, for messages. */
function where(url: string): { hostPort: string; database: string; user: string; redacted: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CliError('USAGE', 'DATABASE_URL is not a connection string (postgres://USER:PASSWORD@HOST:PORT/DATABASE).', { exitCode: 2 });
  }
  const user = decodeURIComponent(u.username) || process.env.PGUSER || 'postgres';
  return {
    hostPort: `${u.hostname || process.env.PGHOST || 'localhost'}:${u.port || process.env.PGPORT || 5432}`,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || user,
    user,
    redacted: redactUrl(url),
  };
}

/**
 * One connection, made and closed before anything else: a DATABASE_URL that points at nothing,
 * at a database that does not exist or with the wrong password fails first, within 10 s, with
 * DB_UNREACHABLE, DB_MISSING or DB_AUTH naming the server (never the password).
 */
export async function checkDatabase(url: string): Promise<void> {
  const w = where(url);
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  c.on('error', () => {});
  try {
    await c.connect();
  } catch (err) {
    await c.end().catch(() => {});
    throw databaseConnectError(err, w);
  }
  try {
    requireSupportedVersion(Number((await c.query('show server_version_num')).rows[0].server_version_num), w.hostPort);
  } finally {
    await c.end().catch(() => {});
  }
}

/** The PostgreSQL major versions the tool supports (CI: Debian's 15 and the embedded 17). */
export const SUPPORTED_PG = { min: 15, max: 17 };

/**
 * A server older than 15 stops before anything runs (nothing is tested there: CI runs the whole
 * suite on Debian's 15 and the embedded 17); a newer one than 17 runs with a warning, as untested.
 */
export function requireSupportedVersion(versionNum: number, server: string): void {
  const major = Math.floor(versionNum / 10_000);
  if (major < SUPPORTED_PG.min)
    throw new CliError(
      'DB_VERSION_UNSUPPORTED',
      `the PostgreSQL server at ${server} is version ${major}; crm-migrate supports ${SUPPORTED_PG.min} to ${SUPPORTED_PG.max}. Point DATABASE_URL at a newer server, or unset it to use the embedded PostgreSQL ${SUPPORTED_PG.max}.`,
    );
  if (major > SUPPORTED_PG.max)
    process.stderr.write(`warning: the PostgreSQL server at ${server} is version ${major}; crm-migrate is tested on ${SUPPORTED_PG.min} to ${SUPPORTED_PG.max}.\n`);
}

/** Redact the password of a connection string for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable connection string>';
  }
}

export interface Db {
  url: string;
  pool: pg.Pool;
  kysely: Kysely<Database>;
  close(): Promise<void>;
}

// Postgres bigint (int8) and numeric come back as strings by default; counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Run `fn` on one pooled connection inside BEGIN ... COMMIT; any error rolls back and is
 * rethrown, and the connection goes back to the pool either way.
 */
export async function inTransaction<T>(db: Pick<Db, 'pool'>, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export function openDb(url: string, max = 10): Db {
  // JIT off: the tool's big queries (a staging table's build, a full read of a load view) spend
  // their time in the parsers' function calls, which JIT does not speed up, and compiling their
  // large inlined expressions cost 3-4 s of server CPU per staging table at 100k leads. Options
  // set in PGOPTIONS come after it (so they win), and options written in the URL replace both.
  const options = ['-c jit=off', process.env.PGOPTIONS].filter(Boolean).join(' ');
  const pool = new pg.Pool({ connectionString: url, max, options });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    url,
    pool,
    kysely,
    async close() {
      await kysely.destroy();
    },
  };
}
