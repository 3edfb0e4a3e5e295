/**
 * The model catalogue: one self-contained HTML page (out/<pipeline>/docs/index.html) listing
 * every model of the pipeline (and those it reads from), with its comment, columns (type and
 * comment, read back from the database), lineage from the model graph (what it reads, what reads
 * it), its tests, and the snake_case view beside each destination-shaped view; then the control
 * tables an analyst queries (etl.record_status first).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection.ts';
import { modelSchemas, pipelineSchema, viewOf, type PipelineDefinition } from '../pipeline.ts';
import { rawSchema } from '../source.ts';
import { descendants, loadModels, modelsDir, topoSort } from '../transform/models.ts';
import { loadModelTests, type ModelTest } from '../transform/tests.ts';
import { ETL_COMMENTS, snakeViewName } from '../transform/comments.ts';

const esc = (v: unknown) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const anchor = (id: string) => `m-${id.replace(/[^a-zA-Z0-9_]+/g, '-')}`;

interface Rel {
  kind: string;
  comment: string | null;
  columns: { name: string; type: string; comment: string | null }[];
}

async function relation(db: Db, schema: string, name: string): Promise<Rel | undefined> {
  const c = (
    await db.pool.query(
      `select c.oid, c.relkind, obj_description(c.oid, 'pg_class') as comment from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2`,
      [schema, name],
    )
  ).rows[0];
  if (!c) return undefined;
  const cols = await db.pool.query(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, col_description(a.attrelid, a.attnum) as comment
       from pg_attribute a where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [c.oid],
  );
  return { kind: ({ r: 'table', v: 'view', m: 'materialized view', p: 'table' } as Record<string, string>)[c.relkind] ?? c.relkind, comment: c.comment, columns: cols.rows };
}

function columnsTable(r: Rel): string {
  return `<table><thead><tr><th>column</th><th>type</th><th>comment</th></tr></thead><tbody>${r.columns
    .map((c) => `<tr><td class="code">${esc(c.name)}</td><td class="type">${esc(c.type)}</td><td>${esc(c.comment ?? '')}</td></tr>`)
    .join('')}</tbody></table>`;
}

export interface CatalogueSummary {
  file: string;
  models: number;
  columns: number;
  /** Columns without a comment (the analyst's gaps). */
  uncommented: number;
  tests: number;
}

