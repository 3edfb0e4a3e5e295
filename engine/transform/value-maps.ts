/**
 * Value maps are data a consultant edits: CSV files beside a pipeline definition
 * (pipelines/<name>/maps/<map>.csv), loaded as tables <pipeline_schema>.map_<map> with text
 * columns named from the header, and joined in SQL.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { inTransaction, type Db } from '../db/connection.ts';
import { CliError } from '../errors.ts';
import { columnNameFor, ident } from '../extract/headers.ts';
import { unguardCell } from '../util/csv-write.ts';

export interface LoadedMap {
  table: string;
  rows: number;
}

export function mapFiles(mapsDir: string): string[] {
  if (!existsSync(mapsDir)) return [];
  return readdirSync(mapsDir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(mapsDir, f));
}

/** Hash of every value map's content (an approval is tied to it). */
export function mapsHash(mapsDir: string): string {
  const h = createHash('sha256');
  for (const f of mapFiles(mapsDir)) h.update(path.basename(f)).update('\0').update(readFileSync(f));
  return h.digest('hex');
}

export async function loadValueMaps(db: Db, schema: string, mapsDir: string): Promise<LoadedMap[]> {
  const out: LoadedMap[] = [];
  await db.pool.query(`create schema if not exists ${ident(schema)}`);
  for (const file of mapFiles(mapsDir)) out.push(await loadCsvTable(db, schema, `map_${columnNameFor(path.basename(file, '.csv'))}`, file));
  return out;
}

/**
 * A CSV file (header line, `#` comments) as the table <schema>.<name>: text columns named from the
 * header, empty cells as null, and `_line`, the line of the file each row came from.
 * `written`: a file the project's writer wrote (engine/util/csv-write.ts), read back by its rule:
 * '#' starts a comment only at the start of a line, and the formula guard is undone.
 */
export async function loadCsvTable(db: Db, schema: string, name: string, file: string, opts: { written?: boolean } = {}): Promise<LoadedMap> {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    const written = opts.written ? { comment_no_infix: true, cast: (v: string) => unguardCell(v) } : {};
    records = parse(readFileSync(file, "utf8"), { bom: true, skip_empty_lines: true, trim: true, comment: "#", info: true, ...written }) as unknown as typeof records;
  } catch (err) {
    throw new CliError('VALUE_MAP_UNREADABLE', `${file}: ${(err as Error).message}`, { cause: err });
  }
  const [header, ...rows] = records;
  if (!header) throw new CliError('VALUE_MAP_EMPTY', `${file}: the file has no header line.`);
  const cols = header.record.map(columnNameFor);
  await inTransaction(db, async (client) => {
    await client.query(`create schema if not exists ${ident(schema)}`);
    await client.query(`drop table if exists ${ident(schema)}.${ident(name)} cascade`);
    await client.query(`create table ${ident(schema)}.${ident(name)} (${cols.map((c) => `${ident(c)} text`).join(', ')}, _line int)`);
    for (const { record: r, info } of rows) {
      if (r.length !== cols.length)
        throw new CliError('VALUE_MAP_ROW', `${file}, line ${info.lines}: ${r.length} fields where the header has ${cols.length}.`);
      await client.query(
        `insert into ${ident(schema)}.${ident(name)} values (${[...r, info.lines].map((_, j) => `$${j + 1}`).join(', ')})`,
        [...r.map((v) => (v === '' ? null : v)), info.lines],
      );
    }
  });
  return { table: `${schema}.${name}`, rows: rows.length };
}
