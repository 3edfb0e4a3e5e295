/**
 * Land every export file of a source in raw_<source>.<file>: text columns as exported plus
 * lineage (_file, _line, _batch_id, _row_hash, _extracted_at). Streamed through COPY.
 *
 * Each file is replaced atomically: the raw table always holds exactly one export of the
 * file (the latest), and an unchanged file (same sha256, and its raw table still holding exactly
 * the rows that batch landed) is not landed again.
 *
 * Two ways in, chosen per file inside one transaction:
 *  - `pg-copy`: PostgreSQL's CSV parser takes the file (fast-path.ts), each line as written
 *    with its _row_hash and _line appended;
 *  - `careful`: the careful reader (csv-records.ts) when the file needs repair or rejects.
 * The fast path runs under a savepoint; anything it cannot take rolls back to the savepoint
 * and the careful reader lands the file in the same transaction.
 */
import { createReadStream, readdirSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { inTransaction, type Db } from '../db/connection.ts';
import { rawSchema, type FileSpec, type SourceConnector } from '../source.ts';
import { ident, mapHeaders, requiredProblem, type HeaderMapping } from './headers.ts';
import { sniff, type Encoding, type LineEnding } from './detect.ts';
import { copyValue, rowHash } from './copy-text.ts';
import { csvRecords, MAX_COLUMNS, maxFieldBytesFromEnv, type CsvEvent } from './csv-records.ts';
import { fastLand } from './fast-path.ts';
import { DuplicateIds, ID_TRIM, MAX_DUPLICATE_IDS, type DuplicateId } from './duplicate-ids.ts';
import { CliError } from '../errors.ts';
import { resolveInside } from '../safe-path.ts';
import { csvFiles, describeFit, otherSource, specFor, type FolderFile } from './recognise.ts';
import { knownSources } from '../../connectors/sources/index.ts';

export type ExtractMethod = 'auto' | 'pg-copy' | 'careful';

export interface ExtractOptions {
  runId?: number;
  encoding?: Encoding;
  delimiter?: string;
  /** Land even when the file's sha256 equals the last landed batch. */
  force?: boolean;
  /** `auto` (default) tries the fast path and falls back; the others force one path. */
  method?: ExtractMethod;
  onProgress?: (p: ExtractProgress) => void;
  /** Slots of the duplicate-id table (tests set a small one to reach the SQL fallback). */
  duplicateSlots?: number;
  /**
   * Largest field landed, in UTF-8 bytes (default CRM_MAX_FIELD_BYTES, else 1 MB): a row with a
   * larger field is rejected (FIELD_TOO_LARGE) and the rest of the file lands.
   */
  maxFieldBytes?: number;
  /** The layouts an export folder is compared with (default: every source connector). */
  knownSources?: readonly SourceConnector[];
}

export interface ExtractProgress {
  file: string;
  rows: number;
  bytes: number;
  totalBytes: number;
  done?: boolean;
  /** extractSource: this file's place among the files to land (1-based), and the whole export's bytes. */
  fileIndex?: number;
  fileCount?: number;
  exportBytes?: number;
  /** Bytes of the export read so far: the files before this one plus this one's `bytes`. */
  exportBytesDone?: number;
}

export interface FileResult {
  file: string;
  table: string;
  status: 'landed' | 'unchanged' | 'missing' | 'empty';
  /** Records read (blank lines excluded): always landed + rejected. */
  rowsRead: number;
  landed: number;
  rejected: number;
  blankLines: number;
  /** Rows landed with a repair or a remark (etl.extract_findings), e.g. DUPLICATE_KEY. */
  findings: number;
  customFields: string[];
  duplicateHeaders: string[];
  method?: 'pg-copy' | 'careful';
  /** How the file's lines end (outside quotes, in its first 256 KB); every kind is read. */
  lineEnding?: LineEnding;
  /**
   * Landed again although its hash matched the last batch, because the raw table no longer held
   * that batch (why, e.g. "raw_x.leads holds 0 row(s) where batch 4 landed 165").
   */
  relanded?: string;
  /** Why the fast path did not take the file, when it did not. */
  fallback?: string;
  batchId?: number;
  bytes?: number;
  ms?: number;
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

function decoded(file: string, encoding: Encoding): AsyncIterable<string> {
  return createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    iconv.decodeStream(encoding === 'utf8' ? 'utf8' : 'win1252', { stripBOM: true }),
  ) as unknown as AsyncIterable<string>;
}

/** Read just the header record of a file, refusing more columns than PostgreSQL can hold. */
async function readHeader(file: string, encoding: Encoding, delimiter: string, maxFieldBytes: number): Promise<{ fields: string[]; lines: number } | null> {
  for await (const ev of csvRecords(decoded(file, encoding), delimiter, { toRecords: 1, maxFields: MAX_COLUMNS, maxFieldBytes })) {
    if (ev.kind === 'field-too-large')
      throw new CliError('EXTRACT_UNREADABLE', `${file}, line 1: header field ${ev.field + 1} is ${ev.bytes} bytes long (the limit is ${maxFieldBytes}); is this a CSV export?`);
    if (ev.kind === 'too-many-columns')
      throw new CliError(
        'EXTRACT_TOO_MANY_COLUMNS',
        `${file}, line 1: the header has more than ${MAX_COLUMNS} columns (PostgreSQL holds 1,600 per table, 5 are lineage); check the delimiter (--delimiter) or split the export.`,
      );
    if (ev.kind === 'unterminated') throw new CliError('EXTRACT_UNREADABLE', `${file}, line 1: the header has an unterminated quote.`);
    return { fields: ev.fields, lines: ev.lines };
  }
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
  const { rows } = await db.pool.query(
    `select column_name from information_schema.columns where table_schema = $1 and table_name = $2`,
    [schema, table],
  );
  const have = new Set(rows.map((r) => r.column_name as string));
  const add = [...cols].filter((c) => !have.has(c));
  if (add.length) await db.pool.query(`alter table ${ident(schema)}.${ident(table)} ${add.map((c) => `add column if not exists ${ident(c)} text`).join(', ')}`);
}

interface Plan {
  spec: FileSpec;
  file?: string;
  encoding: Encoding;
  hasBom: boolean;
  delimiter: string;
  mapping: HeaderMapping | null;
  headerLines: number;
  /** The header's fields as written (named in rejects). */
  headers: string[];
  lineEnding: LineEnding;
}

function checkDelimiter(d: string | undefined) {
  if (d !== undefined && (d.length !== 1 || d === '"' || d === '\n' || d === '\r'))
    throw new CliError('USAGE', `--delimiter must be one character other than a quote or a newline (got ${JSON.stringify(d)}).`, { exitCode: 2 });
}

/**
 * Check every present file's header before landing anything, so a missing required column
 * (or a binary or unreadable file) fails the extract with nothing half-landed. Every missing
 * required file and column is collected first, and the folder is compared with every known
 * source's layout (recognise.ts): another CRM's export stops with EXPORT_WRONG_SOURCE, naming
 * what this source lacks in it and whose export it looks like.
 */
async function preflight(source: SourceConnector, inputDir: string, opts: ExtractOptions): Promise<Plan[]> {
  checkDelimiter(opts.delimiter);
  const maxFieldBytes = opts.maxFieldBytes ?? maxFieldBytesFromEnv();
  const plans: Plan[] = [];
  const problems: { kind: 'file' | 'column'; text: string }[] = [];
  const folder: FolderFile[] = [];
  for (const spec of source.files) {
    const file = findExportFile(inputDir, spec.file);
    const none = { spec, encoding: 'utf8' as Encoding, hasBom: false, delimiter: ',', mapping: null, headerLines: 0, headers: [], lineEnding: 'none' as LineEnding };
    if (!file) {
      if (spec.required) problems.push({ kind: 'file', text: `${path.join(inputDir, spec.file)}: required export file not found (${source.title} needs ${spec.file})` });
      plans.push(none);
      continue;
    }
    // Checked before the first byte is read: nothing of a file outside the export may reach an
    // error, a log or etl.runs (a mismatched header would otherwise be quoted back).
    const where = resolveInside(inputDir, file);
    if (!where.ok && where.why === 'outside')
      throw new CliError('INPUT_PATH_UNSAFE', `${file}: is a link to a file outside the export folder ${inputDir}; it was not read. Copy the file itself into the export folder.`);
    if (!where.ok) throw new CliError('EXTRACT_BAD_FILE', `${file}: is a link to a file that does not exist.`);
    if (statSync(file).isDirectory()) throw new CliError('EXTRACT_BAD_FILE', `${file}: is a folder, not a CSV file.`);
    const sn = sniff(file, { encoding: opts.encoding, delimiter: opts.delimiter });
    if (sn.binary)
      throw new CliError('EXTRACT_BINARY_FILE', `${file}: is not a text file (NUL and control bytes in its first ${Math.min(statSync(file).size, 262144)} bytes); export it again as CSV.`);
    const header = sn.empty ? null : await readHeader(file, sn.encoding, sn.delimiter, maxFieldBytes);
    if (!header) {
      if (spec.required) throw new CliError('EXTRACT_EMPTY_FILE', `${file}: the file is empty; ${spec.file} must have a header line.`);
      plans.push({ ...none, file });
      continue;
    }
    folder.push({ file: path.basename(file), headers: header.fields });
    const mapping = mapHeaders(spec, header.fields);
    const problem = requiredProblem(spec, mapping);
    if (problem) problems.push({ kind: 'column', text: `${file}, line 1: ${problem}. Found headers: ${header.fields.join(', ').slice(0, 1000)}` });
    plans.push({ spec, file, encoding: sn.encoding, hasBom: sn.hasBom, delimiter: sn.delimiter, mapping, headerLines: header.lines, headers: header.fields, lineEnding: sn.lineEnding });
  }
  folder.push(...(await otherHeaders(source, inputDir, opts, maxFieldBytes)));
  const other = otherSource(source, [...(opts.knownSources ?? knownSources)], folder, problems.length > 0);
  if (other) {
    const lacks = problems.length ? ` For ${source.title} it lacks: ${problems.map((p) => p.text).join('; ')}.` : '';
    throw new CliError(
      'EXPORT_WRONG_SOURCE',
      `${inputDir}: looks like a ${other.other.source.title} export, not a ${source.title} one: ${describeFit(other)}.${lacks} Nothing was landed. Point --input at the ${source.title} export, or run a ${other.other.source.name} pipeline (npx crm-migrate list) on this folder.`,
    );
  }
  if (problems.length) {
    const text = `${problems.map((p) => p.text).join('\n')}${problems.length > 1 ? `\n(${problems.length} problems in ${inputDir}; nothing was landed)` : ''}`;
    if (problems[0]!.kind === 'file') throw new CliError('EXTRACT_MISSING_FILE', `${text}.`);
    throw new CliError('EXTRACT_MISSING_COLUMN', text);
  }
  return plans;
}

/**
 * Headers of the folder's CSVs the source does not declare, for the comparison with other
 * sources' layouts. A file that cannot be read safely is left out (never read through a link
 * that leaves the folder).
 */
async function otherHeaders(source: SourceConnector, inputDir: string, opts: ExtractOptions, maxFieldBytes: number): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  for (const name of csvFiles(inputDir)) {
    if (specFor(source, name)) continue;
    const file = path.join(inputDir, name);
    if (!resolveInside(inputDir, file).ok) continue;
    try {
      const sn = sniff(file, { encoding: opts.encoding, delimiter: opts.delimiter });
      if (sn.binary || sn.empty) continue;
      const header = await readHeader(file, sn.encoding, sn.delimiter, maxFieldBytes);
      if (header) out.push({ file: name, headers: header.fields });
    } catch {
      // unreadable: not evidence either way
    }
  }
  return out;
}

