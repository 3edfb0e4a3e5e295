/**
 * Fault injection, deterministic under a seed: the n-th call of a sandbox run always draws the
 * same numbers, so a failing test replays exactly. Same JSON as the Zoho sandbox, from the
 * `faults` option or the CRM_SANDBOX_FAULTS environment variable.
 */
import { z } from 'zod';
import { prng } from '../../../../engine/util/prng.ts';

export const faultsSchema = z
  .object({
    seed: z.number().int().default(1),
    rate429: z.number().min(0).max(1).default(0),
    rate5xx: z.number().min(0).max(1).default(0),
    dropBeforeWrite: z.number().min(0).max(1).default(0),
    dropAfterWrite: z.number().min(0).max(1).default(0),
    latencyMs: z.number().min(0).default(0),
    jitterMs: z.number().min(0).default(0),
    recordRejectRate: z.number().min(0).max(1).default(0),
  })
  .strict();

export type FaultConfig = z.input<typeof faultsSchema>;
type Resolved = z.output<typeof faultsSchema>;

export interface FaultDecision {
  /** Answer with this HTTP status instead of running the call (429, 500 or 503). */
  status?: number;
  dropBefore: boolean;
  dropAfter: boolean;
  /** A create is rejected as if the record were invalid. */
  rejectRecord: boolean;
  delayMs: number;
}


export function parseFaults(json: string | undefined): FaultConfig | undefined {
  if (!json) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`CRM_SANDBOX_FAULTS is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = faultsSchema.safeParse(raw);
  if (!r.success) throw new Error(`CRM_SANDBOX_FAULTS: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

export class Faults {
  private cfg: Resolved | undefined;
  private rand: () => number = Math.random;
  constructor(cfg?: FaultConfig) {
    this.set(cfg);
  }

  /** Replace the configuration and restart the sequence from its seed. */
  set(cfg: FaultConfig | undefined) {
    this.cfg = cfg ? faultsSchema.parse(cfg) : undefined;
    this.rand = prng(this.cfg?.seed ?? 1);
  }

  /** Every call draws the same six numbers whatever happens, so later calls stay aligned. */
  next(isCreate: boolean): FaultDecision {
    const c = this.cfg;
    if (!c) return { dropBefore: false, dropAfter: false, rejectRecord: false, delayMs: 0 };
    const [r1, r2, r3, r4, r5, r6] = [this.rand(), this.rand(), this.rand(), this.rand(), this.rand(), this.rand()];
    const status = r1 < c.rate429 ? 429 : r1 < c.rate429 + c.rate5xx ? (r2 < 0.5 ? 500 : 503) : undefined;
    return {
      status,
      dropBefore: status === undefined && r3 < c.dropBeforeWrite,
      dropAfter: status === undefined && r4 < c.dropAfterWrite,
      rejectRecord: status === undefined && isCreate && r5 < c.recordRejectRate,
      delayMs: Math.max(0, c.latencyMs + (r6 * 2 - 1) * c.jitterMs),
    };
  }
}