export async function writeCatalogue(db: Db, p: PipelineDefinition, dir: string): Promise<CatalogueSummary> {
  const graph = loadModels(modelsDir());
  const schemas = modelSchemas(p);
  const order = topoSort(graph.models, [...graph.models.values()].filter((m) => schemas.includes(m.schema)).map((m) => m.id));
  const inScope = new Set(order.map((m) => m.id));
  const tests = new Map<string, ModelTest[]>();
  for (const t of loadModelTests(modelsDir(), [...new Set(order.map((m) => m.schema))])) {
    if (!inScope.has(t.model)) continue;
    tests.set(t.model, [...(tests.get(t.model) ?? []), t]);
  }
  const ps = pipelineSchema(p);
  const loadViews = new Map(p.objects.map((o) => [viewOf(p, o), o.name]));
  const root = path.dirname(modelsDir());
  let columns = 0;
  let uncommented = 0;
  let testCount = 0;
  const bySchema = new Map<string, string[]>();
  for (const m of order) {
    const r = await relation(db, m.schema, m.name);
    const up = m.dependsOn.filter((d) => inScope.has(d));
    const down = [...descendants(graph.models, m.id)].filter((d) => inScope.has(d) && graph.models.get(d)!.dependsOn.includes(m.id));
    const t = tests.get(m.id) ?? [];
    testCount += t.length;
    if (r) {
      columns += r.columns.length;
      uncommented += r.columns.filter((c) => !c.comment).length;
    }
    const link = (id: string) => `<a href="#${anchor(id)}">${esc(id)}</a>`;
    const object = loadViews.get(m.id);
    let twin = '';
    if (object) {
      const [s, v] = m.id.split('.') as [string, string];
      const tr = await relation(db, s, snakeViewName(v));
      if (tr) twin = `<p>Loaded into ${esc(p.destination.name)} as object <b>${esc(object)}</b>. Same rows with snake_case columns: <code>${esc(`${s}.${snakeViewName(v)}`)}</code> (${tr.columns.map((c) => esc(c.name)).join(', ')}).</p>`;
      else twin = `<p>Loaded into ${esc(p.destination.name)} as object <b>${esc(object)}</b>.</p>`;
    }
    const html = `<section class="model" id="${anchor(m.id)}">
<h3>${esc(m.id)} <span class="kind">${esc(r?.kind ?? 'not built')}</span></h3>
<p>${esc(r?.comment ?? '')}</p>
<p class="muted">File <code>${esc(path.relative(root, m.file))}</code></p>
${twin}
<p class="lineage"><b>Reads</b> ${up.length ? up.map(link).join(', ') : '<span class="muted">raw tables only</span>'} &nbsp; <b>Read by</b> ${down.length ? down.map(link).join(', ') : '<span class="muted">nothing in this pipeline</span>'}</p>
${t.length ? `<p><b>Tests</b></p><ul class="tests">${t.map((x) => `<li><code>${esc(x.name)}</code>${x.severity === 'warn' ? ' <span class="muted">(warn)</span>' : ''} <span class="muted">${esc(path.relative(root, x.where))}</span></li>`).join('')}</ul>` : '<p class="muted">No tests.</p>'}
${r ? columnsTable(r) : '<p class="muted">Not built yet: run transform.</p>'}
</section>`;
    bySchema.set(m.schema, [...(bySchema.get(m.schema) ?? []), html]);
  }
  const etl: string[] = [];
  for (const table of ['record_status', 'queue_items', 'id_map', 'load_log', 'rejects', 'runs', 'reconciliation', 'reconciliation_queue']) {
    const r = await relation(db, 'etl', table);
    if (!r) continue;
    etl.push(`<section class="model" id="${anchor(`etl.${table}`)}"><h3>etl.${esc(table)} <span class="kind">${esc(r.kind)}</span></h3><p>${esc(r.comment ?? ETL_COMMENTS[table]?.table ?? '')}</p>${columnsTable(r)}</section>`);
  }
  const schemaOrder = [...bySchema.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  function rank(s: string) {
    return s.startsWith('stg_') ? 0 : s === ps ? 1 : s.startsWith('dq_') ? 2 : 3;
  }
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.name)} — model catalogue</title>
<style>
:root{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1c2833;background:#f4f6f7}
body{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5d8dc}
h3{font-size:15px;margin:0 0 6px}.kind{font-size:12px;font-weight:500;color:#fff;background:#5d6d7e;border-radius:8px;padding:1px 7px;margin-left:6px}
.muted{color:#7f8c8d;font-size:13px}section.model{background:#fff;border-radius:8px;padding:12px 16px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeded;vertical-align:top}
th{background:#eaf2f8}td.code,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}td.type{white-space:nowrap;color:#566573}
td{overflow-wrap:anywhere}ul.tests{margin:4px 0;padding-left:20px;font-size:13px}nav a{margin-right:12px}
</style></head><body>
<h1>${esc(p.source.title)} → ${esc(p.destination.name)}: model catalogue</h1>
<p class="muted">Pipeline <b>${esc(p.name)}</b> · ${order.length} models, ${columns} columns, ${testCount} tests · generated ${esc(new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}. The same comments are in the database (<code>\\d+ ${esc(ps)}.*</code>, <code>obj_description</code>, <code>col_description</code>). Raw export tables: <code>${esc(rawSchema(p.source.name))}.*</code>.</p>
<nav>${schemaOrder.map((s) => `<a href="#s-${esc(s)}">${esc(s)}</a>`).join('')}<a href="#s-etl">etl</a></nav>
${schemaOrder.map((s) => `<h2 id="s-${esc(s)}">${esc(s)}</h2>\n${bySchema.get(s)!.join('\n')}`).join('\n')}
<h2 id="s-etl">etl (control tables)</h2>
${etl.join('\n')}
</body></html>
`;
  const file = path.join(dir, 'index.html');
  writeFileSync(file, page);
  return { file, models: order.length, columns, uncommented, tests: testCount };
}
