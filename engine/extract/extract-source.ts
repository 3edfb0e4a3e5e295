/**
 * Land every export file of a source in raw_<source>.<file>: text columns as exported plus
 * lineage (_file, _line, _batch_id, _row_hash, _extracted_at). Streamed through COPY.
 *
 * Each file is replaced atomically: the raw table always holds exactly one export of the
 * file (the latest), and an unchanged file (same sha256) is not landed again.
 */
import { createReadStream, readdirSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../db/connection.ts';
import { rawSchema, type FileSpec, type SourceConnector } from '../source.ts';
import { ident, mapHeaders, requiredProblem, type HeaderMapping } from './headers.ts';
import { sniff, type Encoding } from './detect.ts';
import { copyValue, rowHash } from './copy-text.ts';
import { CliError } from '../errors.ts';

export interface ExtractOptions {
  runId?: number;
  encoding?: Encoding;
  delimiter?: string;
  /** Land even when the file's sha256 equals the last landed batch. */
  force?: boolean;
  onProgress?: (p: { file: string; rows: number; bytes: number; totalBytes: number }) => void;
}

export interface FileResult {
  file: string;
  table: string;
  status: 'landed' | 'unchanged' | 'missing';
  rowsRead: number;
  landed: number;
  rejected: number;
  customFields: string[];
  batchId?: number;
}

const LINEAGE = ['_file', '_line', '_batch_id', '_row_hash'];

/** Find a file in the export folder, case-insensitively. */
export function findExportFile(dir: string, fileName: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const want = fileName.toLowerCase();
  const hit = readdirSync(dir).find((f) => f.toLowerCase() === want);
  return hit ? path.join(dir, hit) : undefined;
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

function decoded(file: string, encoding: Encoding): Readable {
  return createReadStream(file).pipe(iconv.decodeStream(encoding === "utf8" ? "utf8" : "win1252", { stripBOM: true })) as unknown as Readable;
}

/** Read just the header record of a file. */
async function readHeader(file: string, encoding: Encoding, delimiter: string): Promise<string[] | null> {
  const parser = decoded(file, encoding).pipe(parse({ delimiter, relax_column_count: true, relax_quotes: true, to_line: 1 }));
  for await (const rec of parser) return rec as string[];
  return null;
}

async function ensureTable(db: Db, schema: string, table: string, spec: FileSpec, mapping: HeaderMapping | null) {
  const cols = new Set(spec.columns.map((c) => c.name));
  for (const c of mapping?.columns ?? []) if (c) cols.add(c);
  await db.pool.query(`create schema if not exists ${ident(schema)}`);
  await db.pool.query(
    `create table if not exists ${ident(schema)}.${ident(table)} (
       _file text not null, _line bigint not null, _batch_id bigint not null, _row_hash text not null,
       _extracted_at timestamptz not null default now())`,
  );
  for (const c of cols) {
    await db.pool.query(`alter table ${ident(schema)}.${ident(table)} add column if not exists ${ident(c)} text`);
  }
}

/**
 * Check every present file's header before landing anything, so a missing required column
 * fails the extract with nothing half-landed.
 */
async function preflight(source: SourceConnector, inputDir: string, opts: ExtractOptions) {
  const plans: { spec: FileSpec; file?: string; encoding: Encoding; delimiter: string; mapping: HeaderMapping | null }[] = [];
  for (const spec of source.files) {
    const file = findExportFile(inputDir, spec.file);
    if (!file) {
      if (spec.required)
        throw new CliError('EXTRACT_MISSING_FILE', `${path.join(inputDir, spec.file)}: required export file not found (${source.title} needs ${spec.file}).`);
      plans.push({ spec, encoding: 'utf8', delimiter: ',', mapping: null });
      continue;
    }
    if (statSync(file).isDirectory()) throw new CliError('EXTRACT_BAD_FILE', `${file}: is a folder, not a CSV file.`);
    const sn = sniff(file, { encoding: opts.encoding, delimiter: opts.delimiter });
    const header = sn.empty ? null : await readHeader(file, sn.encoding, sn.delimiter);
    if (!header) {
      if (spec.required) throw new CliError('EXTRACT_EMPTY_FILE', `${file}: the file is empty; ${spec.file} must have a header line.`);
      plans.push({ spec, file, encoding: sn.encoding, delimiter: sn.delimiter, mapping: null });
      continue;
    }
    const mapping = mapHeaders(spec, header);
    const problem = requiredProblem(spec, mapping);
    if (problem) throw new CliError('EXTRACT_MISSING_COLUMN', `${file}, line 1: ${problem}. Found headers: ${header.join(', ')}`);
    plans.push({ spec, file, encoding: sn.encoding, delimiter: sn.delimiter, mapping });
  }
  return plans;
}

export async function extractSource(db: Db, source: SourceConnector, inputDir: string, opts: ExtractOptions = {}): Promise<FileResult[]> {
  if (!existsSync(inputDir)) throw new CliError('EXTRACT_NO_INPUT', `${inputDir}: export folder not found (check --input).`);
  const plans = await preflight(source, inputDir, opts);
  const schema = rawSchema(source.name);
  const results: FileResult[] = [];
  for (const plan of plans) {
    const { spec } = plan;
    await ensureTable(db, schema, spec.name, spec, plan.mapping);
    if (!plan.file || !plan.mapping) {
      // Missing or empty optional file: no records of that object.
      await db.pool.query(`delete from ${ident(schema)}.${ident(spec.name)}`);
      results.push({ file: spec.file, table: `${schema}.${spec.name}`, status: 'missing', rowsRead: 0, landed: 0, rejected: 0, customFields: [] });
      continue;
    }
    results.push(await landFile(db, source, plan.file, spec, plan.mapping, plan.encoding, plan.delimiter, opts));
  }
  return results;
}

async function landFile(
  db: Db,
  source: SourceConnector,
  file: string,
  spec: FileSpec,
  mapping: HeaderMapping,
  encoding: Encoding,
  delimiter: string,
  opts: ExtractOptions,
): Promise<FileResult> {
  const schema = rawSchema(source.name);
  const table = `${schema}.${spec.name}`;
  const digest = await sha256(file);
  const fileLabel = path.basename(file);
  const customFields = mapping.custom.map((c) => c.header);

  if (!opts.force) {
    const last = await db.pool.query(
      `select batch_id, sha256, rows_landed, rows_rejected, rows_read from etl.extract_batches
        where source = $1 and file = $2 and finished_at is not null order by batch_id desc limit 1`,
      [source.name, spec.name],
    );
    if (last.rows[0]?.sha256 === digest) {
      const r = last.rows[0];
      return { file: fileLabel, table, status: 'unchanged', rowsRead: r.rows_read, landed: r.rows_landed, rejected: r.rows_rejected, customFields, batchId: r.batch_id };
    }
  }

  const client = await db.pool.connect();
  try {
    await client.query('begin');
    const batch = await client.query(
      `insert into etl.extract_batches (run_id, source, file, path, sha256, encoding, delimiter, custom_fields, method)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'csv-parse') returning batch_id`,
      [opts.runId ?? null, source.name, spec.name, file, digest, encoding, delimiter, customFields],
    );
    const batchId: number = batch.rows[0].batch_id;
    await client.query(`delete from ${ident(schema)}.${ident(spec.name)}`);
    for (const [i, col] of mapping.columns.entries()) {
      if (!col) continue;
      await client.query(
        `insert into etl.raw_columns (source, file, column_name, header, is_custom, ordinal) values ($1,$2,$3,$4,$5,$6)
         on conflict (source, file, column_name) do update set header = excluded.header, is_custom = excluded.is_custom, ordinal = excluded.ordinal`,
        [source.name, spec.name, col, mapping.custom.find((c) => c.name === col)?.header ?? col, mapping.custom.some((c) => c.name === col), i],
      );
    }

    const cols = mapping.columns.filter((c): c is string => c !== null);
    const width = mapping.columns.length;
    let rowsRead = 0;
    let landed = 0;
    const rejects: { line: number; reason: string; message: string; raw: string }[] = [];
    const totalBytes = statSync(file).size;
    let bytes = 0;

    const parser = parse({
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: false,
      info: true,
      from_line: 2,
    });

    const toCopy = new Transform({
      writableObjectMode: true,
      transform(chunk: { record: string[]; info: { lines: number; bytes: number } }, _enc, done) {
        rowsRead++;
        const { record, info } = chunk;
        bytes = info.bytes;
        // info.lines is the line the record ends on; the record starts at the line after the last one.
        const line = info.lines;
        if (record.length !== width) {
          rejects.push({
            line,
            reason: record.length < width ? 'RAGGED_SHORT' : 'RAGGED_LONG',
            message: `${fileLabel}, line ${line}: ${record.length} fields where the header has ${width}`,
            raw: record.join(delimiter).slice(0, 2000),
          });
          return done();
        }
        landed++;
        if (landed % 5000 === 0) opts.onProgress?.({ file: fileLabel, rows: landed, bytes, totalBytes });
        const values = record.map((v) => (v === '' ? null : v));
        const fields = [copyValue(fileLabel), String(line), String(batchId), rowHash(values)];
        mapping.columns.forEach((c, i) => {
          if (c) fields.push(copyValue(values[i]));
        });
        done(null, fields.join('\t') + '\n');
      },
    });

    const copy = client.query(
      copyFrom(`copy ${ident(schema)}.${ident(spec.name)} (${[...LINEAGE, ...cols].map(ident).join(', ')}) from stdin`),
    );
    try {
      await pipeline(decoded(file, encoding), parser, toCopy, copy);
    } catch (err) {
      const e = err as Error & { code?: string; lines?: number };
      if (e.code?.startsWith('CSV_')) {
        throw new CliError('EXTRACT_UNREADABLE', `${fileLabel}, line ${e.lines ?? '?'}: ${e.message}`, { cause: err });
      }
      throw err;
    }

    for (const r of rejects) {
      await client.query(
        `insert into etl.rejects (run_id, source, stage, object, file, line, reason_code, message, raw) values ($1,$2,'extract',$3,$4,$5,$6,$7,$8)`,
        [opts.runId ?? null, source.name, spec.name, fileLabel, r.line, r.reason, r.message, r.raw],
      );
    }
    await client.query(
      `update etl.extract_batches set rows_read = $2, rows_landed = $3, rows_rejected = $4, finished_at = now() where batch_id = $1`,
      [batchId, rowsRead, landed, rejects.length],
    );
    await client.query('commit');
    opts.onProgress?.({ file: fileLabel, rows: landed, bytes: totalBytes, totalBytes });
    return { file: fileLabel, table, status: 'landed', rowsRead, landed, rejected: rejects.length, customFields, batchId };
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
