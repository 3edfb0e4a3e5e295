/**
 * Optional `convert` step (seed 000 "Lead -> Contact + Account (upon conversion)"): converts the
 * migrated Leads matching the customer's rule through Zoho's POST /Leads/{id}/actions/convert.
 * Never part of a full run: it runs only as `tsx pipelines/run.ts leadtrekker-to-zoho convert`
 * with a rule: LTK_CONVERT_STATUS=Won (or a --convert-status flag, read when the CLI passes it).
 */
import type { Destination, RecordOutcome } from '../../engine/destination.ts';
import type { Step } from '../../engine/steps/context.ts';
import { CliError } from '../../engine/errors.ts';

/** A destination that can run Zoho's lead-convert action. */
export interface LeadConverter {
  convertLead(id: string, body: Record<string, unknown>): Promise<RecordOutcome>;
}

const canConvert = (d: Destination): d is Destination & LeadConverter => typeof (d as Partial<LeadConverter>).convertLead === 'function';

export const convert: Step = async (ctx) => {
  const rule = String(ctx.flags.convertStatus ?? ctx.flags['convert-status'] ?? process.env.LTK_CONVERT_STATUS ?? '').trim();
  if (!rule) throw new CliError('CONVERT_NO_RULE', 'convert: name the Leadtrekker statuses to convert (LTK_CONVERT_STATUS=Won[,Other]); nothing is converted by default.', { exitCode: 2 });
  const statuses = rule.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const dest = await ctx.destination();
  if (!canConvert(dest)) throw new CliError('CONVERT_UNSUPPORTED', `convert: the ${dest.name} destination cannot run the lead-convert action.`);
  const { rows } = await ctx.db.pool.query(
    `select m.source_key, m.dest_id
       from etl.id_map m
       join stg_leadtrekker.leads l on 'leads:' || l.lead_id = m.source_key
      where m.pipeline = $1 and m.object = 'leads' and lower(l.status) = any($2)
        and not exists (select 1 from etl.load_log g where g.pipeline = $1 and g.object = 'convert'
                           and g.source_key = m.source_key and g.action = 'convert')
      order by m.source_key`,
    [ctx.pipeline.name, statuses],
  );
  let converted = 0;
  let failed = 0;
  for (const r of rows) {
    // No Deal: Leadtrekker has no amount or close date to give one; Zoho matches or creates the Account and Contact.
    const o = await dest.convertLead(r.dest_id, { overwrite: true, notify_lead_owner: false, notify_new_entity_owner: false });
    if (o.ok) converted++;
    else failed++;
    await ctx.db.pool.query(
      `insert into etl.load_log (run_id, pipeline, object, source_key, dest_module, dest_id, action, reason_code, message)
       values ($1, $2, 'convert', $3, 'Leads', $4, $5, $6, $7)`,
      [ctx.runId, ctx.pipeline.name, r.source_key, r.dest_id, o.ok ? 'convert' : 'reject', o.ok ? null : (o.code ?? 'CONVERT_FAILED'), o.ok ? null : (o.message ?? null)],
    );
  }
  ctx.log(`convert: ${converted} of ${rows.length} leads with status ${statuses.join(', ')} converted${failed ? `, ${failed} refused (etl.load_log)` : ''}`);
  ctx.summary.convert = { candidates: rows.length, converted, failed };
};
