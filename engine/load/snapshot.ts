/**
 * Snapshots of a destination-shaped view for one load: `load_snapshots.<name>`, an unlogged table
 * with the view's rows (or only some keys) and a unique index on source_key. Taking one reads the
 * view once; a chunk is then a range scan of the index (docs/load.md, "Chunks").
 */
import type pg from 'pg';
import { ident } from '../extract/headers.ts';
import { CliError } from '../errors.ts';

export const SNAPSHOT_SCHEMA = 'load_snapshots';

type Queryable = Pick<pg.PoolClient, 'query'>;

export const snapshotRelation = (name: string) => `${ident(SNAPSHOT_SCHEMA)}.${ident(name)}`;

/** Copy the view (or the rows of `onlyKeys`) into a new snapshot; returns its row count. */
export async function takeSnapshot(q: Queryable, view: string, name: string, onlyKeys?: string[]): Promise<number> {
  const [vs, vn] = view.split('.');
  const rel = snapshotRelation(name);
  await q.query(`create schema if not exists ${ident(SNAPSHOT_SCHEMA)}`);
  await q.query(`drop table if exists ${rel}`);
  const res = onlyKeys
    ? await q.query(`create unlogged table ${rel} as select * from ${ident(vs!)}.${ident(vn!)} where source_key = any($1)`, [onlyKeys])
    : await q.query(`create unlogged table ${rel} as select * from ${ident(vs!)}.${ident(vn!)}`);
  // unique: a view that yields one source_key twice would load one of them silently
  try {
    await q.query(`create unique index on ${rel} (source_key)`);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    const dup = await q.query(`select source_key, count(*)::int as n from ${rel} group by 1 having count(*) > 1 order by 2 desc, 1 limit 3`);
    await q.query(`drop table if exists ${rel}`);
    throw new CliError(
      'VIEW_DUPLICATE_KEY',
      `${view} has ${dup.rows.map((r) => `${r.source_key} (${r.n} rows)`).join(', ')}: a destination view must have one row per source_key; fix its SQL (a join that multiplies rows?).`,
      { cause: err },
    );
  }
  await q.query(`analyze ${rel}`);
  return res.rowCount ?? 0;
}

export async function dropSnapshot(q: Queryable, name: string | null | undefined): Promise<void> {
  if (name) await q.query(`drop table if exists ${snapshotRelation(name)}`);
}
