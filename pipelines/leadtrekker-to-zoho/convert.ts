/**
 * Optional `convert` step (seed 000 "Lead -> Contact + Account (upon conversion)"): converts the
 * migrated Leads matching the customer's rule through Zoho's POST /Leads/{id}/actions/convert.
 * Never part of a full run, and off by default:
 *
 *   npx crm-migrate leadtrekker-to-zoho convert                        # the plan only (exit 2)
 *   npx crm-migrate leadtrekker-to-zoho convert --convert-status Won   # plan, then convert
 *
 * (LTK_CONVERT_STATUS=Won is read when the flag is absent.) The plan is always shown first: per
 * Leadtrekker status, how many leads are loaded and how many of them are converted already.
 *
 * Each conversion is one etl.load_log row (object `convert`, action `update`, reason_code
 * `CONVERTED`, message naming the Contact / Account it became); a lead with such a row is not
 * sent again, and Zoho's ID_ALREADY_CONVERTED (a conversion whose answer was lost, or one done by
 * hand) is recorded the same way. A refusal is a `reject` row with Zoho's code, tried again on
 * the next run.
 */
import { z } from 'zod';
import type { Destination } from '../../engine/destination.ts';
import type { Step, StepFlags } from '../../engine/steps/context.ts';
import type { StepInfo } from '../../engine/steps/catalog.ts';
import { CliError } from '../../engine/errors.ts';

/** The flag is this step's own: no other step takes it, and the engine does not know it. */
export const convertInfo: StepInfo = {
  help: 'convert migrated Leads of the named Leadtrekker statuses to Contacts + Accounts (--convert-status Won[,Other])',
  flags: [
    {
      name: 'convert-status',
      key: 'convertStatus',
      arg: 'V[,W]',
      help: 'Leadtrekker statuses whose leads are converted, comma-separated (without it: the plan only, exit 2)',
      schema: z.string().trim().min(1, 'must name at least one status'),
    },
  ],
};

type Converter = Destination & Required<Pick<Destination, 'convertLead'>>;
const canConvert = (d: Destination): d is Converter => typeof d.convertLead === 'function';

/** Done conversions: what the idempotency check and the plan both count. */
const CONVERTED = `exists (select 1 from etl.load_log g where g.pipeline = m.pipeline and g.object = 'convert'
                     and g.source_key = m.source_key and g.action = 'update' and g.reason_code = 'CONVERTED'
                     and g.dest_id = m.dest_id and g.rollback_of is null)`;

/** What the parser puts in the flags from the flag declared above (its `key`). */
type ConvertFlags = StepFlags & { convertStatus?: string };

export const convert: Step = async (ctx) => {
  const rule = String((ctx.flags as ConvertFlags).convertStatus ?? process.env.LTK_CONVERT_STATUS ?? '').trim();
  const statuses = rule.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const { db, pipeline } = ctx;

  // Plan: every loaded lead by its Leadtrekker status (as written in the export).
  const plan = (
    await db.pool.query(
      `select coalesce(l.status, '') as status, count(*)::int as loaded, count(*) filter (where ${CONVERTED})::int as converted
         from etl.id_map m
         join stg_leadtrekker.leads l on 'leads:' || l.lead_id = m.source_key
        where m.pipeline = $1 and m.object = 'leads'
        group by 1 order by 1`,
      [pipeline.name],
    )
  ).rows as { status: string; loaded: number; converted: number }[];
  const chosen = (s: string) => statuses.includes(s.toLowerCase());
  ctx.log(`convert: plan (loaded leads by Leadtrekker status${statuses.length ? `; * = converted by this rule` : ''}):`);
  for (const p of plan) ctx.log(`  ${chosen(p.status) ? '*' : ' '} ${p.status || '(no status)'}: ${p.loaded} loaded, ${p.converted} converted`);
  if (!plan.length) ctx.log('  (no leads loaded yet: run load first)');
  const unknown = statuses.filter((s) => !plan.some((p) => p.status.toLowerCase() === s));
  if (unknown.length) ctx.log(`  no loaded lead has status ${unknown.join(', ')}`);
  ctx.summary.convert = { rule: statuses, plan, candidates: 0, converted: 0, already_converted: 0, failed: 0 };
  // Off by default: without a rule the plan is all there is, and the command says so (exit 2).
  if (!statuses.length)
    throw new CliError('CONVERT_NO_RULE', 'convert: nothing converted; name the Leadtrekker statuses to convert with --convert-status Won[,Other] (or LTK_CONVERT_STATUS).', { exitCode: 2 });

  const dest = await ctx.destination();
  if (!canConvert(dest)) throw new CliError('CONVERT_UNSUPPORTED', `convert: the ${dest.name} destination cannot run the lead-convert action.`);
  const { rows } = await db.pool.query(
    `select m.source_key, m.dest_id
       from etl.id_map m
       join stg_leadtrekker.leads l on 'leads:' || l.lead_id = m.source_key
      where m.pipeline = $1 and m.object = 'leads' and lower(l.status) = any($2) and not ${CONVERTED}
      order by m.source_key`,
    [pipeline.name, statuses],
  );
  let converted = 0;
  let already = 0;
  let failed = 0;
  for (const r of rows) {
    // No Deal: Leadtrekker has no amount or close date to give one; Zoho matches or creates the Account and Contact.
    const o = await dest.convertLead(r.dest_id, { overwrite: true, notify_lead_owner: false, notify_new_entity_owner: false });
    const done = o.ok || o.code === 'ID_ALREADY_CONVERTED';
    if (o.ok) converted++;
    else if (done) already++;
    else failed++;
    const became = [o.contactId && `Contact ${o.contactId}`, o.accountId && `Account ${o.accountId}`, o.dealId && `Deal ${o.dealId}`].filter(Boolean).join(', ');
    const message = done ? `${o.ok ? 'converted' : 'already converted (ID_ALREADY_CONVERTED)'}${became ? ` to ${became}` : ''}` : `${o.code ?? 'CONVERT_FAILED'}: ${o.message ?? ''}`.trim();
    await db.pool.query(
      `insert into etl.load_log (run_id, pipeline, object, source_key, dest_module, dest_id, action, reason_code, message)
       values ($1, $2, 'convert', $3, 'Leads', $4, $5, $6, $7)`,
      [ctx.runId, pipeline.name, r.source_key, r.dest_id, done ? 'update' : 'reject', done ? 'CONVERTED' : (o.code ?? 'CONVERT_FAILED'), message],
    );
  }
  ctx.log(
    `convert: ${converted} of ${rows.length} leads with status ${statuses.join(', ')} converted` +
      `${already ? `, ${already} were converted already` : ''}${failed ? `, ${failed} refused (etl.load_log, object convert)` : ''}`,
  );
  ctx.summary.convert = { rule: statuses, plan, candidates: rows.length, converted, already_converted: already, failed };
};
