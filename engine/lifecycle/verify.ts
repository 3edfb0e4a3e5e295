/**
 * `verify`: reads loaded records back from the destination and compares every field with what
 * the views say to write now: a field-level diff with a reason per difference. Writes
 * verify.html (counts per field as an SVG chart) and diff.csv, and keeps the diff in etl.
 *
 * Which records: those of the latest sample run (or --run ID's sample); with no sample, every
 * record the pipeline has in etl.id_map.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { recordKey, type Payload } from '../destination.ts';
import { stableStringify } from '../load/load-object.ts';
import { CliError } from '../errors.ts';
import type { StepContext } from '../steps/context.ts';
import { declaredPicklists, expectedRecords, htmlEscape, outDir, picklistColumns, relationExists, viewName } from './common.ts';
import { writeCsvFile } from '../util/csv-write.ts';
import { mappingHash } from './approval.ts';

export type DiffReason = 'missing record' | 'missing field' | 'missing lookup' | 'picklist mismatch' | 'truncation' | 'date shift' | 'type coercion' | 'value mismatch';

export interface FieldDiff {
  object: string;
  source_key: string;
  dest_id: string | null;
  field: string;
  expected: string | null;
  actual: string | null;
  reason: DiffReason;
}

export interface VerifyResult {
  run_id: number;
  sample_run_id: number | null;
  records: number;
  fields: number;
  held: number;
  /** Sampled records the load rejected or queued for reasons other than the mapping. */
  refused: { object: string; source_key: string; action: string; message: string }[];
  /** Objects not read back (attachments). */
  not_compared: string[];
  /**
   * Records the destination merged onto a record another source record of the same object
   * wrote first (a destination that finds a contact by email): the first is compared, these are counted.
   */
  merged: { object: string; source_key: string; into: string }[];
  mismatches: number;
  by_field: Record<string, number>;
  by_reason: Record<string, number>;
  html: string;
  csv: string;
}

const show = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'object' ? stableStringify(v) : String(v));
const isLookup = (v: unknown): v is { id: string } => typeof v === 'object' && v !== null && !Array.isArray(v) && 'id' in v;
const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Equal as the destination means it (lookups by id, numbers by value, datetimes by instant). */
function sameValue(expected: unknown, actual: unknown): boolean {
  if (isLookup(expected)) return isLookup(actual) && String(actual.id) === String(expected.id);
  if ((expected === null || expected === undefined || expected === '') && (actual === null || actual === undefined || actual === '')) return true;
  if (Array.isArray(expected) && Array.isArray(actual)) return stableStringify([...expected].map(String).sort()) === stableStringify([...actual].map(String).sort());
  // Lossless coercions are the same value: numeric text read back as a number ("100" -> 100,
  // the view's numeric columns arrive as text), "true" as true.
  if ((typeof expected === 'string' && typeof actual === 'number') || (typeof expected === 'number' && typeof actual === 'string'))
    return String(expected).trim() !== '' && Number(expected) === Number(actual);
  if ((typeof expected === 'string' && typeof actual === 'boolean') || (typeof expected === 'boolean' && typeof actual === 'string')) return String(expected) === String(actual);
  if (typeof expected === typeof actual) {
    if (typeof expected === 'string' && DATE_RE.test(expected) && DATE_RE.test(actual as string) && /[T ]/.test(expected) && /[T ]/.test(actual as string))
      return Date.parse(expected) === Date.parse(actual as string);
    return stableStringify(expected) === stableStringify(actual);
  }
  return false;
}

function classify(field: string, expected: unknown, actual: unknown, picklists: Set<string>): DiffReason {
  // The record came back without the field at all: the destination does not have it (a custom
  // field never created), so every value written to it was dropped.
  if (actual === undefined) return 'missing field';
  if (isLookup(expected)) return 'missing lookup';
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (DATE_RE.test(expected) && DATE_RE.test(actual)) return 'date shift';
    if (actual.length < expected.length && expected.startsWith(actual)) return 'truncation';
  }
  if (expected !== null && actual !== null && expected !== undefined && actual !== undefined && typeof expected !== typeof actual && String(expected) === String(actual))
    return 'type coercion';
  if (typeof expected === 'number' || typeof actual === 'number' || typeof expected === 'boolean' || typeof actual === 'boolean') return 'type coercion';
  if (picklists.has(field)) return 'picklist mismatch';
  return 'value mismatch';
}

