/**
 * A small generated export taken up to the load (extract, transform, setup --apply, users) in a
 * fresh test database, in this process, so each reliability test starts where a load starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { generate } from '../../tools/generate/index.ts';
import { mustRun } from '../../tools/chaos/lib.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

export interface Prepared {
  db: TestDb;
  input: string;
  cleanup(): Promise<void>;
}

export async function prepared(pipeline: PipelineDefinition, size: number, steps = ['extract', 'transform', 'setup', 'users'], env: Record<string, string> = {}): Promise<Prepared> {
  const db = await createTestDb();
  const input = mkdtempSync(path.join(tmpdir(), 'crm-rel-'));
  await generate({ source: pipeline.source.name, outDir: input, size, seed: '7' });
  for (const s of steps) await mustRun(db.url, pipeline, s, input, s === 'setup' ? { apply: true } : {}, env);
  return {
    db,
    input,
    async cleanup() {
      await db.drop();
      rmSync(input, { recursive: true, force: true });
    },
  };
}
