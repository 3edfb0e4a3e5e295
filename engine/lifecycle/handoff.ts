/**
 * `handoff`: the documents the customer's admin receives, as Markdown and CSV in
 * out/<pipeline>/handoff/: what does not migrate and why (with the raw rows of those files),
 * the reconciliation queue, the custom-field creation checklist, attachments to hand over by
 * hand, and every `handoff_*` view of the pipeline schema (one CSV and one section each).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { customFieldsFile, readCustomFieldMappings } from '../custom-fields.ts';
import { ident } from '../extract/headers.ts';
import { rawSchema } from '../source.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { StepContext } from '../steps/context.ts';
import { mdCell, outDir, pipelineSchema, relationExists, writeCsv } from './common.ts';

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
  const files: string[] = [];
  const csv = (name: string, header: string[], rows: unknown[][]) => {
    writeCsv(path.join(dir, name), header, rows);
    files.push(name);
  };
  const md: string[] = [`# ${pipeline.name}: hand-off documents`, '', `Written ${new Date().toISOString()} for ${pipeline.source.title} -> ${pipeline.destination.name}. Each section has a CSV beside this file.`, ''];

  // 1. What does not migrate, and why; with the raw rows of those files when they were exported.
  const nm = notMigratedOf(pipeline);
  csv('not-migrated.csv', ['file', 'what', 'why'], nm.map((x) => [x.file, x.what, x.why]));
  md.push('## What does not migrate', '', mdTable(['file', 'what', 'why'], nm.map((x) => [x.file, x.what, x.why])));
  for (const x of nm) {
    const spec = pipeline.source.files.find((f) => f.file.toLowerCase() === x.file.toLowerCase() || f.name === x.file);
    if (!spec) continue;
    const q = `${ident(rawSchema(pipeline.source.name))}.${ident(spec.name)}`;
    if (!(await relationExists(db, q))) continue;
    const t = await tableRows(ctx, q);
    const name = `not-migrated-${slug(spec.name)}.csv`;
    csv(name, t.header, t.rows);
    md.push(`### ${x.what} (${spec.file}, ${t.rows.length} rows)`, '', x.why, '', mdTable(t.header, t.rows, 50));
  }

  // 2. The reconciliation queue: records held for a person's decision.
  const rq = (
    await db.pool.query(
      `select kind, key, detail, status, case when status = 'open' then greatest(waiting, held) else held end as records, resolution, created_at
         from etl.reconciliation_queue where pipeline = $1 order by status, kind, key`,
      [pipeline.name],
    )
  ).rows;
  const rqHeader = ['kind', 'key', 'detail', 'status', 'records', 'resolution', 'created_at'];
  const rqRows = rq.map((r) => rqHeader.map((h) => (r[h] instanceof Date ? r[h].toISOString() : r[h])));
  csv('reconciliation-queue.csv', rqHeader, rqRows);
  md.push('## Reconciliation queue', '', `${rq.filter((r) => r.status === 'open').length} open items.`, '', mdTable(rqHeader, rqRows));

  // 3. Custom fields to create in the destination before the load.
  const cfHeader = ['module', 'field', 'label', 'type', 'length', 'source', 'confirmed', 'done'];
  const cfRows: unknown[][] = [];
  for (const m of readCustomFieldMappings(customFieldsFile(pipeline, ctx.flags.out))) cfRows.push([m.module, m.field, m.source_header, m.field_type, '', `${m.object}.${m.source_column}`, m.confirmed ? 'yes' : 'no', '']);
  for (const f of pipeline.schema?.fields ?? []) cfRows.push([f.module, f.field, f.label, f.type, f.length ?? '', 'pipeline schema', 'yes', '']);
  for (const mod of pipeline.schema?.modules ?? []) {
    cfRows.push([mod.apiName, '', mod.label, 'custom module', '', 'pipeline schema', 'yes', '']);
    for (const f of mod.fields) cfRows.push([f.module || mod.apiName, f.field, f.label, f.type, f.length ?? '', 'pipeline schema', 'yes', '']);
  }
  for (const pl of pipeline.schema?.picklists ?? []) cfRows.push([pl.module, pl.field, '', 'picklist values (extend)', '', 'pipeline schema', 'yes', '']);
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
  const schema = pipelineSchema(pipeline);
  const views = (
    await db.pool.query(`select table_name from information_schema.tables where table_schema = $1 and table_name like 'handoff\\_%' order by table_name`, [schema])
  ).rows.map((r) => r.table_name as string);
  for (const v of views) {
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
