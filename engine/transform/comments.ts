/**
 * What an analyst reads in the database itself (`\d+`, a SQL client's tooltip): a COMMENT on
 * every schema, model, column and control table they would query, and a snake_case twin of each
 * destination-shaped view.
 *
 * Where the text comes from, first match wins:
 * - a model: the free text of its header comment (the lines before the SQL, without the
 *   `-- key: value` options);
 * - a column: its line in the header's `-- columns:` block (`--   name: what it holds`), else
 *   the comment written just above (or after) the line that names it in the SELECT
 *   (`... as "First_Name"`), else the comment of the column of the same name in a model it reads
 *   from, else a fixed text for the well-known columns (source_key, lineage, findings), else a
 *   pointer to the model's file;
 * - a schema: `comment:` in the folder's `_config.yml`, else a text per kind of schema.
 *
 * The snake_case views are `<pipeline_schema>.<view>_snake`: the same rows as the API-named view
 * the loader reads (`"First_Name"` -> `first_name`), built after every transform; the API-named
 * views are left as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../db/connection.ts';
import { ident } from '../extract/headers.ts';
import { modelSchemas, pipelineSchema, viewOf, type PipelineDefinition } from '../pipeline.ts';
import { rawSchema } from '../source.ts';
import { topoSort, type Model, type ModelGraph } from './models.ts';

/** Header options (models.ts reads them); not part of a model's description. */
const OPTION_KEYS = new Set(['materialized', 'depends_on', 'unique_key', 'indexes', 'columns']);

export interface ModelDocs {
  description: string;
  /** Column comments written in the model (its `-- columns:` block, or beside the column in the SELECT). */
  columns: Map<string, string>;
}

const squash = (lines: string[]) => lines.map((l) => l.trim()).filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();