export async function extractSource(db: Db, source: SourceConnector, inputDir: string, opts: ExtractOptions = {}): Promise<FileResult[]> {
  if (!existsSync(inputDir)) throw new CliError('EXTRACT_NO_INPUT', `${inputDir}: export folder not found (check --input).`);
  const plans = await preflight(source, inputDir, opts);
  const schema = rawSchema(source.name);
  const results: FileResult[] = [];
  // Where in the whole export each file is, for "file 3 of 12" and an ETA over all of it.
  const landable = plans.filter((p) => p.file && p.mapping);
  const sizes = new Map(landable.map((p) => [p, statSync(p.file!).size]));
  const exportBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  for (const plan of plans) {
    const { spec } = plan;
    await ensureTable(db, schema, spec.name, spec, plan.mapping);
    if (!plan.file || !plan.mapping) {
      // Missing, empty or header-less optional file: no records of that object.
      await db.pool.query(`delete from ${ident(schema)}.${ident(spec.name)}`);
      results.push({
        file: spec.file, table: `${schema}.${spec.name}`, status: plan.file ? 'empty' : 'missing',
        rowsRead: 0, landed: 0, rejected: 0, blankLines: 0, findings: 0, customFields: [], duplicateHeaders: [],
      });
      continue;
    }
    const fileIndex = landable.indexOf(plan) + 1;
    const before = bytesBefore;
    const onProgress = opts.onProgress && ((p: ExtractProgress) => opts.onProgress!({ ...p, fileIndex, fileCount: landable.length, exportBytes, exportBytesDone: before + p.bytes }));
    results.push(await landFile(db, source, plan as Plan & { file: string; mapping: HeaderMapping }, { ...opts, onProgress }));
    bytesBefore += sizes.get(plan) ?? 0;
  }
  return results;
}