export async function runVerify(ctx: StepContext): Promise<VerifyResult> {
  const { db, pipeline } = ctx;
  const dest = await ctx.destination();
  const runFlag = ctx.flags.run === undefined ? undefined : Number(ctx.flags.run);
  const sample = (
    await db.pool.query(
      runFlag === undefined ? 'select run_id from etl.samples where pipeline = $1 order by run_id desc limit 1' : 'select run_id from etl.samples where pipeline = $1 and run_id = $2',
      runFlag === undefined ? [pipeline.name] : [pipeline.name, runFlag],
    )
  ).rows[0];
  if (runFlag !== undefined && !sample) throw new CliError('NO_SAMPLE_RUN', `run ${runFlag} is not a sample run of ${pipeline.name}; verify --run takes a sample run id.`, { exitCode: 2 });
  const sampleRunId = sample ? Number(sample.run_id) : null;

  // The fallback owner the sample was loaded with, unless this command names one.
  const fallbackEmail =
    ctx.flags.fallbackOwner ??
    (sampleRunId !== null ? ((await db.pool.query(`select args->>'fallbackOwner' as f from etl.runs where run_id = $1`, [sampleRunId])).rows[0]?.f ?? undefined) : undefined);
  let fallbackOwnerId: string | undefined;
  if (fallbackEmail) fallbackOwnerId = (await dest.listUsers()).find((u) => u.email.toLowerCase() === String(fallbackEmail).toLowerCase())?.id;

  const diffs: FieldDiff[] = [];
  let records = 0;
  let fields = 0;
  let held = 0;
  const refused: { object: string; source_key: string; action: string; message: string }[] = [];
  const notCompared: string[] = [];
  const merged: VerifyResult['merged'] = [];
  for (const obj of pipeline.objects) {
    const v = viewName(pipeline, obj);
    if (!(await relationExists(db, v.sql))) continue;
    const keys: string[] =
      sampleRunId !== null
        ? (await db.pool.query('select source_key from etl.sample_keys where run_id = $1 and object = $2 order by source_key', [sampleRunId, obj.name])).rows.map((r) => r.source_key)
        : (await db.pool.query('select source_key from etl.id_map where pipeline = $1 and object = $2 order by source_key', [pipeline.name, obj.name])).rows.map((r) => r.source_key);
    if (!keys.length) continue;
    if ((obj as { attachment?: unknown }).attachment) {
      // Files are not records: Destination.get cannot read them back; reconciliation counts them.
      notCompared.push(obj.name);
      continue;
    }
    const picklists = new Set([...declaredPicklists(pipeline, obj.module), ...(await picklistColumns(db, pipeline, obj))]);
    const expected = await expectedRecords(db, pipeline, obj, dest, { keys, fallbackOwnerId });
    const mapped = new Map(
      (await db.pool.query('select source_key, dest_id, payload from etl.id_map where pipeline = $1 and object = $2 and source_key = any($3)', [pipeline.name, obj.name, keys])).rows.map(
        (r) => [r.source_key as string, r as { dest_id: string; payload: Payload | null }],
      ),
    );
    // one destination record written for several source records: the first to get it is the one compared
    const firstOf = new Map(
      (
        await db.pool.query(
          `select source_key, first_value(source_key) over (partition by dest_module, dest_id order by created_at, source_key) as first
             from etl.id_map where pipeline = $1 and object = $2 and dest_id in (select dest_id from etl.id_map where pipeline = $1 and object = $2 and source_key = any($3))`,
          [pipeline.name, obj.name, keys],
        )
      ).rows.map((r) => [r.source_key as string, r.first as string]),
    );
    for (const key of keys) {
      const exp = expected.get(key);
      const destId = mapped.get(key)?.dest_id ?? null;
      const first = firstOf.get(key);
      if (first !== undefined && first !== key) {
        merged.push({ object: obj.name, source_key: key, into: first });
        continue;
      }
      if (!exp) {
        // Gone from the view since it was sampled: nothing to compare it with.
        continue;
      }
      if (exp.status === 'held') {
        held++;
        continue;
      }
      records++;
      const actual: Payload | null = destId ? await dest.get(obj.module, destId) : null;
      if (!actual) {
        const last = destId
          ? undefined
          : (await db.pool.query(`select action, message from etl.load_log where pipeline = $1 and object = $2 and source_key = $3 and action in ('reject','queue','skip') and rollback_of is null order by id desc limit 1`, [pipeline.name, obj.name, key])).rows[0];
        const why: string = destId ? 'not found in the destination' : (last?.message ?? 'never loaded');
        // A destination that refused the record names the field it blamed: a picklist value it
        // does not know is the usual broken value map, and that is a mapping mismatch.
        const blamed = /\(field ([A-Za-z0-9_$]+)\)/.exec(why)?.[1];
        if (blamed && picklists.has(blamed))
          diffs.push({ object: obj.name, source_key: key, dest_id: destId, field: blamed, expected: show(exp.shaped[blamed]), actual: why, reason: 'picklist mismatch' });
        else if (last) {
          // Refused or held for another reason (inactive owner, missing mandatory value): the
          // record is accounted for in etl.rejects / the reconciliation queue, not a field diff.
          records--;
          refused.push({ object: obj.name, source_key: key, action: last.action, message: why });
        } else diffs.push({ object: obj.name, source_key: key, dest_id: destId, field: '*', expected: 'record', actual: why, reason: 'missing record' });
        continue;
      }
      // Every field against the view now (its typed custom fields included), never against
      // what the loader derived; the idempotency key is the record's source_key.
      const want: Payload = { ...exp.shaped };
      if (dest.upsert && dest.idempotencyField) want[dest.idempotencyField] = recordKey(pipeline.name, key);
      // In the written shape, where the destination reads records back in another one.
      const seen = dest.asWritten ? await dest.asWritten(obj.module, actual, want) : actual;
      for (const [field, value] of Object.entries(want)) {
        if (field === 'Owner' && !exp.ownerKnown) continue;
        fields++;
        const got = seen[field];
        if (sameValue(value, got)) continue;
        diffs.push({ object: obj.name, source_key: key, dest_id: destId, field, expected: show(value), actual: show(got), reason: classify(field, value, got, picklists) });
      }
    }
  }

  await db.pool.query(
    `insert into etl.verify_diffs (run_id, pipeline, object, source_key, dest_id, field, expected, actual, reason)
     select $1, $2, d.object, d.source_key, d.dest_id, d.field, d.expected, d.actual, d.reason
       from jsonb_to_recordset($3::jsonb) as d(object text, source_key text, dest_id text, field text, expected text, actual text, reason text)`,
    [ctx.runId, pipeline.name, JSON.stringify(diffs)],
  );
  await db.pool.query(
    `insert into etl.verifications (run_id, pipeline, sample_run_id, mapping_hash, records, fields, mismatches) values ($1,$2,$3,$4,$5,$6,$7)
     on conflict (run_id) do update set sample_run_id = excluded.sample_run_id, mapping_hash = excluded.mapping_hash, records = excluded.records,
       fields = excluded.fields, mismatches = excluded.mismatches, at = now()`,
    [ctx.runId, pipeline.name, sampleRunId, mappingHash(pipeline, ctx.flags.out), records, fields, diffs.length],
  );

  const byField: Record<string, number> = {};
  const byReason: Record<string, number> = {};
  for (const d of diffs) {
    const k = `${d.object}.${d.field}`;
    byField[k] = (byField[k] ?? 0) + 1;
    byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
  }
  const dir = outDir(ctx, 'verify');
  const csv = path.join(dir, 'diff.csv');
  writeCsvFile(csv, ['object', 'source_key', 'dest_id', 'field', 'expected', 'actual', 'reason'], diffs.map((d) => [d.object, d.source_key, d.dest_id, d.field, d.expected, d.actual, d.reason]));
  const html = path.join(dir, 'verify.html');
  writeFileSync(html, renderHtml(pipeline.name, { runId: ctx.runId, sampleRunId, records, fields, held, notCompared }, diffs, byField, byReason, refused));

  const result: VerifyResult = { run_id: ctx.runId, sample_run_id: sampleRunId, records, fields, held, refused, not_compared: notCompared, merged, mismatches: diffs.length, by_field: byField, by_reason: byReason, html, csv };
  ctx.summary.verify = result;
  ctx.log(
    `verify: ${records} records, ${fields} fields compared, ${diffs.length} mismatches${held ? `, ${held} held back by the SQL or unresolved` : ''}${refused.length ? `, ${refused.length} rejected or queued at load` : ''}${merged.length ? `, ${merged.length} merged by the destination onto a record written for another source record` : ''} -> ${html}`,
  );
  for (const [k, n] of Object.entries(byField)) ctx.log(`  ${k.padEnd(36)} ${n}`);
  if (diffs.length)
    throw new CliError('VERIFY_MISMATCH', `verify found ${diffs.length} mismatching fields in ${new Set(diffs.map((d) => d.source_key)).size} records; see ${html} and ${csv}.`);
  return result;
}