/** The documentation a model's file holds. */
export function modelDocs(sql: string): ModelDocs {
  const lines = sql.split('\n');
  const description: string[] = [];
  const columns = new Map<string, string>();
  let i = 0;
  let inColumns = false;
  let current: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const m = /^\s*--(.*)$/.exec(line);
    if (!m) break;
    const text = m[1]!;
    const opt = /^\s*([a-z_]+)\s*:\s*(.*?)\s*$/.exec(text);
    if (inColumns) {
      // `--   name: text` starts a column; a deeper-indented line without one continues it.
      const col = /^\s{2,}("?)([A-Za-z_][A-Za-z0-9_]*)\1\s*:\s*(.*?)\s*$/.exec(text);
      if (col) {
        current = col[2]!;
        columns.set(current, col[3]!);
        continue;
      }
      if (current && /^\s{3,}\S/.test(text)) {
        columns.set(current, `${columns.get(current)} ${text.trim()}`.trim());
        continue;
      }
      inColumns = false;
      current = undefined;
    }
    if (opt && OPTION_KEYS.has(opt[1]!)) {
      if (opt[1] === 'columns') inColumns = true;
      continue;
    }
    description.push(text);
  }
  // Comments beside the SELECT's columns: the lines just above `... as name`, or after it on its line.
  let pending: string[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const only = /^\s*--\s?(.*)$/.exec(line);
    if (only) {
      pending.push(only[1]!);
      continue;
    }
    const alias = /\bas\s+("([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))\s*,?\s*(--\s?(.*))?$/i.exec(line);
    if (alias) {
      const name = alias[2] ?? alias[3]!;
      const text = squash([...pending, alias[5] ?? '']);
      if (text && !columns.has(name)) columns.set(name, text);
    }
    pending = [];
  }
  return { description: squash(description), columns };
}

/** Columns whose meaning is the same wherever they appear. */
export const KNOWN_COLUMNS: Record<string, string> = {
  source_key: 'The source record this row comes from, as <object>:<id> (the key of etl.record_status, etl.id_map and etl.load_log).',
  _file: 'Lineage: the export file the row was read from.',
  _line: 'Lineage: the physical line of the export file the record starts on.',
  _batch_id: 'Lineage: the extract batch that landed the row (etl.extract_batches).',
  _extracted_at: 'Lineage: when the row was landed.',
  _row_hash: "Lineage: md5 of the record's fields in file order, joined by the file's delimiter (a changed row has a new hash).",
  category: 'Finding: the kind of data-quality problem (one CSV per category in the report).',
  severity: 'Finding: error (the record cannot load as it is), warning (it loads, a person should look) or info.',
  object: 'The source object (export file) the row belongs to.',
  field: 'Finding: the field the finding is about, as the export names it.',
  value: 'Finding: the value as written in the export.',
  message: 'Finding: what is wrong, in words.',
};

/** The control tables an analyst reads: what each holds, and what its columns mean. */
export const ETL_COMMENTS: Record<string, { table: string; columns: Record<string, string> }> = {
  record_status: {
    table:
      'The current state of every source record a load has seen: loaded (dest_id), rejected, queued (queue_id: the etl.queue_items row it waits on) or skipped, with the reason and the run that last changed it. etl.load_log keeps the history.',
    columns: {
      pipeline: 'The pipeline (its CLI name).',
      object: 'The destination object (the pipeline definition\'s name: leads, calls, ...).',
      source_key: 'The source record, as <object>:<id>.',
      state: 'loaded, rejected, queued (waiting for a person or for a parent that waits) or skipped.',
      dest_module: 'The destination module the record went to (loaded).',
      dest_id: 'The destination record id (loaded).',
      reason_code: 'Why the record is rejected, queued or skipped (error code; see docs/errors.md).',
      message: 'The reason in words; a message starting with a code (PARENT_QUEUED: ...) names the cause.',
      queue_id: 'The etl.queue_items row the record waits on (state queued).',
      run_id: 'The run that last changed this row (etl.runs).',
      updated_at: 'When this row last changed.',
    },
  },
  queue_items: {
    table: 'What a person must decide before some records can load: an owner with no destination user (kind user), a record held back (kind record). Records waiting on an item are the etl.record_status rows with its queue_id.',
    columns: {
      id: 'Queue item id (etl.record_status.queue_id).',
      pipeline: 'The pipeline.',
      kind: 'user: an owner with no destination user; record: one record held back (see detail).',
      key: 'What the item is about: the owner\'s email (user) or the record\'s source_key (record).',
      detail: 'What is wrong and what to do, in words.',
      status: 'open until a person (or a later load) resolves it.',
      resolution: 'How it was resolved.',
      created_at: 'When the item was opened.',
      resolved_at: 'When it was resolved.',
      held: 'How many records the item held when it was opened.',
    },
  },
  load_log: {
    table: 'History: one row per event of a load (insert, update, skip, reject, queue, delete, restore), across every run. A record retried by several runs appears once per run; etl.record_status is its current state.',
    columns: {
      id: 'Event id.',
      run_id: 'The run (etl.runs).',
      pipeline: 'The pipeline.',
      object: 'The destination object.',
      source_key: 'The source record, as <object>:<id>.',
      dest_module: 'Destination module.',
      dest_id: 'Destination record id (insert, update).',
      action: 'insert, update, skip, reject, queue, delete (rollback) or restore (rollback).',
      reason_code: 'Why (reject, queue, skip).',
      message: 'The reason in words.',
      before: 'The destination record before an update (what a rollback restores).',
      call_id: 'The API call that wrote it (etl.api_usage).',
      at: 'When.',
      rollback_of: 'The event a rollback undid.',
    },
  },
  id_map: {
    table: 'Every source record written to the destination, with its destination id: how lookups between objects are resolved and how a re-run knows what is already loaded.',
    columns: {
      pipeline: 'The pipeline.',
      object: 'The destination object.',
      source_key: 'The source record, as <object>:<id>.',
      dest_module: 'Destination module.',
      dest_id: 'Destination record id.',
      payload_hash: 'Hash of what was written (an unchanged record is not written again).',
      payload: 'What was written (attachments: the parent record).',
      run_id: 'The run that last wrote it.',
      created_at: 'When it was first written.',
      updated_at: 'When it was last written.',
    },
  },
  rejects: {
    table: 'Rows refused at extract, transform or load, with file, line and field: the events behind every rejection (a record rejected by two runs has two rows).',
    columns: {
      stage: 'extract, transform or load.',
      reason_code: 'Why (error code; see docs/errors.md).',
      message: 'The reason in words.',
      file: 'Export file.',
      line: 'Line of the export file.',
      source_key: 'The source record, when known.',
      field: 'The field at fault.',
      raw: 'The row as written, when it could not be read.',
    },
  },
  runs: {
    table: 'One row per command that ran a pipeline step: what it was asked (args), how it ended (status, error) and its summary.',
    columns: { run_id: 'Run id.', pipeline: 'The pipeline.', step: 'The step, or all.', status: 'running, done, failed or stopped (at a gate).', args: 'The flags it ran with.', summary: 'What it printed with --json.', error: 'Why it failed or stopped.' },
  },
  reconciliation: {
    table: 'Per load run and object: records in the source, in the view, what the run did with them, how many the destination holds, and every gap named.',
    columns: { gaps: 'Each difference that is not accounted for, in words (empty: none).', in_destination: 'Mapped records the destination holds (method says how it was counted).', method: 'listed (exact, by key), read back (exact) or sampled (an estimate).' },
  },
};

const SCHEMA_TEXT = (schema: string, p: PipelineDefinition): string => {
  const ps = pipelineSchema(p);
  if (schema === rawSchema(p.source.name)) return `${p.source.title} export as landed by extract: one table per export file, every column text as written, plus lineage (_file, _line, _batch_id, _extracted_at, _row_hash).`;
  if (schema === `stg_${p.source.name}`) return `${p.source.title} export, typed and cleaned, one table per export file keyed by its id (destination-neutral).`;
  if (schema === `dq_${p.source.name}`) return `Data-quality findings in the ${p.source.title} export (category, severity, object, source_key, field, value, message).`;
  if (schema === ps) return `${p.source.title} -> ${p.destination.name}: one destination-shaped view per destination module (API field names; <view>_snake has the same rows with snake_case columns), value maps (map_*) and hand-off lists (handoff_*).`;
  if (schema === `dq_${ps}`) return `Data-quality findings specific to ${p.destination.name} (what the destination refuses or changes).`;
  if (schema === 'etl') return 'Control tables: runs, the current state of every record (record_status), the queue of decisions (queue_items), what was written (id_map) and the history (load_log).';
  return '';
};

/** snake_case of an API field name: First_Name -> first_name, accountType -> account_type. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_(?=[^_])/, (m) => m)
    .toLowerCase();
}

/** The snake_case views, by API-named view: `<schema>.<view>` -> `<schema>.<view>_snake`. */
export const snakeViewName = (view: string) => `${view}_snake`;

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface Column {
  name: string;
  comment: string | null;
}

async function columnsOf(db: Db, schema: string, table: string): Promise<Column[]> {
  const { rows } = await db.pool.query(
    `select a.attname as name, col_description(a.attrelid, a.attnum) as comment
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [schema, table],
  );
  return rows;
}

const relkindOf = async (db: Db, schema: string, name: string): Promise<string | undefined> =>
  (await db.pool.query(`select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2`, [schema, name])).rows[0]?.relkind;

const KIND_SQL: Record<string, string> = { r: 'table', v: 'view', m: 'materialized view', p: 'table' };

/**
 * The comments of a pipeline's models, schemas, raw tables and control tables, and its
 * snake_case views; run after every transform. Returns the column comments it wrote, by
 * model id (the catalogue reads them back from the database).
 */
export async function applyComments(db: Db, p: PipelineDefinition, graph: ModelGraph): Promise<{ relations: number; columns: number; snakeViews: string[] }> {
  const schemas = modelSchemas(p);
  const ids = [...graph.models.values()].filter((m) => schemas.includes(m.schema)).map((m) => m.id);
  const order = topoSort(graph.models, ids);
  const resolved = new Map<string, Map<string, string>>();
  // Comments someone wrote (or a fixed text), which a downstream column of the same name inherits; not the file pointers.
  const written = new Map<string, Map<string, string>>();
  const stmts: string[] = [];
  let relations = 0;
  let columns = 0;
  const configComment = (schema: string) => {
    const f = path.join(path.dirname(order.find((m) => m.schema === schema)?.file ?? ''), '_config.yml');
    if (!existsSync(f)) return undefined;
    const c = (parseYaml(readFileSync(f, 'utf8')) ?? {}) as { comment?: unknown };
    return typeof c.comment === 'string' ? c.comment : undefined;
  };
  const present = new Set<string>();
  for (const schema of new Set([rawSchema(p.source.name), ...order.map((m) => m.schema), 'etl'])) {
    const ok = (await db.pool.query(`select 1 from pg_namespace where nspname = $1`, [schema])).rowCount;
    if (!ok) continue;
    present.add(schema);
    const text = configComment(schema) ?? SCHEMA_TEXT(schema, p);
    if (text) stmts.push(`comment on schema ${ident(schema)} is ${lit(text)}`);
  }
  for (const m of order) {
    if (!present.has(m.schema)) continue;
    const kind = await relkindOf(db, m.schema, m.name);
    if (!kind || !KIND_SQL[kind]) continue;
    const docs = modelDocs(readFileSync(m.file, 'utf8'));
    const target = `${ident(m.schema)}.${ident(m.name)}`;
    const rel = `${docs.description || `Model ${m.id}`} (model: ${path.relative(path.dirname(path.dirname(m.file)), m.file)})`;
    stmts.push(`comment on ${KIND_SQL[kind]} ${target} is ${lit(rel)}`);
    relations++;
    const cols = new Map<string, string>();
    const own = new Map<string, string>();
    for (const c of await columnsOf(db, m.schema, m.name)) {
      let text = docs.columns.get(c.name);
      if (!text)
        // the column of the same name upstream (or its snake_case name: "Company" <- company)
        for (const name of [c.name, snakeCase(c.name)])
          for (const d of m.dependsOn) {
            text ??= written.get(d)?.get(name);
          }
      text ??= KNOWN_COLUMNS[c.name];
      if (text) own.set(c.name, text);
      text ??= `${c.name} of ${m.id}: no comment written yet; how it is derived is in sql/${m.schema}/${path.basename(m.file)}`;
      cols.set(c.name, text);
      stmts.push(`comment on column ${target}.${ident(c.name)} is ${lit(text)}`);
      columns++;
    }
    resolved.set(m.id, cols);
    written.set(m.id, own);
  }
  // The raw tables: as landed (their own comments, when extract wrote one, are kept).
  const raw = rawSchema(p.source.name);
  if (present.has(raw)) {
    const { rows } = await db.pool.query(
      `select c.relname, obj_description(c.oid, 'pg_class') as comment from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
      [raw],
    );
    for (const r of rows) {
      const target = `${ident(raw)}.${ident(r.relname)}`;
      const file = p.source.files.find((f) => f.name === r.relname)?.file ?? `${r.relname}.csv`;
      if (!r.comment) stmts.push(`comment on table ${target} is ${lit(`${file} as exported: every column text as written, named in snake_case from the header, plus lineage columns.`)}`);
      relations++;
      for (const c of await columnsOf(db, raw, r.relname)) {
        if (c.comment) continue;
        stmts.push(`comment on column ${target}.${ident(c.name)} is ${lit(KNOWN_COLUMNS[c.name]?.startsWith('Lineage') ? KNOWN_COLUMNS[c.name]! : `Column ${c.name} of ${file}, as written (text).`)}`);
        columns++;
      }
    }
  }
  // The value maps, loaded as tables before the models.
  const ps = pipelineSchema(p);
  if (present.has(ps)) {
    const { rows } = await db.pool.query(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r' and c.relname like 'map\\_%'`,
      [ps],
    );
    for (const r of rows) {
      const target = `${ident(ps)}.${ident(r.relname)}`;
      const file = r.relname === 'map_custom_fields' ? 'custom-fields.csv (the confirmed custom-field mapping)' : `pipelines/${p.name}/maps/${String(r.relname).replace(/^map_/, '')}.csv`;
      stmts.push(`comment on table ${target} is ${lit(`Value map ${file}, loaded as a table before the models are built.`)}`);
      relations++;
      for (const c of await columnsOf(db, ps, r.relname)) {
        stmts.push(`comment on column ${target}.${ident(c.name)} is ${lit(c.name === '_line' ? 'Line of the CSV file.' : `Column ${c.name} of the CSV file.`)}`);
        columns++;
      }
    }
  }
  // The control tables an analyst reads.
  for (const [table, doc] of Object.entries(ETL_COMMENTS)) {
    const kind = await relkindOf(db, 'etl', table);
    if (!kind || !KIND_SQL[kind]) continue;
    stmts.push(`comment on ${KIND_SQL[kind]} etl.${ident(table)} is ${lit(doc.table)}`);
    relations++;
    for (const c of await columnsOf(db, 'etl', table)) {
      const text = doc.columns[c.name];
      if (!text) continue;
      stmts.push(`comment on column etl.${ident(table)}.${ident(c.name)} is ${lit(text)}`);
      columns++;
    }
  }
  if (await relkindOf(db, 'etl', 'reconciliation_queue'))
    stmts.push(`comment on view etl.reconciliation_queue is ${lit('Queue items (etl.queue_items: what a person must decide) with the records waiting on each now (etl.record_status, state queued): waiting is how many.')}`);

  // snake_case twins of the views the loader reads.
  const snakeViews: string[] = [];
  for (const o of p.objects) {
    const [schema, view] = viewOf(p, o).split('.') as [string, string];
    const twin = snakeViewName(view);
    if (!(await relkindOf(db, schema, view)) || graph.models.has(`${schema}.${twin}`)) continue;
    const twinKind = await relkindOf(db, schema, twin);
    if (twinKind && twinKind !== 'v') continue; // never replace something that is not ours
    const cols = await columnsOf(db, schema, view);
    const used = new Set<string>();
    const select = cols.map((c) => {
      let s = snakeCase(c.name);
      for (let n = 2; used.has(s); n++) s = `${snakeCase(c.name)}_${n}`;
      used.add(s);
      return { from: c.name, to: s, comment: c.comment };
    });
    const target = `${ident(schema)}.${ident(twin)}`;
    stmts.push(`drop view if exists ${target}`);
    stmts.push(`create view ${target} as select ${select.map((s) => `${ident(s.from)} as ${ident(s.to)}`).join(', ')} from ${ident(schema)}.${ident(view)}`);
    const viewDoc = resolved.get(`${schema}.${view}`);
    stmts.push(`comment on view ${target} is ${lit(`${schema}.${view} with snake_case column names (same rows; the loader reads ${schema}.${view}).`)}`);
    for (const s of select) {
      const text = viewDoc?.get(s.from) ?? s.comment ?? KNOWN_COLUMNS[s.from];
      stmts.push(`comment on column ${target}.${ident(s.to)} is ${lit(`${text ? `${text} ` : ''}(${s.from} in ${schema}.${view})`)}`);
    }
    snakeViews.push(`${schema}.${twin}`);
  }
  const client = await db.pool.connect();
  try {
    await client.query(['begin', ...stmts, 'commit'].join(';\n'));
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return { relations, columns, snakeViews };
}

export type { Model };
