/**
 * What went wrong, named for the person who can fix it. Any error that reaches the CLI, or the
 * record of a failed load chunk, passes through asCliError: an error a user can cause or fix
 * (the database unreachable, missing, refusing the password, out of disk; a destination refusing
 * the credentials or unreachable) gets its own code and what to do (docs/errors.md); UNEXPECTED
 * is left for bugs, and says so.
 */
import { CliError } from './errors.ts';

/**
 * An error the PostgreSQL server sent (pg's DatabaseError): told by its shape, so this module, read
 * by every command's error path, does not load the driver (`--help` must not).
 */
function isServerError(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown };
  return typeof err === 'object' && err !== null && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

interface SqlstateCode {
  /** A SQLSTATE, or its two-character class. */
  sqlstate: string;
  code: string;
  advice: string;
}

/**
 * PostgreSQL errors a user can act on: an exact SQLSTATE first, else its class. Anything else
 * from the server is a statement of ours that failed: a bug (UNEXPECTED), or MODEL_SQL where a
 * model is run.
 */
export const SQLSTATE_CODES: readonly SqlstateCode[] = [
  { sqlstate: '28P01', code: 'DB_AUTH', advice: 'the password in DATABASE_URL is wrong for this user' },
  { sqlstate: '28000', code: 'DB_AUTH', advice: "the server does not let this user in from here (pg_hba.conf): check DATABASE_URL's user, or ask the server's administrator" },
  { sqlstate: '3D000', code: 'DB_MISSING', advice: "create the database (createdb NAME) or fix the database name at the end of DATABASE_URL" },
  { sqlstate: '08', code: 'DB_UNREACHABLE', advice: 'the connection to the database failed: is the server running and reachable? Run the same command again once it is' },
  { sqlstate: '57P01', code: 'DB_SHUTDOWN', advice: 'an administrator shut the database server down (or restarted it) during the run: run the same command again once it is up' },
  { sqlstate: '57P02', code: 'DB_SHUTDOWN', advice: 'the database server crashed during the run: look at its log, then run the same command again' },
  { sqlstate: '57P03', code: 'DB_SHUTDOWN', advice: 'the database server is starting up or shutting down: wait, then run the same command again' },
  { sqlstate: '57014', code: 'DB_CANCELLED', advice: 'a statement was cancelled (statement_timeout, or by an administrator): raise statement_timeout for this user, then run the same command again' },
  { sqlstate: '53100', code: 'DB_DISK_FULL', advice: "the database server's disk is full: free space (or drop old raw_* / staging schemas), then run the same command again" },
  { sqlstate: '53200', code: 'DB_OUT_OF_MEMORY', advice: 'the database server ran out of memory: lower --workers or work_mem, or give the server more memory, then run again' },
  { sqlstate: '53300', code: 'DB_TOO_MANY_CONNECTIONS', advice: "the database server has no free connection: lower --workers, close other clients, or raise max_connections" },
  { sqlstate: '53', code: 'DB_RESOURCES', advice: 'the database server ran out of a resource (see the message): raise the limit named, then run again' },
  { sqlstate: '25006', code: 'DB_READ_ONLY', advice: 'DATABASE_URL points at a read-only server (a standby, or default_transaction_read_only): point it at the primary' },
  { sqlstate: '25P02', code: 'DB_TRANSACTION', advice: 'an earlier statement of the same transaction failed, and that first error is the cause: run again with CRM_MIGRATE_DEBUG=1 to see it' },
  { sqlstate: '25', code: 'DB_TRANSACTION', advice: 'a statement ran in the wrong transaction state (a server setting such as idle_in_transaction_session_timeout may have ended it): run the same command again' },
  { sqlstate: '42501', code: 'DB_PRIVILEGE', advice: "DATABASE_URL's user may not do this (it needs to create schemas, tables and functions in its database): grant it, or use the database's owner" },
  { sqlstate: '40001', code: 'DB_CONFLICT', advice: 'another session changed the same rows at the same moment: run the same command again' },
  { sqlstate: '40P01', code: 'DB_CONFLICT', advice: 'a deadlock with another session: run the same command again' },
  { sqlstate: '55P03', code: 'DB_CONFLICT', advice: 'a lock was not granted in time (lock_timeout): another session holds it; run again once it is done' },
];

