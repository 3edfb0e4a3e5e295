/**
 * Zoho's daily API credit budget (a rolling 24 h window per org, §9.1), kept by this adapter:
 * the engine knows no credits (a destination without a budget simply has none). Every
 * call is entered in etl.api_usage before it is sent; a call that would take the last 24 hours
 * past the budget (minus a reserve kept for people using the CRM) is not sent: the load stops
 * cleanly and the same command resumes it later. The server's X-API-CREDITS-REMAINING header,
 * when present, is trusted over the ledger.
 */
import type pg from 'pg';
import { CliError } from '../../../engine/errors.ts';

export class CreditBudgetError extends CliError {
  constructor(message: string) {
    super('CREDIT_BUDGET', message, { exitCode: 1 });
  }
}

export interface CreditBudgetOptions {
  destination: string;
  /** Credits per rolling 24 h this tool may spend (undefined: only the server's header counts). */
  limit?: number;
  /** Credits never spent (left for the CRM's users and integrations). */
  reserve: number;
}

export class CreditBudget {
  private used?: number;
  private serverRemaining?: number;
  private lastSync = 0;
  constructor(
    private readonly pool: pg.Pool,
    readonly opts: CreditBudgetOptions,
  ) {}

  static fromEnv(pool: pg.Pool, destination: string, env: NodeJS.ProcessEnv): CreditBudget {
    const limit = env.CRM_DAILY_CREDITS ? Number(env.CRM_DAILY_CREDITS) : undefined;
    const reserve = env.CRM_CREDIT_RESERVE ? Number(env.CRM_CREDIT_RESERVE) : limit === undefined ? 500 : 0;
    return new CreditBudget(pool, { destination, limit: Number.isFinite(limit) ? limit : undefined, reserve: Number.isFinite(reserve) ? reserve : 0 });
  }

  private async usedLast24h(): Promise<number> {
    // Several worker processes share the budget: re-read the ledger every few seconds.
    if (this.used === undefined || Date.now() - this.lastSync > 5000) {
      const { rows } = await this.pool.query(`select coalesce(sum(credits), 0)::int as n from etl.api_usage where destination = $1 and at > now() - interval '24 hours'`, [this.opts.destination]);
      this.used = rows[0].n as number;
      this.lastSync = Date.now();
    }
    return this.used!;
  }

  async spend(call: string, credits: number): Promise<void> {
    if (credits <= 0) return;
    if (this.opts.limit !== undefined) {
      const used = await this.usedLast24h();
      if (used + credits > this.opts.limit - this.opts.reserve) {
        const { rows } = await this.pool.query(
          `select min(at) + interval '24 hours' as free_at from etl.api_usage where destination = $1 and at > now() - interval '24 hours'`,
          [this.opts.destination],
        );
        const at = rows[0]?.free_at ? new Date(rows[0].free_at).toISOString() : 'later';
        throw new CreditBudgetError(
          `daily API credit budget reached: ${used} of ${this.opts.limit} credits used in the last 24 h (reserve ${this.opts.reserve}); stopped before "${call}". Nothing is lost: run the same command again after ${at} (or raise CRM_DAILY_CREDITS) to resume.`,
        );
      }
    }
    if (this.serverRemaining !== undefined && this.serverRemaining - credits < this.opts.reserve) {
      throw new CreditBudgetError(
        `the destination reports ${this.serverRemaining} API credits left today (reserve ${this.opts.reserve}); stopped before "${call}". Nothing is lost: run the same command again tomorrow to resume.`,
      );
    }
    this.used = (this.used ?? 0) + credits;
    if (this.serverRemaining !== undefined) this.serverRemaining -= credits;
    await this.pool.query('insert into etl.api_usage (destination, credits, call) values ($1, $2, $3)', [this.opts.destination, credits, call]);
  }

  remaining(credits: number): void {
    this.serverRemaining = credits;
  }
}
