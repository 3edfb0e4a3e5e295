/** Rows of sandbox_nutshell.entities: every entity type shares one table keyed (entity_type, id). */
import type pg from 'pg';
import { nextNumber } from './schema.ts';
import { notFound, staleRev } from './errors.ts';

export interface EntityRow {
  entityType: string;
  id: number;
  rev: number;
  data: Record<string, any>;
  creatorId: number | null;
  createdTime: Date;
  modifiedTime: Date;
  deletedTime: Date | null;
}

const COLS = 'entity_type, id, rev, data, creator_id, created_time, modified_time, deleted_time';
const toRow = (r: any): EntityRow => ({
  entityType: r.entity_type,
  id: r.id,
  rev: r.rev,
  data: r.data,
  creatorId: r.creator_id,
  createdTime: r.created_time,
  modifiedTime: r.modified_time,
  deletedTime: r.deleted_time,
});

export class Store {
  constructor(readonly pool: pg.Pool) {}

  async get(entityType: string, id: number): Promise<EntityRow | null> {
    const { rows } = await this.pool.query(`select ${COLS} from sandbox_nutshell.entities where entity_type = $1 and id = $2`, [entityType, id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** A live (not deleted) entity, or the documented not-found error. */
  async live(entityType: string, id: unknown): Promise<EntityRow> {
    const n = Number(id);
    const row = Number.isInteger(n) ? await this.get(entityType, n) : null;
    if (!row || row.deletedTime) throw notFound(entityType, id);
    return row;
  }

  async many(refs: { entityType: string; id: number }[]): Promise<Map<string, EntityRow>> {
    const out = new Map<string, EntityRow>();
    if (!refs.length) return out;
    const { rows } = await this.pool.query(
      `select ${COLS} from sandbox_nutshell.entities e join jsonb_to_recordset($1::jsonb) as r(t text, i int) on e.entity_type = r.t and e.id = r.i`,
      [JSON.stringify(refs.map((r) => ({ t: r.entityType, i: r.id })))],
    );
    for (const r of rows) out.set(`${r.entity_type}:${r.id}`, toRow(r));
    return out;
  }

  /** The live notes attached to each of `parents` (a parent's full render lists its notes). */
  async notesOf(parents: { entityType: string; id: number }[]): Promise<EntityRow[]> {
    if (!parents.length) return [];
    const { rows } = await this.pool.query(
      `select ${COLS.split(', ').map((c) => `e.${c}`).join(', ')} from sandbox_nutshell.entities e
         join jsonb_to_recordset($1::jsonb) as r(t text, i int) on e.data->'parent'->>'entityType' = r.t and (e.data->'parent'->>'id')::int = r.i
        where e.entity_type = 'Notes' and e.deleted_time is null order by e.id`,
      [JSON.stringify(parents.map((r) => ({ t: r.entityType, i: r.id })))],
    );
    return rows.map(toRow);
  }

  async all(entityType: string, includeDeleted = false): Promise<EntityRow[]> {
    const { rows } = await this.pool.query(
      `select ${COLS} from sandbox_nutshell.entities where entity_type = $1 ${includeDeleted ? '' : 'and deleted_time is null'} order by id`,
      [entityType],
    );
    return rows.map(toRow);
  }

  async insert(entityType: string, data: Record<string, unknown>, creatorId: number | null): Promise<EntityRow> {
    const id = await nextNumber(this.pool, entityType);
    const { rows } = await this.pool.query(
      `insert into sandbox_nutshell.entities (entity_type, id, data, creator_id) values ($1,$2,$3,$4) returning ${COLS}`,
      [entityType, id, JSON.stringify(data), creatorId],
    );
    await this.indexEmails(entityType, id);
    return toRow(rows[0]);
  }

  /** Keep sandbox_nutshell.emails (lower-cased addresses of live entities) in step with data. */
  private async indexEmails(entityType: string, id: number): Promise<void> {
    await this.pool.query(
      `with gone as (delete from sandbox_nutshell.emails where entity_type = $1 and id = $2)
       insert into sandbox_nutshell.emails (entity_type, id, email)
       select e.entity_type, e.id, lower(v.value) from sandbox_nutshell.entities e, jsonb_each_text(coalesce(e.data->'email', '{}')) v
        where e.entity_type = $1 and e.id = $2 and e.deleted_time is null and jsonb_typeof(e.data->'email') = 'object'`,
      [entityType, id],
    );
  }

  /** Live entities of a type with this e-mail address (exact, case-insensitive). */
  async byEmail(entityType: string, email: string): Promise<EntityRow[]> {
    const { rows } = await this.pool.query(
      `select ${COLS.split(', ').map((c) => `e.${c}`).join(', ')} from sandbox_nutshell.entities e
        where e.entity_type = $1 and e.deleted_time is null
          and exists (select 1 from sandbox_nutshell.emails m where m.email = lower($2) and m.entity_type = e.entity_type and m.id = e.id)
        order by e.id`,
      [entityType, email],
    );
    return rows.map(toRow);
  }

  /**
   * Rev-guarded write: the update only happens when the stored rev still equals the one given
   * (or REV_IGNORE), so two writers racing on one rev cannot both win.
   */
  async edit(entityType: string, id: unknown, rev: string, data: Record<string, unknown>): Promise<EntityRow> {
    const row = await this.live(entityType, id);
    const ignore = rev === 'REV_IGNORE';
    if (!ignore && String(row.rev) !== String(rev)) throw staleRev();
    const { rows } = await this.pool.query(
      `update sandbox_nutshell.entities set data = $3, rev = rev + 1, modified_time = now()
        where entity_type = $1 and id = $2 and deleted_time is null and ($4 or rev = $5) returning ${COLS}`,
      [entityType, row.id, JSON.stringify(data), ignore, row.rev],
    );
    if (!rows[0]) throw staleRev();
    await this.indexEmails(entityType, row.id);
    return toRow(rows[0]);
  }

  async remove(entityType: string, id: unknown, rev: string): Promise<void> {
    const row = await this.live(entityType, id);
    const ignore = rev === 'REV_IGNORE';
    if (!ignore && String(row.rev) !== String(rev)) throw staleRev();
    const res = await this.pool.query(
      `update sandbox_nutshell.entities set deleted_time = now(), rev = rev + 1, modified_time = now()
        where entity_type = $1 and id = $2 and deleted_time is null and ($3 or rev = $4)`,
      [entityType, row.id, ignore, row.rev],
    );
    if (!res.rowCount) throw staleRev();
    await this.indexEmails(entityType, row.id);
  }
}