/**
 * Land one export file of a source (the benchmark calls this directly).
 * @example
 * const r = await extractFile(db, source, 'leads', '/tmp/leads-1m.csv', { force: true });
 * console.log(r.method, r.landed, r.ms);
 */
export async function extractFile(db: Db, source: SourceConnector, fileName: string, filePath: string, opts: ExtractOptions = {}): Promise<FileResult> {
  checkDelimiter(opts.delimiter);
  const spec = source.files.find((f) => f.name === fileName);
  if (!spec) throw new CliError('USAGE', `${source.name} has no export file "${fileName}".`, { exitCode: 2 });
  const sn = sniff(filePath, { encoding: opts.encoding, delimiter: opts.delimiter });
  const header = sn.empty ? null : await readHeader(filePath, sn.encoding, sn.delimiter, opts.maxFieldBytes ?? maxFieldBytesFromEnv());
  if (!header) throw new CliError('EXTRACT_EMPTY_FILE', `${filePath}: the file is empty.`);
  const mapping = mapHeaders(spec, header.fields);
  const problem = requiredProblem(spec, mapping);
  if (problem) throw new CliError('EXTRACT_MISSING_COLUMN', `${filePath}, line 1: ${problem}.`);
  await ensureTable(db, rawSchema(source.name), spec.name, spec, mapping);
  return landFile(
    db, source,
    { spec, file: filePath, encoding: sn.encoding, hasBom: sn.hasBom, delimiter: sn.delimiter, mapping, headerLines: header.lines, headers: header.fields, lineEnding: sn.lineEnding },
    opts,
  );
}

