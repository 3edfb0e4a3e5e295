/**
 * Sign-off of a verified sample, tied to a hash of the mapping (SQL models, value maps,
 * custom-field mapping file). Editing any of them makes the approval stale, so a full load
 * needs a new sample, a clean verify and a new approval.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { modelSchemas, type PipelineDefinition } from '../pipeline.ts';
import { sqlDir } from '../paths.ts';
import { mapsHash } from '../transform/value-maps.ts';
import { customFieldsFile } from '../custom-fields.ts';
import { gate } from '../gates.ts';
import { CliError, UsageError } from '../errors.ts';
import type { StepContext } from '../steps/context.ts';
import type { Db } from '../db/connection.ts';

/** sha256 over the pipeline's SQL models (and shared SQL functions), value maps and custom-field file. */
export function mappingHash(p: PipelineDefinition, out?: string): string {
  const h = createHash('sha256');
  for (const schema of ['lib', ...modelSchemas(p)]) {
    const dir = path.join(sqlDir, schema);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.sql')).sort()) h.update(`${schema}/${f}\0`).update(readFileSync(path.join(dir, f))).update('\0');
  }
  h.update(`maps\0${mapsHash(path.join(p.dir, 'maps'))}\0`);
  const cf = customFieldsFile(p, out);
  if (existsSync(cf)) h.update('custom-fields\0').update(readFileSync(cf));
  return h.digest('hex');
}

export interface Approval {
  id: number;
  sample_run_id: number;
  verify_run_id: number;
  mapping_hash: string;
  approved_by: string;
  approved_at: Date;
}

export async function currentApproval(db: Db, p: PipelineDefinition, out?: string): Promise<Approval | undefined> {
  const { rows } = await db.pool.query(
    `select id, sample_run_id, verify_run_id, mapping_hash, approved_by, approved_at from etl.sample_approvals
      where pipeline = $1 and mapping_hash = $2 order by id desc limit 1`,
    [p.name, mappingHash(p, out)],
  );
  return rows[0];
}

/**
 * The gate a full load passes only when the current mapping has an approved sample.
 * On the sandbox it passes automatically (recorded) unless --strict-gates.
 */
export async function requireApprovedSample(ctx: StepContext): Promise<void> {
  const approval = await currentApproval(ctx.db, ctx.pipeline, ctx.flags.out);
  if (approval) {
    ctx.log(`sample approved by ${approval.approved_by} at ${approval.approved_at.toISOString()} (sample run ${approval.sample_run_id}) for the current mapping`);
    return;
  }
  const stale = (await ctx.db.pool.query('select count(*)::int as n from etl.sample_approvals where pipeline = $1', [ctx.pipeline.name])).rows[0].n as number;
  await gate(
    ctx,
    'SAMPLE_NOT_APPROVED',
    `${stale ? 'the mapping changed since the last approved sample' : 'no sample of this mapping has been approved'}: run \`sample\`, check out/${ctx.pipeline.name}/verify/verify.html, then \`approve --by NAME\`.`,
  );
}

/** `approve --by NAME`: sign off the latest verified sample of the current mapping. */
export async function approveSample(ctx: StepContext): Promise<Approval> {
  const by = typeof ctx.flags.by === 'string' ? ctx.flags.by.trim() : '';
  if (!by) throw new UsageError('approve needs --by NAME (who signs off the sample).');
  const hash = mappingHash(ctx.pipeline, ctx.flags.out);
  const { rows } = await ctx.db.pool.query(
    `select v.run_id, v.sample_run_id, v.mismatches, v.records from etl.verifications v
      where v.pipeline = $1 and v.mapping_hash = $2 and v.sample_run_id is not null order by v.run_id desc limit 1`,
    [ctx.pipeline.name, hash],
  );
  const v = rows[0];
  if (!v) throw new CliError('NO_VERIFIED_SAMPLE', `no verified sample of the current mapping of ${ctx.pipeline.name}: run \`sample\` (it loads a slice and verifies it) first.`);
  if (v.mismatches > 0)
    throw new CliError('SAMPLE_HAS_MISMATCHES', `the latest verify (run ${v.run_id}) of sample run ${v.sample_run_id} found ${v.mismatches} mismatching fields; fix the mapping, re-run \`sample\`, then approve.`);
  const ins = await ctx.db.pool.query(
    `insert into etl.sample_approvals (pipeline, sample_run_id, verify_run_id, mapping_hash, approved_by) values ($1,$2,$3,$4,$5)
     returning id, sample_run_id, verify_run_id, mapping_hash, approved_by, approved_at`,
    [ctx.pipeline.name, v.sample_run_id, v.run_id, hash, by],
  );
  const a = ins.rows[0] as Approval;
  ctx.log(`approve: sample run ${a.sample_run_id} (verify run ${a.verify_run_id}, ${v.records} records) approved by ${by}; mapping ${hash.slice(0, 12)}`);
  ctx.summary.approval = { sample_run_id: Number(a.sample_run_id), verify_run_id: Number(a.verify_run_id), mapping_hash: hash, approved_by: by };
  return a;
}
