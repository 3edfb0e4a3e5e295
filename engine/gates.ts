/**
 * Gates: points where a person must act before data moves (unconfirmed custom-field mapping,
 * unmatched owners, sample not approved, admin checklist). On a real destination a gate stops
 * the run with exit 3. On the sandbox a rehearsal passes it, says so, and records that it did,
 * unless --strict-gates is given.
 */
import { GateError } from './errors.ts';
import type { StepContext } from './steps/context.ts';

export async function gate(ctx: StepContext, code: string, message: string): Promise<void> {
  const dest = await ctx.destination();
  if (dest.isSandbox && !ctx.flags.strictGates) {
    const msg = `gate ${code} passed automatically (sandbox rehearsal; --strict-gates stops here): ${message}`;
    if (ctx.logAt) ctx.logAt('warn', msg);
    else ctx.log(msg);
    await ctx.db.pool.query(
      `insert into etl.run_steps (run_id, name, status, counts, finished_at) values ($1, $2, 'auto-passed', $3, now())
       on conflict (run_id, name) do update set status = excluded.status, counts = excluded.counts`,
      [ctx.runId, `gate:${code}`, JSON.stringify({ message })],
    );
    return;
  }
  throw new GateError(code, message);
}