interface Finding {
  line: number | null;
  code: string;
  field?: string;
  message: string;
}

interface Reject {
  line: number;
  reason: string;
  message: string;
  raw: string;
  /** the id the row carries, when its id column could be read (a ragged row): its children's loads name it */
  key?: string | null;
}

async function landFile(db: Db, source: SourceConnector, plan: Plan & { file: string; mapping: HeaderMapping }, opts: ExtractOptions): Promise<FileResult> {
  const { spec, file, mapping, encoding, delimiter } = plan;
  const t0 = Date.now();
  const schema = rawSchema(source.name);
  const table = `${schema}.${spec.name}`;
  const fileLabel = path.basename(file);
  const customFields = mapping.custom.map((c) => c.header);
  const totalBytes = statSync(file).size;
  const base = { file: fileLabel, table, customFields, duplicateHeaders: mapping.duplicates, lineEnding: plan.lineEnding };
  const maxFieldBytes = opts.maxFieldBytes ?? maxFieldBytesFromEnv();
  const last = (
    await db.pool.query(
      `select batch_id, sha256, bytes, rows_landed, rows_rejected, rows_read, method from etl.extract_batches
        where source = $1 and file = $2 and finished_at is not null order by batch_id desc limit 1`,
      [source.name, spec.name],
    )
  ).rows[0];
  // Hash first only when the file could be unchanged (same size as the last batch); otherwise
  // the fast path hashes it on the way to COPY and a large first extract reads the file once.
  let digest: string | undefined;
  let relanded: string | null = null;
  if (!opts.force && last && (last.bytes === null || Number(last.bytes) === totalBytes)) {
    digest = await sha256(file);
    if (last.sha256 === digest) {
      // The hash says the file is the one landed last; only the raw table says it is still there.
      relanded = await rawDiffers(db, schema, spec.name, source.name, Number(last.batch_id), Number(last.rows_landed));
      if (!relanded) {
        const f = await db.pool.query(`select count(*)::int as n from etl.extract_findings where batch_id = $1`, [last.batch_id]);
        return {
          ...base, status: 'unchanged', rowsRead: Number(last.rows_read), landed: Number(last.rows_landed), rejected: Number(last.rows_rejected),
          blankLines: 0, findings: f.rows[0].n, batchId: Number(last.batch_id), method: last.method,
        };
      }
    }
  }

  const r = await inTransaction(db, async (client) => {
    const batch = await client.query(
      `insert into etl.extract_batches (run_id, source, file, path, sha256, encoding, delimiter, custom_fields, bytes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning batch_id`,
      [opts.runId ?? null, source.name, spec.name, file, digest ?? '', encoding, delimiter, customFields, totalBytes],
    );
    const batchId = Number(batch.rows[0].batch_id);
    // truncate, not delete: the old export's rows go without a scan (still rolled back on failure).
    await client.query(`truncate ${ident(schema)}.${ident(spec.name)}`);
    await client.query(`delete from etl.raw_columns where source = $1 and file = $2`, [source.name, spec.name]);
    for (const [i, col] of mapping.columns.entries()) {
      if (!col) continue;
      const custom = mapping.custom.find((c) => c.name === col);
      await client.query(
        `insert into etl.raw_columns (source, file, column_name, header, is_custom, ordinal) values ($1,$2,$3,$4,$5,$6)
         on conflict (source, file, column_name) do update set header = excluded.header, is_custom = excluded.is_custom, ordinal = excluded.ordinal`,
        // the header as the export writes it (an alias, another case), so findings can name it so
        [source.name, spec.name, col, custom?.header ?? (plan.headers[i]?.trim() || spec.columns.find((c) => c.name === col)?.header || col), !!custom, i],
      );
    }
    const columns = mapping.columns.map((c, i) => c ?? `column_${i + 1}`);
    const progress = (rows: number, bytes: number) => opts.onProgress?.({ file: fileLabel, rows, bytes, totalBytes });

    let method: 'pg-copy' | 'careful' = 'careful';
    let fallback: string | undefined;
    let landed = 0;
    let rejected = 0;
    let findings = 0;
    let blankLines = 0;
    const want = opts.method ?? 'auto';
    const idIndex = spec.idColumn ? columns.indexOf(spec.idColumn) : -1;
    // Sized for a row of about 300 bytes, so a typical export's table does not have to grow.
    const newDups = () => (idIndex >= 0 ? new DuplicateIds(opts.duplicateSlots, totalBytes / 300) : undefined);
    let dups = newDups();
    if (want !== 'careful' && columns.length > 1) {
      await client.query('savepoint fast_path');
      try {
        const r = await fastLand(client, {
          file, fileLabel, hasBom: plan.hasBom, encoding, delimiter, headerLines: plan.headerLines, columns,
          schema, table: spec.name, batchId, idIndex, duplicates: dups, onProgress: (p) => progress(p.rows, p.bytes), maxFieldBytes,
        });
        await client.query('release savepoint fast_path');
        method = 'pg-copy';
        digest ??= r.sha256;
        landed = r.rows;
      } catch (err) {
        await client.query('rollback to savepoint fast_path');
        dups = newDups();
        fallback = (err as Error).message.split('\n')[0]!.slice(0, 300);
        if (want === 'pg-copy') throw new CliError('EXTRACT_UNREADABLE', `${fileLabel}: PostgreSQL's CSV parser cannot take this file: ${fallback}`);
      }
    } else if (want === 'pg-copy') {
      throw new CliError('EXTRACT_UNREADABLE', `${fileLabel}: a one-column file is read with the careful reader only.`);
    }
    if (method === 'careful') {
      digest ??= await sha256(file);
      const write: Written = {
        rejects: async (rs) => {
          await client.query(
            `insert into etl.rejects (run_id, source, stage, object, file, line, reason_code, message, raw, source_key)
             select $1, $2, 'extract', $3, $4, r.* from unnest($5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[]) as r`,
            [opts.runId ?? null, source.name, spec.name, fileLabel, rs.map((r) => r.line), rs.map((r) => r.reason), rs.map((r) => r.message), rs.map((r) => r.raw.replace(/\0/g, '')), rs.map((r) => r.key ?? null)],
          );
        },
        findings: async (fs) => {
          await client.query(
            `insert into etl.extract_findings (batch_id, run_id, source, object, file, line, code, field, message)
             select $1, $2, $3, $4, $5, f.* from unnest($6::bigint[], $7::text[], $8::text[], $9::text[]) as f`,
            [batchId, opts.runId ?? null, source.name, spec.name, fileLabel, fs.map((f) => f.line), fs.map((f) => f.code), fs.map((f) => f.field ?? null), fs.map((f) => f.message)],
          );
        },
      };
      const r = await carefulLand(client, { ...plan, fileLabel, columns, schema, batchId, progress, write, idIndex, dups, maxFieldBytes });
      landed = r.landed;
      rejected = r.rejected;
      findings = r.findings;
      blankLines = r.blankLines;
    }

    if (dups && spec.idColumn) {
      const d = { schema, table: spec.name, idColumn: spec.idColumn, batchId, runId: opts.runId ?? null, source: source.name, fileLabel };
      // Found while the file streamed; grouped in SQL only when it had too many ids to hold.
      findings += dups.overflow ? await duplicateKeysSql(client, d) : await writeDuplicates(client, d, dups.result());
    }
    const rowsRead = landed + rejected;
    await client.query(
      `update etl.extract_batches set rows_read = $2, rows_landed = $3, rows_rejected = $4, method = $5, sha256 = $6, finished_at = now() where batch_id = $1`,
      [batchId, rowsRead, landed, rejected, method, digest],
    );
    return { rowsRead, landed, rejected, blankLines, findings, method, fallback, batchId };
  });
  opts.onProgress?.({ file: fileLabel, rows: r.landed, bytes: totalBytes, totalBytes, done: true });
  return { ...base, status: 'landed', ...r, bytes: totalBytes, ms: Date.now() - t0, ...(relanded ? { relanded } : {}) };
}

