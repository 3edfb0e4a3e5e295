/**
 * `<pipeline> status`: where the migration stands, read from the database and touching nothing
 * (no run is recorded, the destination is not called): what is loaded, what waits and why, what
 * was rejected and why, and what a person must do next. Counts come from etl.record_status, the
 * current state of every source record.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import { customFieldsFile, readCustomFieldMappings } from '../custom-fields.ts';
import { currentApproval } from '../lifecycle/approval.ts';
import { pipelineState, type PipelineState, type ReasonGroup } from '../report/state.ts';
import { workspaceDir } from '../workspace.ts';
import type { Step } from './context.ts';

export interface StatusReport {
  pipeline: string;
  source: string;
  destination: string;
  /** How far the pipeline has come: each stage done or not. */
  stages: { extracted: boolean; transformed: boolean; custom_fields_confirmed: boolean; sample_approved: boolean; loaded: boolean };
  objects: PipelineState['objects'];
  totals: PipelineState['totals'];
  waiting: ReasonGroup[];
  rejected: ReasonGroup[];
  skipped: ReasonGroup[];
  owners: PipelineState['owners'];
  queue: PipelineState['queue'];
  last_runs: { run_id: number; step: string; status: string; started_at: string; error: string | null }[];
  /** What a person must do next, most blocking first. Empty: nothing is left. */
  next: string[];
  /** The latest report and hand-off documents, when written. */
  documents: { report: string | null; handoff: string | null; catalogue: string | null };
}

const CLI = (p: PipelineDefinition) => `npx crm-migrate ${p.name}`;

export async function pipelineStatus(db: Db, p: PipelineDefinition, out?: string): Promise<StatusReport> {
  const extracted = Number((await db.pool.query(`select count(*)::int as n from etl.extract_batches where source = $1 and finished_at is not null`, [p.source.name])).rows[0].n) > 0;
  const state = await pipelineState(db, p);
  const transformed = state.objects.some((o) => o.to_load !== null);
  let unconfirmed = 0;
  try {
    unconfirmed = readCustomFieldMappings(customFieldsFile(p, out)).filter((r) => !r.confirmed).length;
  } catch {
    unconfirmed = 0;
  }
  const approval = await currentApproval(db, p, out).catch(() => undefined);
  const runs = (
    await db.pool.query(`select run_id, step, status, started_at, error from etl.runs where pipeline = $1 order by run_id desc limit 5`, [p.name])
  ).rows.map((r) => ({ run_id: Number(r.run_id), step: r.step, status: r.status, started_at: (r.started_at as Date).toISOString(), error: r.error }));
  const t = state.totals;
  const loadedAny = t.loaded + t.rejected + t.queued + t.skipped > 0;
  const next: string[] = [];
  const last = runs[0];
  if (last && (last.status === 'failed' || last.status === 'stopped'))
    next.push(`The last run (${last.run_id}, ${last.step}) ${last.status}: ${last.error ?? 'see its log'}. Fix that first, then run it again.`);
  if (!extracted) next.push(`Nothing is extracted yet: ${CLI(p)} extract --input DIR (or ${CLI(p)} for every step on the sample).`);
  else if (!transformed) next.push(`The export is landed but not transformed: ${CLI(p)} transform.`);
  if (extracted && unconfirmed) next.push(`Confirm the ${unconfirmed} proposed custom field(s) in ${customFieldsFile(p, out)} (set confirmed to yes), then re-run transform.`);
  if (transformed && !approval && !loadedAny)
    next.push(`No sample of the current mapping is approved: ${CLI(p)} sample, check the verify page, then ${CLI(p)} approve --by NAME.`);
  const on = (key: string, reason: string) => state.waiting.filter((w) => w.on === key && w.reason === reason).reduce((a, w) => a + w.records, 0);
  for (const o of state.owners) {
    const own = on(o.key, 'USER');
    const follow = on(o.key, 'PARENT_QUEUED');
    next.push(
      `${own || o.waiting} record(s) owned by ${o.key}${follow ? ` (and ${follow} that follow them)` : ''} wait: ${o.key} has no active ${p.destination.name} user. Create or activate that user and run \`${CLI(p)} users\` then \`load\`, or load with --fallback-owner EMAIL.`,
    );
  }
  const parentsWaiting = state.waiting.filter((w) => w.reason === 'PARENT_QUEUED').reduce((n, w) => n + w.records, 0);
  const unexplained = parentsWaiting - state.owners.reduce((a, o) => a + on(o.key, 'PARENT_QUEUED'), 0);
  if (unexplained > 0) next.push(`${unexplained} record(s) follow a parent record that waits; they load once it is written.`);
  const otherWaiting = state.waiting.filter((w) => w.reason !== 'PARENT_QUEUED' && w.reason !== 'USER');
  for (const w of otherWaiting)
    next.push(`${w.records} ${w.object} record(s) wait: ${w.reason}${w.example ? ` (e.g. ${w.example})` : ''}. Decide each in etl.queue_items (the hand-off lists them).`);
  const rejectedByReason = new Map<string, number>();
  for (const r of state.rejected) rejectedByReason.set(r.reason, (rejectedByReason.get(r.reason) ?? 0) + r.records);
  if (rejectedByReason.size)
    next.push(
      `${t.rejected} record(s) were rejected (${[...rejectedByReason].map(([k, n]) => `${k} ${n}`).join(', ')}): fix them in the source export or the SQL models (the report lists each), then run extract/transform and load again.`,
    );
  if (transformed && t.not_attempted) next.push(`${t.not_attempted} record(s) have not been loaded yet: ${CLI(p)} load.`);
  const doc = (...parts: string[]) => {
    const f = path.join(workspaceDir(p.name, out), ...parts);
    return existsSync(f) ? f : null;
  };
  const documents = { report: doc('report', 'report.html'), handoff: doc('handoff', 'README.md'), catalogue: doc('docs', 'index.html') };
  if (loadedAny && !t.queued && !t.not_attempted && !t.rejected && !documents.handoff) next.push(`Every record is loaded: write the hand-off documents (${CLI(p)} handoff).`);
  return {
    pipeline: p.name,
    source: p.source.title,
    destination: p.destination.name,
    stages: { extracted, transformed, custom_fields_confirmed: unconfirmed === 0, sample_approved: !!approval, loaded: loadedAny },
    objects: state.objects,
    totals: t,
    waiting: state.waiting,
    rejected: state.rejected,
    skipped: state.skipped,
    owners: state.owners,
    queue: state.queue,
    last_runs: runs,
    next,
    documents,
  };
}