export function sqlstateCode(sqlstate: string): SqlstateCode | undefined {
  return SQLSTATE_CODES.find((c) => c.sqlstate === sqlstate) ?? SQLSTATE_CODES.find((c) => c.sqlstate.length === 2 && sqlstate.startsWith(c.sqlstate));
}

/** A code from the table, as a CliError (the message keeps the server's words and the SQLSTATE). */
export function sqlstateError(sqlstate: string, message: string, cause?: unknown): CliError | undefined {
  const hit = sqlstateCode(sqlstate);
  return hit && new CliError(hit.code, `${message} (PostgreSQL ${sqlstate}): ${hit.advice}.`, { cause });
}

/** Network failures a socket reports (Node's codes): nothing reached the other side, or it hung up. */
const NET = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** The reason a network call failed, as a short word (ECONNREFUSED, TimeoutError, ...). */
export function netReason(err: unknown): string {
  const e = err as { code?: unknown; name?: string; message?: string; cause?: unknown };
  const c = e?.cause as { code?: unknown; name?: string } | undefined;
  if (typeof c?.code === 'string') return c.code;
  if (typeof e?.code === 'string') return e.code;
  if (e?.name === 'TimeoutError' || c?.name === 'TimeoutError') return 'timed out';
  return String(e?.message ?? err).slice(0, 200);
}

/** The error of a database connection that could not be made, for `where` (host:port, redacted URL). */
export function databaseConnectError(err: unknown, where: { hostPort: string; database: string; user: string; redacted: string }): CliError {
  const e = err as Error & { code?: string };
  if (isServerError(err) && e.code) {
    if (e.code === '3D000')
      return new CliError('DB_MISSING', `the database "${where.database}" does not exist on the PostgreSQL server at ${where.hostPort} (${where.redacted}): create it (createdb ${where.database}) or fix the name at the end of DATABASE_URL.`, { cause: err });
    if (e.code === '28P01' || e.code === '28000')
      return new CliError('DB_AUTH', `the PostgreSQL server at ${where.hostPort} refused user "${where.user}" (${where.redacted}): ${e.code === '28P01' ? 'wrong password' : 'not allowed from here (pg_hba.conf)'}; fix DATABASE_URL.`, { cause: err });
    const mapped = sqlstateError(e.code, `the PostgreSQL server at ${where.hostPort} refused the connection: ${e.message}`, err);
    if (mapped) return mapped;
  }
  return new CliError(
    'DB_UNREACHABLE',
    `cannot reach the PostgreSQL server at ${where.hostPort} (${netReason(err)}; ${where.redacted}): is it running, and is DATABASE_URL right? Unset DATABASE_URL to use the embedded server.`,
    { cause: err },
  );
}

/**
 * Any error as a CliError. Errors that know their own code (destination clients' errors have a
 * toCliError()) say it; PostgreSQL's through SQLSTATE_CODES; a lost or refused database
 * connection as DB_CONNECTION_LOST / DB_UNREACHABLE; the rest is UNEXPECTED: a bug.
 */
export function asCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  const e = (err ?? {}) as Error & { code?: unknown; toCliError?: () => CliError; address?: string; port?: number; syscall?: string };
  if (typeof e.toCliError === 'function') return e.toCliError();
  const message = String(e.message ?? err);
  if (isServerError(err) && typeof e.code === 'string') {
    const mapped = sqlstateError(e.code, message, err);
    if (mapped) return mapped;
  }
  // What pg reports when the server goes away under an open connection.
  if (/^Connection terminated/.test(message))
    return new CliError('DB_CONNECTION_LOST', `the connection to the database was lost (${message}): was the server restarted? Run the same command again: what was done is recorded.`, { cause: err });
  // The destination clients wrap their network errors; one that arrives bare is the database's.
  if (typeof e.code === 'string' && NET.has(e.code) && e.syscall && e.port !== undefined)
    return new CliError('DB_UNREACHABLE', `cannot reach the PostgreSQL server at ${e.address ?? '?'}:${e.port} (${e.code}): is it running? Run the same command again once it is.`, { cause: err });
  return new CliError('UNEXPECTED', `${message}. This is a bug: run again with CRM_MIGRATE_DEBUG=1 to print the stack, and report it with that stack.`, { cause: err });
}