/**
 * Why a file whose hash matches its last batch must be landed again, or null when the raw table
 * holds exactly that batch: every row of it (as many as the batch recorded) and no other, with
 * its columns listed in etl.raw_columns. A table emptied since (an extract of a folder without
 * the file, a dropped or truncated raw schema, another pipeline's landing) is landed again rather
 * than reported "unchanged" over rows that are not there.
 */
async function rawDiffers(db: Db, schema: string, table: string, source: string, batchId: number, rowsLanded: number): Promise<string | null> {
  const rel = `${ident(schema)}.${ident(table)}`;
  const ok = (await db.pool.query(`select to_regclass($1) is not null as ok`, [rel])).rows[0].ok;
  if (!ok) return `${schema}.${table} does not exist`;
  const { mine, total } = (
    await db.pool.query(`select count(*) filter (where _batch_id = $1)::bigint as mine, count(*)::bigint as total from ${rel}`, [batchId])
  ).rows[0];
  if (Number(total) !== rowsLanded || Number(mine) !== rowsLanded)
    return `${schema}.${table} holds ${Number(total)} row(s)${Number(mine) !== Number(total) ? ` (${Number(mine)} of batch ${batchId})` : ''} where batch ${batchId} landed ${rowsLanded}`;
  const cols = (await db.pool.query(`select count(*)::int as n from etl.raw_columns where source = $1 and file = $2`, [source, table])).rows[0].n;
  if (cols === 0) return `etl.raw_columns lists no column of ${schema}.${table}`;
  return null;
}

