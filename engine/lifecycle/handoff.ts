/**
 * `handoff`: the documents the customer's admin receives, as Markdown and CSV in
 * out/<pipeline>/handoff/: what does not migrate and why (with the raw rows of those files),
 * the reconciliation queue, the custom-field creation checklist, attachments to hand over by
 * hand, and every `handoff_*` view of the pipeline schema (one CSV and one section each).
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { customFieldsFile, readCustomFieldMappings } from '../custom-fields.ts';
import { ident } from '../extract/headers.ts';
import { rawSchema } from '../source.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { StepContext } from '../steps/context.ts';
import { mdCell, outDir, pipelineSchema, relationExists } from './common.ts';
import { writeCsvFile } from '../util/csv-write.ts';
import { pipelineState } from '../report/state.ts';

interface NotMigrated {
  file: string;
  what: string;
  why: string;
}

/** pipeline.notMigrated, read defensively (an optional field some definitions carry). */
function notMigratedOf(p: PipelineDefinition): NotMigrated[] {
  const list = (p as unknown as { notMigrated?: unknown }).notMigrated;
  if (!Array.isArray(list)) return [];
  return list
    .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    .map((x) => ({ file: String(x.file ?? ''), what: String(x.what ?? ''), why: String(x.why ?? '') }));
}

