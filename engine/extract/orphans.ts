/**
 * Orphan checks generated from the connector's declared references (ColumnSpec.references),
 * so every reference column of every file has one, rather than each pipeline writing its own:
 *
 *   dq_<source>.orphan_values   one finding per raw row whose reference names no record of the
 *                               referenced file: category `orphan`, object = the file's object,
 *                               field = the header as the export wrote it (etl.raw_columns),
 *                               value as exported, and the file and line in the message (and in
 *                               the extra columns `file`, `line`, `ref_object`).
 *
 * It reads the raw tables, so a row is checked as the export wrote it, with its line; a parent
 * row rejected at extract is not in its raw table, so its children are orphans here too. A
 * reference to a file the export has no records of (left out, or header-only) is reported once,
 * as unchecked, instead of once per row. The view is a plain view over the raw tables: written
 * by `transform` (buildPipelineModels) and always current with what extract landed.
 */
import type { Db } from '../db/connection.ts';
import { dqSchema, rawSchema, type ColumnSpec, type FileSpec, type SourceConnector } from '../source.ts';
import { ident } from './headers.ts';

export const ORPHAN_VIEW = 'orphan_values';

export interface DeclaredReference {
  file: FileSpec;
  column: ColumnSpec;
  target: FileSpec;
  targetColumns: ColumnSpec[];
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Every declared reference of a source, resolved to the specs it names (a bad declaration throws). */
export function declaredReferences(source: SourceConnector): DeclaredReference[] {
  const out: DeclaredReference[] = [];
  for (const file of source.files)
    for (const column of file.columns) {
      const ref = column.references;
      if (!ref) continue;
      const target = source.files.find((f) => f.name === ref.file);
      if (!target) throw new Error(`${source.name}: ${file.name}.${column.name} references a file ${ref.file} the connector does not declare`);
      const targetColumns = [ref.column].flat().map((c) => {
        const spec = target.columns.find((x) => x.name === c);
        if (!spec) throw new Error(`${source.name}: ${file.name}.${column.name} references ${ref.file}.${c}, which ${target.file} does not declare`);
        return spec;
      });
      out.push({ file, column, target, targetColumns });
    }
  return out;
}

/** The comparison key of a value: trimmed (`id`), or also case and inner spaces ignored (`text`). */
function key(expr: string, match: 'id' | 'text'): string {
  return match === 'text' ? `nullif(lower(regexp_replace(btrim(${expr}), '\\s+', ' ', 'g')), '')` : `nullif(btrim(${expr}), '')`;
}

/** The SELECT of one declared reference: its orphan rows, and the one "unchecked" row when the referenced file has no records. */
export function orphanCheckSql(source: SourceConnector, r: DeclaredReference): string {
  const schema = rawSchema(source.name);
  const child = `${ident(schema)}.${ident(r.file.name)}`;
  const parent = `${ident(schema)}.${ident(r.target.name)}`;
  const ref = r.column.references!;
  const match = ref.match ?? 'id';
  const severity = ref.severity ?? 'warning';
  const col = `c.${ident(r.column.name)}`;
  const field = `coalesce((select h.header from etl.raw_columns h where h.source = ${lit(source.name)} and h.file = ${lit(r.file.name)} and h.column_name = ${lit(r.column.name)}), ${lit(r.column.header)})`;
  const sourceKey = r.file.idColumn
    ? `${lit(r.file.name + ':')} || coalesce(nullif(btrim(c.${ident(r.file.idColumn)}), ''), 'line ' || c._line)`
    : `${lit(r.file.name + ':line ')} || c._line`;
  const names = r.targetColumns.map((c) => c.header).join(' or ');
  const keys = r.targetColumns.map((t) => `select ${key(`p.${ident(t.name)}`, match)} as k from ${parent} p`).join(' union all ');
  const consequence = ref.consequence ?? 'it loads without the link';
  return `select 'orphan'::text as category, ${lit(severity)}::text as severity, ${lit(r.file.name)}::text as object,
       ${sourceKey} as source_key, ${field} as field, ${col}::text as value,
       c._file || ', line ' || c._line || ', ' || ${field} || ' "' || left(${col}, 200) || '": no record of ${r.target.file.replace(/'/g, "''")} has this ${names.replace(/'/g, "''")}; ' || ${lit(consequence)} as message,
       c._file::text as file, c._line::bigint as line, ${lit(r.target.name)}::text as ref_object
  from ${child} c
${
  match === 'text'
    ? // A text key (case, spaces) is computed once per distinct value written (a few owners,
      // statuses or groups over millions of rows), and the rows found again by the value itself.
      ` where ${col} in (select d.v from (select distinct ${col} as v from ${child} c) d
                  where ${key('d.v', match)} is not null
                    and not exists (select 1 from (${keys}) t where t.k = ${key('d.v', match)}))
   and exists (select 1 from ${parent})`
    : ` where ${key(col, match)} is not null
   and exists (select 1 from ${parent})
   and not exists (select 1 from (${keys}) t where t.k = ${key(col, match)})`
}
union all
select 'orphan', 'info', ${lit(r.file.name)}, null, ${field}, null,
       ${lit(`${r.file.file}: `)} || ${field} || ${lit(` names ${r.target.file} records, but the export has none (the file is left out or has no rows): its values were not checked`)},
       null, null, ${lit(r.target.name)}
 where not exists (select 1 from ${parent})
   and exists (select 1 from ${child} c where ${key(col, match)} is not null)`;
}

/** The whole view's SELECT, or null when the source declares no reference whose tables exist. */
export async function orphanViewSql(db: Db, source: SourceConnector): Promise<string | null> {
  const schema = rawSchema(source.name);
  const parts: string[] = [];
  for (const r of declaredReferences(source)) {
    const ok = (
      await db.pool.query(`select to_regclass($1) is not null and to_regclass($2) is not null as ok`, [
        `${ident(schema)}.${ident(r.file.name)}`,
        `${ident(schema)}.${ident(r.target.name)}`,
      ])
    ).rows[0].ok;
    if (ok) parts.push(orphanCheckSql(source, r));
  }
  return parts.length ? parts.join('\nunion all\n') : null;
}

/** (Re)create dq_<source>.orphan_values from the connector's declared references. */
export async function writeOrphanView(db: Db, source: SourceConnector): Promise<void> {
  const dq = dqSchema(source.name);
  const sql = await orphanViewSql(db, source);
  await db.pool.query(`create schema if not exists ${ident(dq)}`);
  await db.pool.query(`drop view if exists ${ident(dq)}.${ident(ORPHAN_VIEW)}`);
  if (!sql) return;
  await db.pool.query(`create view ${ident(dq)}.${ident(ORPHAN_VIEW)} as ${sql}`);
  await db.pool.query(
    `comment on view ${ident(dq)}.${ident(ORPHAN_VIEW)} is ${lit(`Generated from the references declared in connectors/sources/${source.name}/index.ts (engine/extract/orphans.ts): one finding per value that names no record of the referenced file`)}`,
  );  const columns: Record<string, string> = {
    category: "the finding's category: always orphan",
    severity: 'warning (the record loads without the link), or what the connector declares; info when the referenced file has no records',
    object: 'the raw table (export file) the value is in',
    source_key: "the row's key: <file>:<id>, or <file>:line <n> when the file has no id",
    field: 'the column as the export writes its header',
    value: 'the value that names no record',
    message: 'what is wrong and what happens to the row, with file, line and header',
    file: 'the export file the row came from',
    line: 'the line of the row in that file',
    ref_object: 'the raw table the value should name a record of',
  };
  for (const [c, text] of Object.entries(columns)) await db.pool.query(`comment on column ${ident(dq)}.${ident(ORPHAN_VIEW)}.${ident(c)} is ${lit(text)}`);
}
