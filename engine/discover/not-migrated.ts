/**
 * What will not migrate (notification triggers, workflows, reports, portal users...): the
 * pipeline lists them; this inventories their raw tables for the people who rebuild them by hand.
 */
import type { Db } from '../db/connection.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import { ident } from '../extract/headers.ts';
import { rawSchema } from '../source.ts';

export interface NotMigratedItem {
  file: string;
  table: string;
  what: string;
  why: string;
  rows: number;
  columns: string[];
  sample: Record<string, string | null>[];
}

const SAMPLE = 50;

export async function notMigratedInventory(db: Db, pipeline: PipelineDefinition): Promise<NotMigratedItem[]> {
  const schema = rawSchema(pipeline.source.name);
  const out: NotMigratedItem[] = [];
  for (const item of pipeline.notMigrated ?? []) {
    const spec = pipeline.source.files.find((f) => f.file.toLowerCase() === item.file.toLowerCase() || f.name === item.file);
    const table = spec?.name ?? item.file.replace(/\.csv$/i, '');
    const exists = (await db.pool.query(`select to_regclass($1) is not null as ok`, [`${ident(schema)}.${ident(table)}`])).rows[0].ok;
    if (!exists) {
      out.push({ file: item.file, table: `${schema}.${table}`, what: item.what, why: item.why, rows: 0, columns: [], sample: [] });
      continue;
    }
    const { rows: cols } = await db.pool.query(
      `select column_name from information_schema.columns where table_schema = $1 and table_name = $2 and column_name not like '\\_%' order by ordinal_position`,
      [schema, table],
    );
    const columns = cols.map((c) => c.column_name as string);
    const n = (await db.pool.query(`select count(*)::int as n from ${ident(schema)}.${ident(table)}`)).rows[0].n;
    const sample = columns.length
      ? (await db.pool.query(`select ${columns.map(ident).join(', ')} from ${ident(schema)}.${ident(table)} order by _line limit ${SAMPLE}`)).rows
      : [];
    out.push({ file: item.file, table: `${schema}.${table}`, what: item.what, why: item.why, rows: n, columns, sample });
  }
  return out;
}

const md = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').slice(0, 200);

export function notMigratedMarkdown(pipeline: PipelineDefinition, items: NotMigratedItem[]): string {
  const lines = [`# What will not migrate: ${pipeline.name}`, ''];
  if (!items.length) lines.push('The pipeline lists nothing that stays behind.');
  for (const it of items) {
    lines.push(`## ${it.what} (${it.file})`, '', it.why, '', `${it.rows} row(s) in \`${it.table}\`.`, '');
    if (it.rows && it.columns.length) {
      lines.push(`| ${it.columns.join(' | ')} |`, `|${it.columns.map(() => '---').join('|')}|`);
      for (const r of it.sample) lines.push(`| ${it.columns.map((c) => md(r[c])).join(' | ')} |`);
      if (it.rows > it.sample.length) lines.push('', `(first ${it.sample.length} of ${it.rows}; all are in \`${it.table}\`)`);
      lines.push('');
    }
  }
  return lines.join('\n') + '\n';
}
