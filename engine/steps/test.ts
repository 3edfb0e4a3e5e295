import { modelSchemas } from '../pipeline.ts';
import { CliError } from '../errors.ts';
import { modelsDir } from '../transform/models.ts';
import { loadModelTests, runModelTests, type TestResult } from '../transform/tests.ts';
import type { Step } from './context.ts';

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '∅' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
};

function describe(r: TestResult): string {
  const head = `${r.status === 'error' ? 'ERROR' : r.severity === 'warn' ? 'WARN ' : 'FAIL '} ${r.model}: ${r.name}  (${r.where})`;
  if (r.status === 'error') return `${head}\n      could not run: ${r.error}`;
  const lines = [`${head}: ${r.failures} offending row${r.failures === 1 ? '' : 's'}`];
  for (const row of r.sample) lines.push('      ' + Object.entries(row).map(([k, v]) => `${k}=${cell(v)}`).join('  '));
  if (r.failures > r.sample.length) lines.push(`      ... and ${r.failures - r.sample.length} more`);
  return lines.join('\n');
}

/**
 * Run the model tests (sql/<schema>/<model>.yml) of the pipeline's model schemas. Each failing
 * test is printed with up to 5 offending rows; a failing error-severity test fails the step.
 */
export const test: Step = async (ctx) => {
  const tests = loadModelTests(modelsDir(), modelSchemas(ctx.pipeline));
  const results = await runModelTests(ctx.db, tests);
  const failedErrors = results.filter((r) => r.status !== 'pass' && r.severity === 'error');
  const warned = results.filter((r) => r.status !== 'pass' && r.severity === 'warn');
  for (const r of results) if (r.status !== 'pass') ctx.log(describe(r));
  ctx.summary.test = {
    tests: results.length,
    passed: results.filter((r) => r.status === 'pass').length,
    failed: failedErrors.length,
    warned: warned.length,
    failures: results
      .filter((r) => r.status !== 'pass')
      .map((r) => ({ model: r.model, test: r.name, severity: r.severity, status: r.status, rows: r.failures, where: r.where, ...(r.error ? { error: r.error } : {}) })),
  };
  ctx.log(`test: ${results.length} tests, ${results.length - failedErrors.length - warned.length} passed, ${failedErrors.length} failed, ${warned.length} warnings`);
  if (failedErrors.length)
    throw new CliError('MODEL_TEST_FAILED', `${failedErrors.length} model test(s) failed: ${failedErrors.map((r) => `${r.model} ${r.name}`).join('; ')}`);
};