/** Markdown table; the full rows are in the CSV beside it, so long tables are cut. */
function mdTable(header: string[], rows: unknown[][], limit = 200): string {
  if (!rows.length) return '_None._\n';
  const lines = [`| ${header.map(mdCell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.slice(0, limit).map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
  if (rows.length > limit) lines.push('', `_${rows.length - limit} more rows in the CSV._`);
  return lines.join('\n') + '\n';
}

async function tableRows(ctx: StepContext, qualified: string): Promise<{ header: string[]; rows: unknown[][] }> {
  const res = await ctx.db.pool.query(`select * from ${qualified}`);
  const header = res.fields.map((f) => f.name).filter((n) => !n.startsWith('_') || n === '_line');
  return { header, rows: res.rows.map((r) => header.map((h) => r[h])) };
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'file';

export async function runHandoff(ctx: StepContext): Promise<{ dir: string; files: string[] }> {
  const { db, pipeline } = ctx;
  const dir = outDir(ctx, 'handoff');
  // The folder is this step's: documents an earlier version or run wrote and this one does not
  // would contradict the current ones.
  for (const f of readdirSync(dir)) if (/\.csv$/.test(f)) rmSync(path.join(dir, f));
  const files: string[] = [];
  const csv = (name: string, header: string[], rows: unknown[][]) => {
    writeCsvFile(path.join(dir, name), header, rows);
    files.push(name);
  };
  const md: string[] = [`# ${pipeline.name}: hand-off documents`, '', `Written ${new Date().toISOString()} for ${pipeline.source.title} -> ${pipeline.destination.name}. Each section has a CSV beside this file.`, ''];

  // 0. Where every record stands now (etl.record_status): the same figures as the report and `status`.
  const state = await pipelineState(db, pipeline);
  const stHeader = ['object', 'to_load', 'loaded', 'waiting', 'rejected', 'skipped', 'not_yet_attempted'];
  const stRows = state.objects.map((o) => [o.object, o.to_load, o.loaded, o.queued, o.rejected, o.skipped, o.not_attempted]);
  csv('record-status.csv', stHeader, stRows);
  md.push('## Where every record stands', '', 'The current state of every source record (etl.record_status), as `status` and the report show it.', '', mdTable(stHeader, stRows));

  // 1. What does not migrate, and why: the pipeline's list, each thing the handoff_not_migrated
  // view names (one row each, with what to rebuild it as), and the raw rows of those files.
  const nm = notMigratedOf(pipeline);
  const nmHeader = ['what', 'name', 'file', 'why', 'rebuild_as', 'details'];
  const nmRows: unknown[][] = [];
  const schema = pipelineSchema(pipeline);
  const nmView = `${ident(schema)}.handoff_not_migrated`;
  if (await relationExists(db, nmView)) {
    const why = (await db.pool.query(`select obj_description($1::regclass, 'pg_class') as c`, [nmView])).rows[0]?.c as string | null;
    const t = await tableRows(ctx, nmView);
    const rebuild = t.header.findIndex((h) => /_equivalent$|^rebuild/.test(h));
    const nameAt = t.header.indexOf('name');
    const kindAt = t.header.indexOf('kind');
    for (const r of t.rows) {
      const details = t.header
        .map((h, i) => (i === rebuild || i === nameAt || i === kindAt || r[i] === null || r[i] === '' ? null : `${h}: ${r[i]}`))
        .filter(Boolean)
        .join('; ');
      nmRows.push([kindAt >= 0 ? r[kindAt] : 'not migrated', nameAt >= 0 ? r[nameAt] : '', '', (why ?? '').replace(/\s*\(model: [^)]*\)$/, ''), rebuild >= 0 ? r[rebuild] : '', details]);
    }
  }
  const rawFiles: string[] = [];
  for (const x of nm) {
    const spec = pipeline.source.files.find((f) => f.file.toLowerCase() === x.file.toLowerCase() || f.name === x.file);
    const q = spec ? `${ident(rawSchema(pipeline.source.name))}.${ident(spec.name)}` : undefined;
    let detail = '';
    if (spec && q && (await relationExists(db, q))) {
      const t = await tableRows(ctx, q);
      const name = `not-migrated-${slug(spec.name)}.csv`;
      csv(name, t.header, t.rows);
      rawFiles.push(`### ${x.what} (${spec.file}, ${t.rows.length} rows)`, '', x.why, '', mdTable(t.header, t.rows, 50));
      detail = `${t.rows.length} rows in ${name}`;
    }
    nmRows.push([x.what, '', x.file, x.why, '', detail]);
  }
  csv('not-migrated.csv', nmHeader, nmRows);
  md.push('## What does not migrate', '', nmRows.length ? `${nmRows.length} item(s); not-migrated.csv holds the same rows.` : '', '', mdTable(nmHeader, nmRows), ...rawFiles);

  // 2. The reconciliation queue: what is still open (records held for a person's decision);
  // resolved items apart, so nothing done is listed as still to do.
  const rq = (
    await db.pool.query(
      `select kind, key, detail, status, case when status = 'open' then greatest(waiting, held) else held end as records, resolution, created_at, resolved_at
         from etl.reconciliation_queue where pipeline = $1 order by kind, key`,
      [pipeline.name],
    )
  ).rows;
  const rqHeader = ['kind', 'key', 'detail', 'records', 'created_at'];
  const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const open = rq.filter((r) => r.status === 'open');
  const resolved = rq.filter((r) => r.status !== 'open');
  const rqRows = open.map((r) => rqHeader.map((h) => cell(r[h])));
  csv('reconciliation-queue.csv', rqHeader, rqRows);
  const rsHeader = ['kind', 'key', 'detail', 'status', 'records', 'resolution', 'resolved_at'];
  const rsRows = resolved.map((r) => rsHeader.map((h) => cell(r[h])));
  csv('reconciliation-queue-resolved.csv', rsHeader, rsRows);
  md.push(
    '## Reconciliation queue (open)',
    '',
    `${open.length} open item(s), ${state.totals.queued} record(s) waiting on them (directly or through a parent). Resolved items are in reconciliation-queue-resolved.csv (${resolved.length}).`,
    '',
    mdTable(rqHeader, rqRows),
  );

  // 3. Custom fields to create in the destination before the load.
  // `done` from what setup recorded: created by a run, or found in place by the latest setup.
  const setupRuns = (
    await db.pool.query(
      `select run_id, status, summary->'setup' as setup from etl.runs where pipeline = $1 and summary ? 'setup' order by run_id`,
      [pipeline.name],
    )
  ).rows as { run_id: number; status: string; setup: { done?: string[]; checklist?: string[]; planned?: string[] } }[];
  const lastSetup = [...setupRuns].reverse().find((r) => r.setup && !r.setup.planned);
  const doneOf = (module: string, field: string) => {
    const key = field ? `${module}.${field}` : module;
    const created = setupRuns.find((r) => (r.setup?.done ?? []).some((d) => d.includes(` ${key} `) || d.includes(` ${key}:`)));
    if (created) return `yes (setup run ${created.run_id})`;
    if (lastSetup && !(lastSetup.setup.checklist ?? []).some((c) => c.includes(key))) return `yes (in place, setup run ${lastSetup.run_id})`;
    return '';
  };
  const cfHeader = ['module', 'field', 'label', 'type', 'length', 'source', 'confirmed', 'done'];
  const cfRows: unknown[][] = [];
  for (const m of readCustomFieldMappings(customFieldsFile(pipeline, ctx.flags.out)))
    cfRows.push([m.module, m.field, m.source_header, m.field_type, '', `${m.object}.${m.source_column}`, m.confirmed ? 'yes' : 'no', m.confirmed ? doneOf(m.module, m.field) : '']);
  for (const f of pipeline.schema?.fields ?? []) cfRows.push([f.module, f.field, f.label, f.type, f.length ?? '', 'pipeline schema', 'yes', doneOf(f.module, f.field)]);
  for (const mod of pipeline.schema?.modules ?? []) {
    cfRows.push([mod.apiName, '', mod.label, 'custom module', '', 'pipeline schema', 'yes', doneOf(mod.apiName, '')]);
    for (const f of mod.fields) cfRows.push([f.module || mod.apiName, f.field, f.label, f.type, f.length ?? '', 'pipeline schema', 'yes', doneOf(f.module || mod.apiName, f.field)]);
  }
  for (const pl of pipeline.schema?.picklists ?? []) cfRows.push([pl.module, pl.field, '', 'picklist values (extend)', '', 'pipeline schema', 'yes', doneOf(pl.module, pl.field)]);
  csv('custom-fields-checklist.csv', cfHeader, cfRows);
  md.push('## Custom field creation checklist', '', 'Tick `done` once each field exists in the destination with this API name and type.', '', mdTable(cfHeader, cfRows));

  // 4. Attachments that need a person (too large, unreadable, not supported by the API).
  // The latest outcome of each file that is not in the destination now (a later load may have
  // written one an earlier run rejected).
  const att = (
    await db.pool.query(
      `select * from (
         select distinct on (object, source_key) object, source_key, reason_code, message, 'load_log' as origin from etl.load_log l
          where pipeline = $1 and action in ('reject','queue','skip') and rollback_of is null
            and (reason_code ilike '%attach%' or message ilike '%attach%' or object ilike '%attach%')
            and not exists (select 1 from etl.id_map m where m.pipeline = l.pipeline and m.object = l.object and m.source_key = l.source_key)
          order by object, source_key, id desc) a
       union all
       select distinct on (object, source_key, reason_code) object, source_key, reason_code, message, 'rejects' from etl.rejects
        where pipeline is not distinct from $1 and stage <> 'load' and (reason_code ilike '%attach%' or message ilike '%attach%' or object ilike '%attach%' or file ilike '%attach%')
       order by 1, 2`,
      [pipeline.name],
    )
  ).rows;
  const attRows = att.map((r) => [r.object, r.source_key, r.reason_code, r.message, r.origin]);
  csv('attachments-manual.csv', ['object', 'source_key', 'reason_code', 'message', 'origin'], attRows);
  md.push('## Attachments for manual hand-off', '', mdTable(['object', 'source_key', 'reason_code', 'message', 'origin'], attRows));

  // 5. Every handoff_* view the pipeline's SQL defines (role mapping, portal users, reports...).
  const views = (
    await db.pool.query(`select table_name from information_schema.tables where table_schema = $1 and table_name like 'handoff\\_%' order by table_name`, [schema])
  ).rows.map((r) => r.table_name as string);
  for (const v of views) {
    if (v === 'handoff_not_migrated') continue; // in not-migrated.csv above
    const t = await tableRows(ctx, `${ident(schema)}.${ident(v)}`);
    // A view may share a name with a document above (handoff_not_migrated): keep both.
    const base = slug(v.replace(/^handoff_/, ''));
    const name = files.includes(`${base}.csv`) ? `handoff-${base}.csv` : `${base}.csv`;
    csv(name, t.header, t.rows);
    const title = v.replace(/^handoff_/, '').replace(/_/g, ' ');
    md.push(`## ${title.charAt(0).toUpperCase()}${title.slice(1)}`, '', `From \`${schema}.${v}\` (${t.rows.length} rows).`, '', mdTable(t.header, t.rows));
  }

  writeFileSync(path.join(dir, 'README.md'), md.join('\n'));
  files.unshift('README.md');
  ctx.log(`handoff: ${files.length} documents in ${dir}`);
  ctx.summary.handoff = { dir, files };
  return { dir, files };
}
