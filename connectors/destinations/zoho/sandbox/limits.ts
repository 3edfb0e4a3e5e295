/**
 * API credits (rolling 24 h ledger in sandbox_zoho.credit_ledger) and concurrency limits
 * (per-sandbox in-flight counters, plus the sub-concurrency pool of heavy calls), reference §9.
 */
import type pg from 'pg';
import type { ResolvedOrg } from './config.ts';
import { fail } from './http.ts';

const DAY_MS = 24 * 3600 * 1000;

export class Limits {
  private charges: { at: number; credits: number }[] = [];
  inFlight = 0;
  subInFlight = 0;
  rejectedConcurrency = 0;
  rejectedCredits = 0;
  peakInFlight = 0;

  constructor(
    private pool: pg.Pool,
    public org: ResolvedOrg,
  ) {}

  async load(): Promise<void> {
    const { rows } = await this.pool.query(
      `select extract(epoch from at) * 1000 as at, credits from sandbox_zoho.credit_ledger where at > now() - interval '24 hours' order by at`,
    );
    this.charges = rows.map((r) => ({ at: Number(r.at), credits: r.credits }));
  }

  used(): number {
    const cutoff = Date.now() - DAY_MS;
    while (this.charges.length && this.charges[0]!.at <= cutoff) this.charges.shift();
    return this.charges.reduce((s, c) => s + c.credits, 0);
  }

  remaining(): number {
    return Math.max(0, this.org.dailyCredits - this.used());
  }

  /** Before a call: credits left at all? (A call is refused only once the day's credits are gone.) */
  checkCredits(): void {
    if (this.remaining() <= 0) {
      this.rejectedCredits++;
      throw fail(429, 'TOO_MANY_REQUESTS', 'You have reached the API credit limit for the day. Please try again after some time.', { limit_type: 'credits' });
    }
  }

  acquire(heavy: boolean): () => void {
    if (this.inFlight >= this.org.concurrency || (heavy && this.subInFlight >= this.org.subConcurrency)) {
      this.rejectedConcurrency++;
      throw fail(429, 'TOO_MANY_REQUESTS', 'You have made too many concurrent requests. Please try again after some time.', {
        limit_type: heavy && this.subInFlight >= this.org.subConcurrency ? 'sub_concurrency' : 'concurrency',
      });
    }
    this.inFlight++;
    if (heavy) this.subInFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      if (heavy) this.subInFlight--;
    };
  }

  async charge(credits: number, path: string): Promise<void> {
    if (credits <= 0) return;
    this.charges.push({ at: Date.now(), credits });
    await this.pool.query('insert into sandbox_zoho.credit_ledger (credits, path) values ($1,$2)', [credits, path]);
  }

  /** X-API-CREDITS-REMAINING appears once half the day's credits are used (reference §9.4). */
  headers(): Record<string, string> {
    const used = this.used();
    return used >= this.org.dailyCredits / 2 ? { 'X-API-CREDITS-REMAINING': String(this.remaining()) } : {};
  }

  stats() {
    return {
      edition: this.org.edition,
      credits: { limit: this.org.dailyCredits, used: this.used(), remaining: this.remaining(), rejected: this.rejectedCredits },
      concurrency: {
        limit: this.org.concurrency,
        subLimit: this.org.subConcurrency,
        inFlight: this.inFlight,
        subInFlight: this.subInFlight,
        peak: this.peakInFlight,
        rejected: this.rejectedConcurrency,
      },
    };
  }
}

/** Credits per call (reference §9.2; choices for unconfirmed costs are in README.md). */
export function writeCredits(records: number): number {
  return Math.max(1, Math.ceil(records / 10));
}