function renderHtml(
  pipeline: string,
  m: { runId: number; sampleRunId: number | null; records: number; fields: number; held: number; notCompared: string[] },
  diffs: FieldDiff[],
  byField: Record<string, number>,
  byReason: Record<string, number>,
  refused: { object: string; source_key: string; action: string; message: string }[],
): string {
  const entries = Object.entries(byField).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const barH = 22;
  const labelW = 260;
  const chartW = 420;
  const svg = entries.length
    ? `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + chartW + 60}" height="${entries.length * barH + 10}" role="img" aria-label="mismatches per field">
${entries
  .map(([f, n], i) => {
    const w = Math.max(2, Math.round((n / max) * chartW));
    const y = i * barH + 5;
    return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" font-size="12">${htmlEscape(f)}</text><rect x="${labelW}" y="${y}" width="${w}" height="${barH - 6}" fill="#c0392b"/><text x="${labelW + w + 6}" y="${y + 15}" font-size="12">${n}</text>`;
  })
  .join('\n')}
</svg>`
    : '<p class="ok">No mismatches: every compared field holds what the views said to write.</p>';
  const rows = diffs
    .slice(0, 5000)
    .map((d) => `<tr><td>${htmlEscape(d.object)}</td><td>${htmlEscape(d.source_key)}</td><td>${htmlEscape(d.dest_id)}</td><td>${htmlEscape(d.field)}</td><td>${htmlEscape(d.expected)}</td><td>${htmlEscape(d.actual)}</td><td>${htmlEscape(d.reason)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(pipeline)}: verify run ${m.runId}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}.ok{color:#1e7e34}</style>
</head><body>
<h1>${htmlEscape(pipeline)}: field-level verification</h1>
<p>Verify run ${m.runId}${m.sampleRunId !== null ? ` of sample run ${m.sampleRunId}` : ' of every loaded record'}: ${m.records} records read back, ${m.fields} fields compared, <strong>${diffs.length} mismatches</strong>${m.held ? `; ${m.held} records held back by the SQL (rejected, queued, skipped) or with unresolved owners or lookups` : ''}.</p>
<p>By reason: ${Object.entries(byReason).map(([r, n]) => `${htmlEscape(r)} ${n}`).join(', ') || 'none'}.</p>
<h2>Mismatches per field</h2>
${svg}
<h2>Differences</h2>
${diffs.length ? `<table><thead><tr><th>object</th><th>source_key</th><th>destination id</th><th>field</th><th>expected</th><th>actual</th><th>reason</th></tr></thead><tbody>\n${rows}\n</tbody></table>${diffs.length > 5000 ? `<p>First 5000 of ${diffs.length}; all are in diff.csv.</p>` : ''}` : '<p>None.</p>'}
<h2>Sampled records not loaded</h2>
<p>Rejected or queued by the load for reasons other than the mapping (see etl.rejects and etl.reconciliation_queue).${m.notCompared.length ? ` Not read back (files): ${htmlEscape(m.notCompared.join(', '))}.` : ''}</p>
${refused.length ? `<table><thead><tr><th>object</th><th>source_key</th><th>outcome</th><th>message</th></tr></thead><tbody>\n${refused.map((r) => `<tr><td>${htmlEscape(r.object)}</td><td>${htmlEscape(r.source_key)}</td><td>${htmlEscape(r.action)}</td><td>${htmlEscape(r.message)}</td></tr>`).join('\n')}\n</tbody></table>` : '<p>None.</p>'}
</body></html>
`;
}
