/**
 * Custom fields, round trip, on each pipeline's destination: what `discover` proposes for an
 * export nobody here wrote (a high-mess export under a fresh seed), confirmed as is with no
 * edit, is created by `setup` and written by `load`:
 *   - every step exits 0 (setup creates every proposed field; nothing is left to an admin);
 *   - every confirmed field exists in the org afterwards, read back through the destination's
 *     metadata, under the name the proposal gave it;
 *   - verify finds no mismatch (the custom values written are the values read back);
 *   - the proposal is written to the run's folder: no tracked file of the checkout changes.
 * The seed is printed; CRM_MIGRATE_TEST_SEED=<n> replays a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { inProcess } from '../lifecycle/helpers.ts';
import { generate, GENERATORS } from '../../tools/generate/index.ts';
import { registry } from '../../pipelines/registry.ts';
import { STEP_INFO } from '../../engine/steps/catalog.ts';
import { readCustomFieldMappings, workspaceCustomFieldsFile, writeCustomFieldMappings } from '../../engine/custom-fields.ts';

const seed = process.env.CRM_MIGRATE_TEST_SEED ?? String(1 + Math.floor(Math.random() * 1_000_000));
const SIZE = 25;
const root = path.resolve(import.meta.dirname, '../..');
const tracked = () => execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe(`custom fields round trip, seed ${seed} (CRM_MIGRATE_TEST_SEED=${seed} replays it)`, () => {
  for (const p of registry.pipelines) {
    it(`${p.name}: every proposal confirmed as is is created by setup, loaded and read back`, async () => {
      const before = tracked();
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

      // Read the fields back from the destination's metadata: every mapped row is a field there.
      const again = await p.destination.connect({ databaseUrl: db.url, env: process.env, log: () => {} });
      try {
        const mapped = proposed.filter((r) => r.module && r.field);
        expect(mapped.length).toBeGreaterThan(0);
        for (const module of new Set(mapped.map((r) => r.module))) {
          const fields = new Set((await again.schema!.listFields(module)).map((f) => f.apiName));
          for (const r of mapped.filter((x) => x.module === module)) expect(fields.has(r.field), `${module}.${r.field} (${r.object}."${r.source_header}") in the org`).toBe(true);
        }
      } finally {
        await again.close();
      }
      expect(tracked(), 'tracked files of the checkout unchanged').toBe(before);
    }, 300_000);
  }
});
