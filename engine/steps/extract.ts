import { extractSource } from '../extract/extract-source.ts';
import { writeCustomFunctions } from '../extract/custom-columns.ts';
import { recordLanding, withSourceLock } from '../landing.ts';
import { describeConventions, resolveConventions, saveConventions } from '../extract/conventions.ts';
import type { Step } from './context.ts';

/** Land every export file of the pipeline's source in raw_<source>. */
export const extract: Step = async (ctx) => {
  const { pipeline, flags } = ctx;
  ctx.log(`extract: ${pipeline.source.title} exports from ${ctx.input}`);
  // Resolved before anything lands, so a bad conventions file or flag stops the step early.
  const conventions = resolveConventions(pipeline.source, ctx.input, flags);
  const overridden = Object.entries(conventions.origin).filter(([, o]) => o !== 'connector');
  ctx.log(`  read as: ${describeConventions(conventions)}${overridden.length ? ` (${overridden.map(([k, o]) => `${k} from ${o}`).join(', ')})` : ''}`);
  const results = await withSourceLock(ctx.db, pipeline.source.name, () =>
    extractSource(ctx.db, pipeline.source, ctx.input, {
      runId: ctx.runId,
      encoding: flags.encoding,
      delimiter: flags.delimiter,
      force: flags.force,
      // Measured in bytes of the whole export, so the ETA covers every file still to come.
      onProgress: ctx.progress
        ? (p) =>
            ctx.progress!({
              label: p.file,
              item: p.fileIndex ? { kind: 'file', n: p.fileIndex, of: p.fileCount! } : undefined,
              done: p.exportBytesDone ?? p.bytes,
              total: p.exportBytes ?? p.totalBytes,
              unit: 'bytes',
              note: `${p.rows.toLocaleString('en-US')} rows`,
            })
        : undefined,
    }),
  );
  let landed = 0;
  let rejected = 0;
  for (const r of results) {
    landed += r.landed;
    rejected += r.rejected;
    const notes = [
      r.relanded ? `same file as the last extract, landed again: ${r.relanded}` : '',
      r.findings ? `${r.findings} finding(s) in etl.extract_findings` : '',
      r.blankLines ? `${r.blankLines} blank line(s) skipped` : '',
      r.duplicateHeaders.length ? `duplicate headers: ${r.duplicateHeaders.join(', ')}` : '',
      r.customFields.length ? `custom fields: ${r.customFields.join(', ')}` : '',
    ].filter(Boolean);
    ctx.log(
      `  ${r.table.padEnd(38)} ${r.status.padEnd(9)} ${String(r.landed).padStart(8)} landed ${String(r.rejected).padStart(6)} rejected` +
        (r.method && r.status === 'landed' ? `  (${r.method})` : '') +
        (notes.length ? `; ${notes.join('; ')}` : ''),
    );
  }
  if (rejected) ctx.log(`  ${rejected} row(s) rejected: see etl.rejects (file, line, reason)`);
  await saveConventions(ctx.db, pipeline.source.name, conventions, { pipeline: pipeline.name, runId: ctx.runId });
  await writeCustomFunctions(ctx.db, pipeline.source);
  await recordLanding(ctx.db, pipeline, ctx.input, ctx.runId);
  ctx.summary.extract = results;
  ctx.summary.conventions = conventions;
  ctx.summary.extract_totals = { landed, rejected };
};
