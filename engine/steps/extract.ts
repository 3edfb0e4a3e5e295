import { extractSource } from '../extract/extract-source.ts';
import type { Step } from './context.ts';

/** Land every export file of the pipeline's source in raw_<source>. */
export const extract: Step = async (ctx) => {
  const { pipeline, flags } = ctx;
  ctx.log(`extract: ${pipeline.source.title} exports from ${ctx.input}`);
  let lastShown = 0;
  const results = await extractSource(ctx.db, pipeline.source, ctx.input, {
    runId: ctx.runId,
    encoding: flags.encoding,
    delimiter: flags.delimiter,
    force: flags.force,
    onProgress: (p) => {
      const now = Date.now();
      if (process.stderr.isTTY && !flags.json && now - lastShown > 250) {
        lastShown = now;
        process.stderr.write(`\r  ${p.file}: ${p.rows.toLocaleString()} rows, ${(p.bytes / 1e6).toFixed(1)}/${(p.totalBytes / 1e6).toFixed(1)} MB   `);
      }
    },
  });
  if (process.stderr.isTTY && !flags.json) process.stderr.write('\r\x1b[K');
  for (const r of results) {
    const extra = r.customFields.length ? `; custom fields: ${r.customFields.join(', ')}` : '';
    ctx.log(`  ${r.table.padEnd(36)} ${r.status.padEnd(9)} ${String(r.landed).padStart(8)} landed ${String(r.rejected).padStart(6)} rejected${extra}`);
  }
  ctx.summary.extract = results;
};
