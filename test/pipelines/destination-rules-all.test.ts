/**
 * Destination rules on every other pipeline (leadtrekker-to-zoho has its own test with an
 * org that requires more): a high-mess export, fresh seed, through extract, transform, setup,
 * report, users and load into the sandbox. The load meets no refusal for a missing mandatory
 * value (each pipeline's SQL has a rule for each, README "Mandatory fields"), and every refusal
 * for a mandatory value, a length or a picklist value that does happen was predicted by a
 * destination_* finding of the report.
 *
 * CRM_TEST_SEED repeats a seed; a failure names it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { generate } from '../../tools/generate/index.ts';

const seed = process.env.CRM_TEST_SEED ?? `rules-${Date.now().toString(36)}`;
const CASES = [
  { pipeline: 'servicetracker-to-zoho', source: 'servicetracker', size: 50, zoho: true },
  { pipeline: 'aspec-to-zoho', source: 'aspec', size: 50, zoho: true },
  { pipeline: 'leadtrekker-to-nutshell', source: 'leadtrekker', size: 60, zoho: false },
  { pipeline: 'leadtrac-to-nutshell', source: 'leadtrac', size: 50, zoho: false },
];
/** What Nutshell answers when a mandatory value, a length or a choice is refused (connectors/destinations/nutshell/sandbox/shape.ts). */
const NUTSHELL_RULE_REFUSAL = /needs (at least one of name|a name|a startTime|a title|text)|longer than \d+ characters|Invalid value for custom field/;

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe(`destination rules on every pipeline (seed ${seed})`, () => {
  for (const c of CASES) {
    it(`${c.pipeline}: no mandatory refusal at load, and every rule refusal predicted by the report`, async () => {
      const db: TestDb = await createTestDb();
      const tmp = mkdtempSync(path.join(tmpdir(), `rules-${c.pipeline}-`));
      cleanup.push(async () => {
        await db.drop();
        rmSync(tmp, { recursive: true, force: true });
      });
      const input = path.join(tmp, 'export');
      const out = path.join(tmp, 'out');
      await generate({ source: c.source, outDir: input, size: c.size, seed: `${seed}-${c.pipeline}`, mess: 'high' });
      const env = { DATABASE_URL: db.url };
      for (const args of [['extract', '--input', input], ['transform'], ['setup', '--out', out], ['report', '--out', out], ['users'], ['load', '--fallback-owner', 'admin@sandbox.example', '--reject-threshold', '1', '--out', out]]) {
        const r = await runCli([c.pipeline, ...args], env);
        expect([0, 3], `seed ${seed}: ${args[0]} exited ${r.exitCode}: ${r.stderr.slice(-2000)}`).toContain(r.exitCode);
      }
      const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
      expect((await q(`select count(*)::int as n from etl.destination_rules where pipeline = $1 and rule = 'mandatory'`, [c.pipeline]))[0].n).toBeGreaterThan(0);

      const rejects = await q(`select object, source_key, field, reason_code, message from etl.rejects where pipeline = $1 and stage = 'load'`, [c.pipeline]);
      const refusals = c.zoho
        ? rejects.filter((r) => r.reason_code === 'MANDATORY_NOT_FOUND' || (r.reason_code === 'INVALID_DATA' && /maximum length|supported values/.test(r.message ?? '')))
        : rejects.filter((r) => r.reason_code === 'INVALID_DATA' && NUTSHELL_RULE_REFUSAL.test(r.message ?? ''));
      const mandatory = refusals.filter((r) => (c.zoho ? r.reason_code === 'MANDATORY_NOT_FOUND' : /needs/.test(r.message)));
      expect(mandatory, 'refused at load for a missing mandatory value').toEqual([]);

      const findings = ['destination_mandatory_missing', 'destination_too_long', 'destination_not_in_picklist'].flatMap((cat) => {
        try {
          return parse(readFileSync(path.join(out, 'report', `findings_${cat}.csv`)), { columns: true }) as Record<string, string>[];
        } catch {
          return [];
        }
      });
      // Zoho names the refused field; Nutshell does not, so there the record is what must match
      const key = (o: string, k: string, f: string | null) => (c.zoho ? `${o}\0${k}\0${f}` : `${o}\0${k}`);
      const predicted = new Set(findings.map((f) => key(f.object!, f.source_key!, f.field!)));
      expect(refusals.filter((r) => !predicted.has(key(r.object, r.source_key, r.field))), 'refused at load without a report finding').toEqual([]);
    }, 600_000);
  }
});