interface DupTarget {
  schema: string;
  table: string;
  idColumn: string;
  batchId: number;
  runId: number | null;
  source: string;
  fileLabel: string;
}

/**
 * Duplicate ids in one export: every row is landed (nothing is lost, and which copy wins is
 * a modelling decision), and each id seen more than once is reported as a DUPLICATE_KEY finding
 * (the first 10,000 such ids, in the order their second row appears; at most 20 lines each).
 * They are found while the file streams (duplicate-ids.ts). Returns the findings written.
 */
async function writeDuplicates(client: pg.PoolClient, d: DupTarget, found: DuplicateId[]): Promise<number> {
  for (let i = 0; i < found.length; i += 10_000) {
    const part = found.slice(i, i + 10_000);
    await client.query(
      `insert into etl.extract_findings (batch_id, run_id, source, object, file, line, code, field, message)
       select $1, $2, $3, $4, $5, f.line, 'DUPLICATE_KEY', $6, f.message from unnest($7::bigint[], $8::text[]) with ordinality as f(line, message, n) order by f.n`,
      [d.batchId, d.runId, d.source, d.table, d.fileLabel, d.idColumn, part.map((x) => x.lines[1]),
        part.map((x) => `${d.fileLabel}: ${d.idColumn} "${[...x.id].slice(0, 200).join('')}" appears ${x.n} times (lines ${x.lines.join(', ')}${x.n > x.lines.length ? ', ...' : ''}); all rows landed.`)],
    );
  }
  return found.length;
}

