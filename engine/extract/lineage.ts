/**
 * Where each record came from, for findings that name a record by its key only:
 *
 *   dq_<source>._record_lines   object (the export file's raw table), id (its id column, as
 *                               exported), file, line: one row per landed row of every file
 *                               that has an id column.
 *
 * lib.dq_findings (sql/lib/070_dq.sql) gives a finding without its own `file` and `line` those
 * of its record, matched on (object, source_key) or on a key written `<object>:<id>`. The
 * leading `_` keeps the view out of the findings. A plain view over the raw tables, written by
 * `transform` beside the orphan view, always current with what extract landed.
 */
import type { Db } from '../db/connection.ts';
import { dqSchema, rawSchema, type SourceConnector } from '../source.ts';
import { ident } from './headers.ts';

export const LINEAGE_VIEW = '_record_lines';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** (Re)create dq_<source>._record_lines from the raw tables the export landed. */
export async function writeLineageView(db: Db, source: SourceConnector): Promise<void> {
  const raw = rawSchema(source.name);
  const dq = dqSchema(source.name);
  const parts: string[] = [];
  for (const f of source.files) {
    if (!f.idColumn) continue;
    const rel = `${ident(raw)}.${ident(f.name)}`;
    const ok = (
      await db.pool.query(
        `select exists (select 1 from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3) as ok`,
        [raw, f.name, f.idColumn],
      )
    ).rows[0].ok;
    if (ok) parts.push(`select ${lit(f.name)}::text as object, ${ident(f.idColumn)}::text as id, _file::text as file, _line::bigint as line from ${rel}`);
  }
  await db.pool.query(`create schema if not exists ${ident(dq)}`);
  await db.pool.query(`drop view if exists ${ident(dq)}.${ident(LINEAGE_VIEW)}`);
  if (!parts.length) return;
  await db.pool.query(`create view ${ident(dq)}.${ident(LINEAGE_VIEW)} as ${parts.join('\nunion all\n')}`);
  await db.pool.query(
    `comment on view ${ident(dq)}.${ident(LINEAGE_VIEW)} is ${lit('Every landed row of every export file with an id column: object, id, file, line. lib.dq_findings names the file and line of a finding from it (engine/extract/lineage.ts).')}`,
  );
  await comment(db, dq, LINEAGE_VIEW, {
    object: 'the raw table (export file) of the row',
    id: 'the value of its id column, as exported',
    file: 'the export file the row came from',
    line: 'the line the row starts on in that file',
  });
}

async function comment(db: Db, schema: string, view: string, columns: Record<string, string>): Promise<void> {
  for (const [c, text] of Object.entries(columns)) await db.pool.query(`comment on column ${ident(schema)}.${ident(view)}.${ident(c)} is ${lit(text)}`);
}

export const HEADERS_VIEW = '_headers_written';

/**
 * dq_<source>._headers_written (file, canonical, header): each column of each file of the
 * connector, with the header as this export writes it (an alias, another case), or null when the
 * export does not have the column, so lib.dq_findings names a finding's column as this export's
 * header says it ('Date Created', not 'Created') and leaves out columns it does not have.
 */
export async function writeHeadersView(db: Db, source: SourceConnector): Promise<void> {
  const dq = dqSchema(source.name);
  const rows = source.files.flatMap((f) => f.columns.map((c) => `(${lit(f.name)}, ${lit(f.file)}, ${lit(c.name)}, ${lit(c.header)})`));
  await db.pool.query(`create schema if not exists ${ident(dq)}`);
  await db.pool.query(`drop view if exists ${ident(dq)}.${ident(HEADERS_VIEW)}`);
  if (!rows.length) return;
  await db.pool.query(
    `create view ${ident(dq)}.${ident(HEADERS_VIEW)} as
     select s.file_label::text as file, s.canonical::text as canonical, rc.header::text as header
       from (values ${rows.join(', ')}) s(file_name, file_label, column_name, canonical)
       left join etl.raw_columns rc on rc.source = ${lit(source.name)} and rc.file = s.file_name and rc.column_name = s.column_name
      -- only files this export has
      where exists (select 1 from etl.raw_columns x where x.source = ${lit(source.name)} and x.file = s.file_name)`,
  );
  await db.pool.query(
    `comment on view ${ident(dq)}.${ident(HEADERS_VIEW)} is ${lit("Each column of each export file: the connector's header and the header as this export writes it (null: the export lacks the column). lib.dq_findings names a finding's column as written (engine/extract/lineage.ts).")}`,
  );
  await comment(db, dq, HEADERS_VIEW, {
    file: 'the export file',
    canonical: "the column's header in the connector",
    header: 'the header as this export writes it; null when the export does not have the column',
  });
}
