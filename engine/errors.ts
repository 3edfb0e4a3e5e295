/**
 * Errors the operator sees. Each carries a short stable code (listed in docs/errors.md)
 * and the exit code the CLI ends with.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, gate: 3 } as const;

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, opts: { cause?: unknown; exitCode?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.exitCode = opts.exitCode ?? EXIT.failed;
  }
}

/** A usage error: bad flags or arguments (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super('USAGE', message, { exitCode: EXIT.usage });
  }
}

/** Stopped at a gate that needs a person (exit 3). */
export class GateError extends CliError {
  constructor(code: string, message: string) {
    super(code, message, { exitCode: EXIT.gate });
  }
}
