/**
 * The queue contract's last clause, on every pipeline: a child whose parent row was rejected at
 * extract is told so ("which was rejected at extract (file, line: reason)"), never that its
 * parent is "not in the export". A copy of each bundled sample has one parent row per declared id
 * reference made ragged (a field short); extract rejects it, keeping the id it carries, and every
 * destination-view row that names that parent (a reason, a description) says it was rejected at
 * extract. Real files, real extract and transform, real PostgreSQL.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { prepare } from './harness.ts';
import { registry } from '../../pipelines/registry.ts';
import { viewOf } from '../../engine/pipeline.ts';
import { declaredReferences } from '../../engine/extract/orphans.ts';
import { ident } from '../../engine/extract/headers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe('a child of a parent rejected at extract is told so', () => {
  it.each(registry.pipelines.map((p) => [p.name, p] as const))('%s', async (_n, p) => {
    const tmp = mkdtempSync(path.join(tmpdir(), `rejected-parent-${p.name}-`));
    const db: TestDb = await createTestDb();
    cleanup.push(async () => {
      await db.drop();
      rmSync(tmp, { recursive: true, force: true });
    });
    const dir = path.join(tmp, 'export');
    cpSync(p.source.sampleDir, dir, { recursive: true });

    // One parent per declared id reference: an id the child file names, whose line is made short.
    const broken = new Map<string, { file: string; id: string }>();
    for (const r of declaredReferences(p.source)) {
      if ((r.column.references!.match ?? 'id') !== 'id' || !r.target.idColumn || r.target.name === r.file.name) continue;
      const parentFile = path.join(dir, r.target.file);
      const childFile = path.join(dir, r.file.file);
      let parentText: string, childText: string;
      try {
        parentText = readFileSync(parentFile, 'latin1');
        childText = readFileSync(childFile, 'latin1');
      } catch {
        continue;
      }
      const lines = parentText.split('\n');
      const delim = [',', ';', '\t', '|'].sort((a, b) => lines[0]!.split(b).length - lines[0]!.split(a).length)[0]!;
      const headers = lines[0]!.replace(/^\uFEFF|^ï»¿/, '').replace(/\r$/, '').split(delim).map((h) => h.trim().toLowerCase());
      const idSpec = r.target.columns.find((c) => c.name === r.target.idColumn)!;
      const idx = headers.findIndex((h) => [idSpec.header, ...(idSpec.aliases ?? [])].some((a) => a.toLowerCase() === h));
      if (idx < 0 || idx === headers.length - 1) continue;
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i]!.replace(/\r$/, '');
        if (!line || line.includes('"')) continue;
        const fields = line.split(delim);
        if (fields.length !== headers.length) continue;
        const id = fields[idx]!.trim();
        if (!id || [...broken.values()].some((b) => b.id === id) || !childText.includes(id)) continue;
        lines[i] = fields.slice(0, -1).join(delim) + (lines[i]!.endsWith('\r') ? '\r' : '');
        writeFileSync(parentFile, lines.join('\n'), 'latin1');
        broken.set(`${r.target.name}:${id}`, { file: r.target.name, id });
        break;
      }
    }
    expect(broken.size, 'parents made ragged').toBeGreaterThan(0);

    await prepare(db, p, dir, ['extract', 'transform']);
    const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
    // extract rejected each, keeping the id it carries
    for (const b of broken.values()) {
      const rj = await q(`select reason_code, source_key from etl.rejects where stage = 'extract' and source = $1 and object = $2 and source_key = $3`, [p.source.name, b.file, b.id]);
      expect(rj.map((r) => r.reason_code), `${b.file} ${b.id}`).toEqual(['RAGGED_SHORT']);
    }
    // every destination row that names a broken parent in a reason or a description says it was rejected at extract
    let told = 0;
    for (const o of p.objects) {
      const rel = viewOf(p, o).split('.').map(ident).join('.');
      const rows = await q(`select to_jsonb(v)::text as j from ${rel} v`);
      for (const { j } of rows) {
        // a child of a rejected parent is rejected with the parent's reason, never queued
        const queued = String((JSON.parse(j as string) as Record<string, unknown>)._queue_reason ?? '');
        expect(queued, `${o.name} is queued on a parent rejected at extract`).not.toMatch(/which was rejected at extract/);
        for (const b of broken.values()) {
          const what = new RegExp(`[a-z]+ ${b.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]), which (was rejected at extract|is not in the export)`, 'g');
          for (const m of (j as string).matchAll(what)) {
            expect(m[1], `${o.name}: ${m[0]}`).toBe('was rejected at extract');
            told++;
          }
        }
      }
    }
    expect(told, 'children told their parent was rejected at extract').toBeGreaterThan(0);
  }, 240_000);
});
