/**
 * The current state of a pipeline's records, read from etl.record_status (one row per source
 * record: loaded, rejected, queued or skipped, with its reason and the run that last changed it)
 * beside the destination-shaped views (how many records there are to load). The report, the
 * `status` command and the hand-off documents all count from here, never from the event
 * history in etl.load_log (a record retried three times is one record).
 */
import type { Db } from '../db/connection.ts';
import { ident } from '../extract/headers.ts';
import { viewOf, type PipelineDefinition } from '../pipeline.ts';

export const STATES = ['loaded', 'rejected', 'queued', 'skipped'] as const;
export type RecordState = (typeof STATES)[number];

export interface ObjectState {
  object: string;
  /** Rows of the destination-shaped view now (null: the view is not built). */
  to_load: number | null;
  loaded: number;
  rejected: number;
  /** Waiting on a queue item (a person's decision) or on a parent that waits. */
  queued: number;
  skipped: number;
  /** Rows of the view no load has met yet. */
  not_attempted: number;
}

export interface ReasonGroup {
  object: string;
  /** The reason's code (PARENT_QUEUED, USER, OVER_SIZE_LIMIT, ORPHAN...). */
  reason: string;
  /** What it waits on (a queue item's key: the owner's email for USER), when one thing. */
  on: string | null;
  records: number;
  /** One record's message, as an example. */
  example: string | null;
}

export interface QueueSummary {
  kind: string;
  open: number;
  /** Records waiting on this kind's open items now. */
  waiting: number;
  resolved: number;
}

export interface PipelineState {
  objects: ObjectState[];
  totals: Omit<ObjectState, 'object'>;
  waiting: ReasonGroup[];
  rejected: ReasonGroup[];
  skipped: ReasonGroup[];
  queue: QueueSummary[];
  /** The open user items: owners with no destination user, and how many records wait on each. */
  owners: { key: string; detail: string; waiting: number }[];
  /** When etl.record_status last changed for this pipeline, and by which run. */
  last_change: { run_id: number | null; at: string } | null;
}

const exists = async (db: Db, rel: string) => (await db.pool.query('select to_regclass($1) is not null as ok', [rel])).rows[0].ok as boolean;

/** A record's reason: the code its message starts with (`PARENT_QUEUED: ...`), else its reason_code. */
const REASON = `coalesce(substring(s.message from '^([A-Z][A-Z0-9_]+):'), s.reason_code, upper(s.state))`;

async function groups(db: Db, pipeline: string, state: RecordState): Promise<ReasonGroup[]> {
  const { rows } = await db.pool.query(
    `select s.object, ${REASON} as reason,
            case when q.kind = 'user' then q.key
                 else substring(s.message from '\\(user ([^)]+)\\)') end as on_key,
            count(*)::int as records, min(s.message) as example
       from etl.record_status s
       left join etl.queue_items q on q.id = s.queue_id
      where s.pipeline = $1 and s.state = $2
      group by 1, 2, 3
      order by 4 desc, 1, 2, 3`,
    [pipeline, state],
  );
  return rows.map((r) => ({ object: r.object, reason: r.reason, on: r.on_key ?? null, records: r.records, example: r.example }));
}

export async function pipelineState(db: Db, p: PipelineDefinition): Promise<PipelineState> {
  const haveStatus = await exists(db, 'etl.record_status');
  const byObject = new Map<string, Record<RecordState, number>>();
  if (haveStatus)
    for (const r of (
      await db.pool.query(`select object, state, count(*)::int as n from etl.record_status where pipeline = $1 group by 1, 2`, [p.name])
    ).rows) {
      const o = byObject.get(r.object) ?? { loaded: 0, rejected: 0, queued: 0, skipped: 0 };
      o[r.state as RecordState] = r.n;
      byObject.set(r.object, o);
    }
  const objects: ObjectState[] = [];
  const names = [...p.objects.map((o) => o.name), ...[...byObject.keys()].filter((k) => !p.objects.some((o) => o.name === k))];
  for (const name of names) {
    const def = p.objects.find((o) => o.name === name);
    const c = byObject.get(name) ?? { loaded: 0, rejected: 0, queued: 0, skipped: 0 };
    let to_load: number | null = null;
    let not_attempted = 0;
    if (def) {
      const [s, n] = viewOf(p, def).split('.');
      const rel = `${ident(s!)}.${ident(n!)}`;
      if (await exists(db, rel)) {
        try {
          const r = (
            await db.pool.query(
              `select count(*)::int as n,
                      count(*) filter (where not exists (select 1 from etl.record_status s where s.pipeline = $1 and s.object = $2 and s.source_key = v.source_key))::int as fresh
                 from ${rel} v`,
              [p.name, name],
            )
          ).rows[0];
          to_load = r.n;
          not_attempted = r.fresh;
        } catch {
          // a view without source_key (or whose upstream broke): count what it has
          try {
            to_load = Number((await db.pool.query(`select count(*) as n from ${rel}`)).rows[0].n);
            not_attempted = Math.max(0, to_load - c.loaded - c.rejected - c.queued - c.skipped);
          } catch {
            to_load = null;
          }
        }
      }
    }
    objects.push({ object: name, to_load, ...c, not_attempted });
  }
  const totals = objects.reduce(
    (t, o) => ({
      to_load: (t.to_load ?? 0) + (o.to_load ?? 0),
      loaded: t.loaded + o.loaded,
      rejected: t.rejected + o.rejected,
      queued: t.queued + o.queued,
      skipped: t.skipped + o.skipped,
      not_attempted: t.not_attempted + o.not_attempted,
    }),
    { to_load: 0 as number | null, loaded: 0, rejected: 0, queued: 0, skipped: 0, not_attempted: 0 },
  );
  const queue: QueueSummary[] = [];
  const owners: PipelineState['owners'] = [];
  if (await exists(db, 'etl.queue_items')) {
    const { rows } = await db.pool.query(
      `select q.kind,
              count(*) filter (where q.status = 'open')::int as open,
              count(*) filter (where q.status <> 'open')::int as resolved,
              coalesce(sum((select count(*) from etl.record_status s where s.queue_id = q.id and s.state = 'queued')) filter (where q.status = 'open'), 0)::int as waiting
         from etl.queue_items q where q.pipeline = $1 group by 1 order by 1`,
      [p.name],
    );
    for (const r of rows) queue.push({ kind: r.kind, open: r.open, waiting: r.waiting, resolved: r.resolved });
    const o = await db.pool.query(
      `select q.key, q.detail, greatest(q.held, (select count(*) from etl.record_status s where s.queue_id = q.id and s.state = 'queued'))::int as waiting
         from etl.queue_items q where q.pipeline = $1 and q.kind = 'user' and q.status = 'open' order by 3 desc, 1`,
      [p.name],
    );
    for (const r of o.rows) owners.push({ key: r.key, detail: r.detail, waiting: r.waiting });
  }
  const last = haveStatus
    ? (await db.pool.query(`select run_id, updated_at from etl.record_status where pipeline = $1 order by updated_at desc limit 1`, [p.name])).rows[0]
    : undefined;
  return {
    objects,
    totals,
    waiting: haveStatus ? await groups(db, p.name, 'queued') : [],
    rejected: haveStatus ? await groups(db, p.name, 'rejected') : [],
    skipped: haveStatus ? await groups(db, p.name, 'skipped') : [],
    queue,
    owners,
    last_change: last ? { run_id: last.run_id === null ? null : Number(last.run_id), at: (last.updated_at as Date).toISOString() } : null,
  };
}
