import { writeFileSync, readdirSync, rmSync } from 'node:fs';
import { ensureWorkspaceDir } from '../workspace.ts';
import path from 'node:path';
import { collectReport } from '../report/collect.ts';
import { writeCatalogue } from '../report/catalogue.ts';
import { csvName, findingsCsv, renderHtml } from '../report/render.ts';
import { runLib } from '../transform/build.ts';
import { modelsDir } from '../transform/models.ts';
import type { Step, StepContext } from './context.ts';

/**
 * Write the data-quality report: <out>/report/report.html (self-contained) and one
 * findings_<category>.csv per finding category, and the model catalogue
 * <out>/docs/index.html. <out> is --out or out/<pipeline>.
 */
export const report: Step = async (ctx) => {
  await writeReport(ctx);
}

/**
 * The report as the database holds it now. `report` writes it, and `load` and `reconcile` write
 * it again when they finish, so it always shows the current state of every record.
 */
export async function writeReport(ctx: StepContext, why?: string): Promise<void> {
  const dir = ensureWorkspaceDir(ctx.pipeline.name, ctx.flags.out, 'report');
  // lib.dq_findings is a lib function: make sure it is there even when transform did not run.
  await runLib(ctx.db, modelsDir());
  const data = await collectReport(ctx.db, ctx.pipeline);
  // CSVs of categories that no longer have findings would mislead: clear the previous ones.
  for (const f of readdirSync(dir)) if (/^findings_.*\.csv$/.test(f)) rmSync(path.join(dir, f));
  const csvFiles = new Map<string, string>();
  for (const [category, rows] of data.rows) {
    const file = csvName(category);
    writeFileSync(path.join(dir, file), findingsCsv(rows));
    csvFiles.set(category, file);
  }
  const html = path.join(dir, 'report.html');
  writeFileSync(html, renderHtml(data, csvFiles));
  const t = data.state.totals;
  ctx.log(
    `report${why ? ` (${why})` : ''}: ${t.loaded} loaded, ${t.queued} waiting, ${t.rejected} rejected, ${t.not_attempted} not yet attempted; ${data.findings.total} findings in ${data.findings.categories.length} categories (${data.findings.error} errors) -> ${html}`,
  );
  const docs = await writeCatalogue(ctx.db, ctx.pipeline, ensureWorkspaceDir(ctx.pipeline.name, ctx.flags.out, 'docs'));
  ctx.summary.report = {
    dir,
    html,
    csv: [...csvFiles.values()],
    catalogue: docs,
    counts: data.counts,
    findings: {
      total: data.findings.total,
      error: data.findings.error,
      warning: data.findings.warning,
      info: data.findings.info,
      other: data.findings.other,
      categories: Object.fromEntries(data.findings.categories.map(({ category, ...n }) => [category, n])),
    },
  };
}
