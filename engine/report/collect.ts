/**
 * What the report shows, gathered from the staging database: record counts at each stage
 * (raw tables, staging models, destination views), the current state of every record
 * (etl.record_status: loaded, rejected, queued, skipped, and what no load has met yet), the
 * findings of the pipeline's dq_* views and, apart, the event history (etl.load_log).
 */
import type { Db } from '../db/connection.ts';
import { ident } from '../extract/headers.ts';
import { modelSchemas, pipelineSchema, viewOf, type PipelineDefinition } from '../pipeline.ts';
import { destinationRuleFindings } from './destination-rules.ts';
import { pipelineState, type PipelineState } from './state.ts';

export interface Finding {
  dq_view: string;
  category: string;
  severity: string;
  object: string | null;
  source_key: string | null;
  field: string | null;
  value: string | null;
  message: string | null;
  /** the export file and line of the record (the view's own, else found from its key) */
  file?: string | null;
  line?: string | number | null;
}

export interface CategoryCount {
  category: string;
  error: number;
  warning: number;
  info: number;
  /** findings whose severity is outside the contract (also reported as dq_view_contract) */
  other: number;
  total: number;
}

export interface ReportData {
  pipeline: string;
  source: string;
  destination: string;
  generatedAt: string;
  counts: {
    raw: Record<string, number>;
    staging: Record<string, number>;
    destination: Record<string, number | null>;
    /** The current state per object (etl.record_status): every count the report shows of the load. */
    state: Record<string, { to_load: number | null; loaded: number; rejected: number; queued: number; skipped: number; not_attempted: number }>;
    id_map: Record<string, number>;
    /** Event history: load_log rows per object and action, across every run (a retried record counts each time). */
    load_log: Record<string, Record<string, number>>;
    rejects: Record<string, number>;
    queue: Record<string, number>;
  };
  /** etl.record_status, with the reasons records wait or were rejected. */
  state: PipelineState;
  findings: { total: number; error: number; warning: number; info: number; other: number; categories: CategoryCount[] };
  /** Findings by category, every row (CSV) — the HTML caps what it shows. */
  rows: Map<string, Finding[]>;
}

async function relationCounts(db: Db, schema: string): Promise<Record<string, number>> {
  const rels = await db.pool.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'p') order by c.relname`,
    [schema],
  );
  const out: Record<string, number> = {};
  for (const r of rels.rows) {
    try {
      out[r.name] = Number((await db.pool.query(`select count(*) as n from ${ident(schema)}.${ident(r.name)}`)).rows[0].n);
    } catch {
      // a view whose upstream broke: shown as missing rather than failing the report
    }
  }
  return out;
}

const exists = async (db: Db, rel: string) => (await db.pool.query('select to_regclass($1) is not null as ok', [rel])).rows[0].ok as boolean;

export async function collectReport(db: Db, p: PipelineDefinition): Promise<ReportData> {
  const raw = await relationCounts(db, `raw_${p.source.name}`);
  const staging = await relationCounts(db, `stg_${p.source.name}`);
  const destination: Record<string, number | null> = {};
  for (const o of p.objects) {
    const v = viewOf(p, o);
    const [s, n] = v.split('.');
    const rel = `${ident(s!)}.${ident(n!)}`;
    destination[o.name] = (await exists(db, rel)) ? Number((await db.pool.query(`select count(*) as n from ${rel}`)).rows[0].n) : null;
  }
  const id_map: Record<string, number> = {};
  if (await exists(db, 'etl.id_map'))
    for (const r of (await db.pool.query(`select object, count(*) as n from etl.id_map where pipeline = $1 group by 1 order by 1`, [p.name])).rows)
      id_map[r.object] = Number(r.n);
  const load_log: Record<string, Record<string, number>> = {};
  if (await exists(db, 'etl.load_log'))
    for (const r of (await db.pool.query(`select object, action, count(*) as n from etl.load_log where pipeline = $1 group by 1, 2 order by 1, 2`, [p.name])).rows)
      (load_log[r.object] ??= {})[r.action] = Number(r.n);
  const rejects: Record<string, number> = {};
  if (await exists(db, 'etl.rejects'))
    for (const r of (
      await db.pool.query(
        `select stage || ': ' || reason_code as k, count(*) as n from etl.rejects where pipeline = $1 or (pipeline is null and source = $2) group by 1 order by 1`,
        [p.name, p.source.name],
      )
    ).rows)
      rejects[r.k] = Number(r.n);
  const queue: Record<string, number> = {};
  if (await exists(db, 'etl.reconciliation_queue'))
    for (const r of (await db.pool.query(`select kind, count(*) as n from etl.reconciliation_queue where pipeline = $1 and status = 'open' group by 1 order by 1`, [p.name])).rows)
      queue[r.kind] = Number(r.n);

  const state = await pipelineState(db, p);
  const dqSchemas = modelSchemas(p).filter((s) => s.startsWith('dq_'));
  const rows = new Map<string, Finding[]>();
  const fn = (await db.pool.query(`select to_regprocedure('lib.dq_findings(text[])') is not null as ok`)).rows[0].ok;
  if (fn) {
    const f = await db.pool.query<Finding>(
      `select * from lib.dq_findings($1::text[]) order by category, case severity when 'error' then 0 when 'warning' then 1 else 2 end, object, source_key`,
      [dqSchemas],
    );
    for (const r of f.rows) {
      const list = rows.get(r.category) ?? [];
      list.push(r);
      rows.set(r.category, list);
    }
  }
  // Rows the destination would refuse, checked against the rules setup read from its metadata.
  for (const r of await destinationRuleFindings(db, p)) {
    const list = rows.get(r.category) ?? [];
    list.push(r);
    rows.set(r.category, list);
  }
  const categories: CategoryCount[] = [...rows.entries()]
    .map(([category, list]) => {
      const c = { category, error: 0, warning: 0, info: 0, other: 0, total: list.length };
      for (const r of list) c[r.severity === 'error' || r.severity === 'warning' || r.severity === 'info' ? r.severity : 'other']++;
      return c;
    })
    .sort((a, b) => b.error - a.error || b.total - a.total || a.category.localeCompare(b.category));
  const sum = (k: 'error' | 'warning' | 'info' | 'other' | 'total') => categories.reduce((n, c) => n + c[k], 0);
  return {
    pipeline: p.name,
    source: p.source.title,
    destination: p.destination.name,
    generatedAt: new Date().toISOString(),
    counts: { raw, staging, destination, state: Object.fromEntries(state.objects.map(({ object, ...c }) => [object, c])), id_map, load_log, rejects, queue },
    state,
    findings: { total: sum('total'), error: sum('error'), warning: sum('warning'), info: sum('info'), other: sum('other'), categories },
    rows,
  };
}
