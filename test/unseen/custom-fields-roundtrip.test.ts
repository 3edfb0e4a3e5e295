/**
 * Custom fields, round trip, on each pipeline's destination: what `discover` proposes for an
 * export nobody here wrote (a high-mess export under a fresh seed), confirmed as is with no
 * edit, is created by `setup` and written by `load`:
 *   - every step exits 0 (setup creates every proposed field; nothing is left to an admin);
 *   - every confirmed field exists in the org afterwards, read back through the destination's
 *     metadata, under the name the proposal gave it;
 *   - verify finds no mismatch (the custom values written are the values read back);
 *   - where the export defines its custom fields (ASPEC, LeadTrac), every definition is proposed
 *     (with a column in this export or not), a defined picklist's options are options of the
 *     field in the org, and every value a record holds outside them has a finding;
 *   - the proposal is written to the run's folder: no file of the pipeline's folder changes.
 * The seed is printed; CRM_MIGRATE_TEST_SEED=<n> replays a failure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { inProcess } from '../lifecycle/helpers.ts';
import { generate, GENERATORS } from '../../tools/generate/index.ts';
import { registry } from '../../pipelines/registry.ts';
import { STEP_INFO } from '../../engine/steps/catalog.ts';
import { mappingHeaderKey, readCustomFieldMappings, workspaceCustomFieldsFile, writeCustomFieldMappings } from '../../engine/custom-fields.ts';
import { pipelineSchema } from '../../engine/pipeline.ts';
import { dqSchema, rawSchema } from '../../engine/source.ts';

const seed = process.env.CRM_MIGRATE_TEST_SEED ?? String(1 + Math.floor(Math.random() * 1_000_000));
const SIZE = 25;
/** The pipeline's committed files (its defaults among them), as they are now. */
const committed = (dir: string) => Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => [path.join(e.parentPath, e.name), readFileSync(path.join(e.parentPath, e.name), 'utf8')]));

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe(`custom fields round trip, seed ${seed} (CRM_MIGRATE_TEST_SEED=${seed} replays it)`, () => {
  for (const p of registry.pipelines) {
    it(`${p.name}: every proposal confirmed as is is created by setup, loaded and read back`, async () => {
      const before = committed(p.dir);
      const db: TestDb = await createTestDb();
      const tmp = mkdtempSync(path.join(tmpdir(), `cf-roundtrip-${p.name}-`));
      cleanup.push(async () => {
        await db.drop();
        rmSync(tmp, { recursive: true, force: true });
      });
      const input = path.join(tmp, 'export');
      const out = path.join(tmp, 'out');
      const g = GENERATORS.find((x) => x.source === p.source.name)!;
      await generate({ source: g.source, outDir: input, size: SIZE, seed: `${seed}-${p.name}`, mess: 'high' });
      const cli = async (args: string[], ok: number[] = [0]) => {
        const withOut = STEP_INFO[args[0]!]?.flags.includes('out') ? ['--out', out] : [];
        const r = await inProcess(db.url, [p.name, ...args, ...withOut, '--json']);
        const diff = path.join(out, 'verify', 'diff.csv');
        const checklist = path.join(out, 'admin-checklist.md');
        const more =
          (r.exitCode !== 0 && existsSync(diff) ? `\nverify differences:\n${readFileSync(diff, 'utf8').split('\n').slice(0, 25).join('\n')}` : '') +
          (r.exitCode !== 0 && existsSync(checklist) ? `\n${readFileSync(checklist, 'utf8')}` : '');
        expect(ok, `${args.join(' ')} exited ${r.exitCode}:\n${r.stderr.slice(-3000)}${more}`).toContain(r.exitCode);
        return r.json as any;
      };

      await cli(['extract', '--input', input]);
      await cli(['discover']);
      // Confirm every proposal as it is: the file is read and written by the tool's own reader
      // and writer, and nothing but `confirmed` changes.
      const file = workspaceCustomFieldsFile(p, out);
      const proposed = readCustomFieldMappings(file);
      expect(proposed.length, `${file}: a high-mess export has custom columns`).toBeGreaterThan(0);
      writeCustomFieldMappings(file, proposed.map((r) => ({ ...r, confirmed: true })));
      expect(readCustomFieldMappings(file)).toEqual(proposed.map((r) => ({ ...r, confirmed: true })));

      await cli(['transform']);
      const setup = await cli(['setup', '--apply']);
      expect(setup.setup?.checklist ?? [], 'nothing left for an admin').toEqual([]);
      await cli(['users']);
      const dest = await p.destination.connect({ databaseUrl: db.url, env: process.env, log: () => {} });
      const owner = (await dest.listUsers()).filter((u) => u.active).map((u) => u.email).sort()[0];
      await dest.close();
      await cli(['sample', '--input', input, '--size', '5', '--fallback-owner', owner!]);
      await cli(['approve', '--by', 'Custom-fields round trip']);
      await cli(['load', '--input', input, '--fallback-owner', owner!, '--reject-threshold', '1']);
      const verify = await cli(['verify']);
      expect(verify.verify.mismatches).toBe(0);

      // The export's own definitions, read from its raw table as landed.
      const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
      const spec = p.source.customFieldDefinitions;
      const squish = (v: unknown) => String(v ?? '').replace(/\s+/g, ' ').trim();
      const defs = spec
        ? (await q(`select "${spec.field}" as field, "${spec.object}" as object, ${spec.options ? `"${spec.options}"` : 'null'} as options from ${rawSchema(p.source.name)}.${spec.file} order by _line`))
            .map((d) => ({ object: spec.objects[squish(d.object).toLowerCase()], header: squish(d.field), options: squish(d.options).split(spec.optionSeparator ?? '|').map(squish).filter(Boolean) }))
            .filter((d) => d.object && d.header)
        : [];
      const rowOf = (object: string, header: string) => proposed.find((r) => r.object === object && mappingHeaderKey(r.source_header, r.source_column) === mappingHeaderKey(header));
      for (const d of defs) expect(rowOf(d.object, d.header), `definition ${d.object}."${d.header}" proposed`).toBeTruthy();

      // Read the fields back from the destination's metadata: every mapped row is a field there.
      const again = await p.destination.connect({ databaseUrl: db.url, env: process.env, log: () => {} });
      try {
        const mapped = proposed.filter((r) => r.module && r.field);
        expect(mapped.length).toBeGreaterThan(0);
        for (const module of new Set(mapped.map((r) => r.module))) {
          const fields = await again.schema!.listFields(module);
          for (const r of mapped.filter((x) => x.module === module)) {
            const f = fields.find((x) => x.apiName === r.field);
            expect(f, `${module}.${r.field} (${r.object}."${r.source_header}") in the org`).toBeTruthy();
            // a defined picklist offers the options its definition lists (of a field defined twice, the one the source reads)
            const d = (spec?.wins === 'last' ? [...defs].reverse() : defs).find((x) => x.object === r.object && mappingHeaderKey(x.header) === mappingHeaderKey(r.source_header));
            if (d?.options.length && /picklist/i.test(r.field_type)) {
              const have = new Set((f!.picklistValues ?? []).map((v) => squish(v).toLowerCase()));
              for (const o of d.options) expect(have.has(o.toLowerCase()), `${module}.${r.field} offers the defined option "${o}" (has ${[...have].join(', ')})`).toBe(true);
            }
          }
        }
      } finally {
        await again.close();
      }

      // Every value written outside a defined picklist's options is a finding (a value the
      // pipeline matched to an option, `francais` for `Français`, is written as the option).
      const defined = defs.filter((d) => d.options.length);
      if (defined.length) {
        const values = await q(`select object, module, field, field_type, header, raw, value from ${pipelineSchema(p)}.custom_values where field_type like '%picklist' and value is not null`);
        // every finding of the pipeline's and the source's dq views, as the report gathers them
        const findings = await q(`select field, value from lib.dq_findings($1::text[])`, [[dqSchema(p.name), dqSchema(p.source.name)]]);
        const reported = new Set(findings.map((f) => `${mappingHeaderKey(f.field)}\u0000${squish(f.value)}`));
        let outside = 0;
        for (const v of values) {
          const d = (spec?.wins === 'last' ? [...defs].reverse() : defs).find((x) => x.object === v.object && mappingHeaderKey(x.header) === mappingHeaderKey(v.header));
          if (!d?.options.length) continue;
          const options = new Set(d.options.map((o) => o.toLowerCase()));
          const written: string[] = (Array.isArray(v.value) ? v.value : [v.value]).map(squish).filter(Boolean);
          if (written.every((one) => options.has(one.toLowerCase()))) continue;
          outside++;
          expect(reported.has(`${mappingHeaderKey(v.header)}\u0000${squish(v.raw)}`), `${v.object}."${v.header}" value "${v.raw}" (written ${JSON.stringify(v.value)}) outside the options ${d.options.join(' | ')} has a finding`).toBe(true);
        }
        console.log(`${p.name}: ${values.length} picklist value(s) of defined fields, ${outside} outside the options, each with a finding`);
      }
      expect(committed(p.dir), `${p.dir}: the pipeline's files unchanged`).toEqual(before);
    }, 300_000);
  }
});