const n = (v: number | null) => (v === null ? '-' : v.toLocaleString('en-US'));

/** The status as a person reads it on a terminal. */
export function statusText(s: StatusReport): string {
  const out: string[] = [`${s.pipeline}: ${s.source} -> ${s.destination}`];
  const stage = (ok: boolean, what: string) => `${ok ? '[x]' : '[ ]'} ${what}`;
  out.push(
    '  ' +
      [
        stage(s.stages.extracted, 'extracted'),
        stage(s.stages.transformed, 'transformed'),
        stage(s.stages.custom_fields_confirmed, 'custom fields confirmed'),
        stage(s.stages.sample_approved, 'sample approved'),
        stage(s.stages.loaded, 'loaded'),
      ].join('  '),
  );
  const cols = ['to load', 'loaded', 'waiting', 'rejected', 'skipped', 'not yet'] as const;
  out.push('', `  ${'object'.padEnd(18)}${cols.map((c) => c.padStart(10)).join('')}`);
  for (const o of [...s.objects, { object: 'total', ...s.totals }])
    out.push(`  ${o.object.padEnd(18)}${[o.to_load, o.loaded, o.queued, o.rejected, o.skipped, o.not_attempted].map((v) => n(v).padStart(10)).join('')}`);
  const reasons = (title: string, rows: ReasonGroup[], on: string, examples: boolean) => {
    if (!rows.length) return;
    out.push('', title);
    // One line per reason (and what it waits on), the objects it touches beside it.
    const by = new Map<string, { reason: string; on: string | null; records: number; objects: Map<string, number>; example: string | null }>();
    for (const r of rows) {
      const k = `${r.reason}\0${r.on ?? ''}`;
      const g = by.get(k) ?? { reason: r.reason, on: r.on, records: 0, objects: new Map(), example: r.example };
      g.records += r.records;
      g.objects.set(r.object, (g.objects.get(r.object) ?? 0) + r.records);
      by.set(k, g);
    }
    const groups = [...by.values()].sort((a, b) => b.records - a.records || a.reason.localeCompare(b.reason));
    for (const g of groups.slice(0, 20)) {
      const ex = examples && g.example ? `; e.g. ${g.example.length > 110 ? `${g.example.slice(0, 109)}…` : g.example}` : '';
      out.push(`  ${n(g.records).padStart(7)}  ${g.reason}${g.on ? ` (${on} ${g.on})` : ''}: ${[...g.objects].map(([o, c]) => `${o} ${n(c)}`).join(', ')}${ex}`);
    }
    if (groups.length > 20) out.push(`  ... and ${groups.length - 20} more (--json lists every one)`);
  };
  reasons('Waiting, and why:', s.waiting, 'on', false);
  reasons('Rejected, and why:', s.rejected, 'refers to', true);
  reasons('Skipped, and why:', s.skipped, 'refers to', true);
  out.push('', s.next.length ? 'Next:' : 'Next: nothing; every record is accounted for.');
  s.next.forEach((x, i) => out.push(`  ${i + 1}. ${x}`));
  const docs = Object.entries(s.documents).filter(([, v]) => v);
  if (docs.length) out.push('', ...docs.map(([k, v]) => `${k}: ${v}`));
  if (s.last_runs[0]) out.push('', `Last run: ${s.last_runs[0].run_id} (${s.last_runs[0].step}) ${s.last_runs[0].status} at ${s.last_runs[0].started_at}`);
  return out.join('\n') + '\n';
}

/** As a step (tests and the chaos tool drive steps): the status lands in the summary. */
export const status: Step = async (ctx) => {
  ctx.summary.status_report = await pipelineStatus(ctx.db, ctx.pipeline, ctx.flags.out);
};
