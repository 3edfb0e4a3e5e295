import cliProgress from 'cli-progress';
import { extractSource, type ExtractProgress } from '../extract/extract-source.ts';
import { writeCustomFunctions } from '../extract/custom-columns.ts';
import { recordLanding, withSourceLock } from '../landing.ts';
import { describeConventions, resolveConventions, saveConventions } from '../extract/conventions.ts';
import type { Step } from './context.ts';

/**
 * A progress bar per file on a TTY (rows, MB read, MB/s); nothing when stderr is not a
 * terminal or with --json, so logs and JSON stay clean.
 */
function progressBar(enabled: boolean) {
  if (!enabled) return { update: (_: ExtractProgress) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: '  {file} |{bar}| {percentage}% {mb}/{totalMb} MB  {rows} rows  {rate} MB/s',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      fps: 5,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  let started = 0;
  return {
    update(p: ExtractProgress) {
      if (p.file !== current) {
        if (current) bar.stop();
        current = p.file;
        started = Date.now();
        bar.start(p.totalBytes || 1, 0, { file: p.file, mb: '0.0', totalMb: (p.totalBytes / 1e6).toFixed(1), rows: '0', rate: '0.0' });
      }
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      bar.update(p.bytes, {
        mb: (p.bytes / 1e6).toFixed(1),
        rows: p.rows.toLocaleString('en-US'),
        rate: (p.bytes / 1e6 / secs).toFixed(1),
      });
      if (p.done) {
        bar.stop();
        current = '';
      }
    },
    stop() {
      if (current) bar.stop();
    },
  };
}

/** Land every export file of the pipeline's source in raw_<source>. */
export const extract: Step = async (ctx) => {
  const { pipeline, flags } = ctx;
  ctx.log(`extract: ${pipeline.source.title} exports from ${ctx.input}`);
  // Resolved before anything lands, so a bad conventions file or flag stops the step early.
  const conventions = resolveConventions(pipeline.source, ctx.input, flags);
  const overridden = Object.entries(conventions.origin).filter(([, o]) => o !== 'connector');
  ctx.log(`  read as: ${describeConventions(conventions)}${overridden.length ? ` (${overridden.map(([k, o]) => `${k} from ${o}`).join(', ')})` : ''}`);
  const bar = progressBar(!!process.stderr.isTTY && !flags.json);
  let results;
  try {
    results = await withSourceLock(ctx.db, pipeline.source.name, () => extractSource(ctx.db, pipeline.source, ctx.input, {
      runId: ctx.runId,
      encoding: flags.encoding,
      delimiter: flags.delimiter,
      force: flags.force,
      onProgress: (p) => bar.update(p),
    }));
  } finally {
    bar.stop();
  }
  let landed = 0;
  let rejected = 0;
  for (const r of results) {
    landed += r.landed;
    rejected += r.rejected;
    const notes = [
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
