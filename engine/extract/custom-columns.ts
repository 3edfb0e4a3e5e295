/**
 * Custom fields are the columns of an export file its connector does not declare (etl.raw_columns
 * with is_custom). Which ones a file has is known only once it has landed, so for each raw table
 * extract writes one small SQL function the staging models call on a raw row:
 *
 *   raw_<source>.<file>_custom(r raw_<source>.<file>) returns jsonb
 *     -- {"budget_zar": "R 82 000,00", "industry": "Mining"}: the custom columns with a value
 *
 * A plain `jsonb_build_object` over the custom columns, which PostgreSQL inlines: about a quarter
 * of the cost of taking the whole row apart per record (`to_jsonb(r) - known columns`).
 * Keys are raw column names; the header each was written as is in etl.raw_columns, and mappings
 * bind to that header (docs/custom-fields.md).
 */
import type { Db } from '../db/connection.ts';
import { rawSchema, type SourceConnector } from '../source.ts';
import { ident } from './headers.ts';

/** The function's name for a raw table: `raw_<source>.<file>_custom`. */
export const customFunction = (source: string, file: string) => `${ident(rawSchema(source))}.${ident(`${file}_custom`)}`;

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** (Re)create the custom-columns function of every raw table of the source that exists. */
export async function writeCustomFunctions(db: Db, source: SourceConnector): Promise<void> {
  const schema = rawSchema(source.name);
  for (const spec of source.files) {
    const exists = await db.pool.query(`select to_regclass($1) is not null as ok`, [`${ident(schema)}.${ident(spec.name)}`]);
    if (!exists.rows[0].ok) continue;
    const cols = (
      await db.pool.query<{ column_name: string }>(
        `select c.column_name from etl.raw_columns c
           join information_schema.columns i on i.table_schema = $3 and i.table_name = c.file and i.column_name = c.column_name
          where c.source = $1 and c.file = $2 and c.is_custom order by c.ordinal`,
        [source.name, spec.name, schema],
      )
    ).rows.map((r) => r.column_name);
    const pairs = cols.map((c) => `${literal(c)}, r.${ident(c)}`).join(', ');
    const body = cols.length ? `jsonb_strip_nulls(jsonb_build_object(${pairs}))` : `'{}'::jsonb`;
    // The row type keeps its identity when extract adds columns, so replacing is enough.
    await db.pool.query(
      `create or replace function ${customFunction(source.name, spec.name)}(r ${ident(schema)}.${ident(spec.name)}) returns jsonb
       language sql immutable parallel safe as $fn$ select ${body} $fn$`,
    );
    await db.pool.query(
      `comment on function ${customFunction(source.name, spec.name)}(${ident(schema)}.${ident(spec.name)}) is ${literal(
        cols.length ? `Custom columns of ${spec.file} with a value, as exported: ${cols.join(', ')}` : `${spec.file} has no custom columns in the landed export`,
      )}`,
    );
  }
}