/**
 * The same findings from the landed rows, for a file with more distinct ids than are held while
 * it streams: grouped in SQL, in the landing transaction.
 */
async function duplicateKeysSql(client: pg.PoolClient, d: DupTarget): Promise<number> {
  const t = `${ident(d.schema)}.${ident(d.table)}`;
  const id = `btrim(${ident(d.idColumn)}, $7::text)`;
  // A parallel plan has every worker build the whole inner GROUP BY again (3x the work on a
  // million rows); and the grouping of every id fits in memory with more than the default 4 MB.
  // Both settings last until the landing transaction ends.
  await client.query(`set local max_parallel_workers_per_gather = 0`);
  await client.query(`set local work_mem = '64MB'`);
  const r = await client.query(
    `insert into etl.extract_findings (batch_id, run_id, source, object, file, line, code, field, message)
     select $1, $2, $3, $4, $5, g.lines[2], 'DUPLICATE_KEY', $6,
            $5::text || ': ' || $6::text || ' "' || left(g.k, 200) || '" appears ' || g.n || ' times (lines '
              || array_to_string(g.lines[1:20], ', ') || case when g.n > 20 then ', ...' else '' end || '); all rows landed.'
       from (select ${id} as k, count(*) as n, array_agg(_line order by _line) as lines
               from ${t}
              where ${id} in (select ${id} from ${t} group by 1 having count(*) > 1) and ${id} <> ''
              group by 1) g
      order by g.lines[2]
      limit ${MAX_DUPLICATE_IDS}`,
    [d.batchId, d.runId, d.source, d.table, d.fileLabel, d.idColumn, ID_TRIM],
  );
  return r.rowCount ?? 0;
}

/** Rejects and findings go to their tables in batches while a file is read, so memory stays flat. */
interface Written {
  rejects(rs: Reject[]): Promise<void>;
  findings(fs: Finding[]): Promise<void>;
}

/** Rejects plus findings held before they are written (a reject keeps up to 2,000 characters of its line). */
const WRITE_EVERY = 2000;

async function carefulLand(
  client: pg.PoolClient,
  p: Plan & {
    file: string; fileLabel: string; columns: string[]; schema: string; batchId: number;
    progress: (rows: number, bytes: number) => void; write: Written; idIndex: number; dups?: DuplicateIds; maxFieldBytes: number;
  },
): Promise<{ landed: number; rejected: number; findings: number; blankLines: number }> {
  const width = p.columns.length;
  let rejects: Reject[] = [];
  let findings: Finding[] = [];
  let rejected = 0;
  let found = 0;
  let landed = 0;
  const { fileLabel, delimiter } = p;
  const bytesPerChar = { n: 0 };

  // The decoded stream counts characters; progress shows bytes read from disk.
  const source = () => {
    const raw = createReadStream(p.file, { highWaterMark: 1 << 20 });
    raw.on('data', (b) => (bytesPerChar.n += (b as Buffer).length));
    return raw.pipe(iconv.decodeStream(p.encoding === 'utf8' ? 'utf8' : 'win1252', { stripBOM: true })) as unknown as AsyncIterable<string>;
  };

  const label = copyValue(fileLabel);
  const stats = { blankLines: 0 };
  async function* copyLines(): AsyncGenerator<string> {
    let out = '';
    let fromLine = p.headerLines + 1;
    for (;;) {
      const it = csvRecords(source(), delimiter, { fromLine, stats, maxFieldBytes: p.maxFieldBytes });
      let restart: number | null = null;
      let res: IteratorResult<CsvEvent, { blankLines: number }>;
      while (!(res = await it.next()).done) {
        // Rows go to COPY in batches (one write per row costs more than the parsing); a batch
        // also goes early once enough rejects and findings are held, so they can be written.
        if (out.length > 1 << 18 || rejects.length + findings.length >= WRITE_EVERY) {
          yield out;
          out = '';
        }
        const ev = res.value;
        if (ev.kind === 'unterminated') {
          rejects.push({
            line: ev.line, reason: 'UNTERMINATED_QUOTE',
            message: `${fileLabel}, line ${ev.line}: a quoted field is never closed; the line was rejected and reading went on with the next line`,
            raw: ev.raw,
          });
          restart = ev.line + 1;
          await it.return({ blankLines: 0 });
          break;
        }
        if (ev.kind === 'field-too-large') {
          // Named by column and size only: the value itself is never copied anywhere.
          const header = p.headers[ev.field] ?? p.columns[ev.field] ?? `field ${ev.field + 1}`;
          rejects.push({
            line: ev.line, reason: 'FIELD_TOO_LARGE',
            message: `${fileLabel}, line ${ev.line}, column "${header.slice(0, 200)}": the value is ${ev.bytes} bytes, above the ${p.maxFieldBytes}-byte field limit (CRM_MAX_FIELD_BYTES); the row was rejected`,
            raw: '',
          });
          continue;
        }
        if (ev.kind === 'too-many-columns') {
          rejects.push({ line: ev.line, reason: 'RAGGED_LONG', message: `${fileLabel}, line ${ev.line}: more than ${MAX_COLUMNS} fields where the header has ${width}`, raw: '' });
          continue;
        }
        const rec = ev.fields;
        if (rec.length !== width) {
          rejects.push({
            line: ev.line, reason: rec.length < width ? 'RAGGED_SHORT' : 'RAGGED_LONG',
            message: `${fileLabel}, line ${ev.line}: ${rec.length} fields where the header has ${width}`,
            raw: ev.raw,
            key: p.idIndex >= 0 && p.idIndex < rec.length ? rec[p.idIndex]!.replace(/\0/g, '').trim() || null : null,
          });
          continue;
        }
        const hasNul = rec.some((v) => v.includes('\0'));
        if (hasNul) findings.push({ line: ev.line, code: 'NUL_REMOVED', message: `${fileLabel}, line ${ev.line}: NUL bytes removed` });
        if (p.encoding === 'utf8') {
          const bad = rec.findIndex((v) => v.includes('\uFFFD'));
          if (bad >= 0)
            findings.push({ line: ev.line, code: 'INVALID_UTF8', field: p.columns[bad], message: `${fileLabel}, line ${ev.line}, ${p.columns[bad]}: bytes that are not UTF-8, landed as U+FFFD` });
        }
        if (ev.strayQuote) findings.push({ line: ev.line, code: 'STRAY_QUOTE', message: `${fileLabel}, line ${ev.line}: a quote inside an unquoted field, kept as written` });
        landed++;
        if ((landed & 4095) === 0) p.progress(landed, bytesPerChar.n);
        if (p.dups) p.dups.add(hasNul ? rec[p.idIndex]?.replace(/\0/g, '') : rec[p.idIndex], ev.line);
        const values = rec.map((v) => (v === '' ? null : v));
        out += `${label}\t${ev.line}\t${p.batchId}\t${rowHash(values, delimiter)}`;
        for (const v of values) out += '\t' + copyValue(v);
        out += '\n';
      }
      if (restart === null) {
        if (out) yield out;
        return;
      }
      fromLine = restart;
    }
  }

  // The connection cannot take other statements during a COPY: when enough rejects and findings
  // are held, the COPY ends, they are written, and a new COPY takes the rows that follow.
  const lines = copyLines();
  let more = true;
  async function* segment(): AsyncGenerator<string> {
    for (;;) {
      const r = await lines.next();
      if (r.done) {
        more = false;
        return;
      }
      if (r.value) yield r.value;
      if (rejects.length + findings.length >= WRITE_EVERY) return;
    }
  }
  const flush = async () => {
    if (rejects.length) await p.write.rejects(rejects);
    if (findings.length) await p.write.findings(findings);
    rejected += rejects.length;
    found += findings.length;
    rejects = [];
    findings = [];
  };
  while (more) {
    const copy = client.query(
      copyFrom(`copy ${ident(p.schema)}.${ident(p.spec.name)} (${[...LINEAGE, ...p.columns].map(ident).join(', ')}) from stdin`),
    );
    await pipeline(Readable.from(segment()), copy);
    await flush();
  }
  return { landed, rejected, findings: found, blankLines: stats.blankLines };
}
