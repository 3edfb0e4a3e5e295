/**
 * "unchanged" is decided from what the raw table holds, not from the file's hash alone: a file
 * whose hash matches its last batch is landed again when its raw table no longer holds exactly
 * the rows that batch landed (real sample export, real PostgreSQL).
 */
import path from 'node:path';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { extractSource, type FileResult } from '../../engine/extract/extract-source.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { recordsIn } from './helpers.ts';

let db: TestDb;
let work: string;
beforeAll(async () => {
  db = await createTestDb();
  work = mkdtempSync(path.join(tmpdir(), 'unchanged-'));
});
afterAll(async () => {
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
});

const sample = leadtrekker.sampleDir;
const count = async (table: string) => Number((await db.pool.query(`select count(*) as n from raw_leadtrekker.${table}`)).rows[0].n);
const of = (rs: FileResult[], file: string) => rs.find((r) => r.file === file)!;

describe('an export whose hash matches the last batch', () => {
  it('is unchanged while the raw table holds that batch', async () => {
    const first = await extractSource(db, leadtrekker, sample, { force: true });
    const leads = recordsIn(path.join(sample, 'leads.csv'), 'windows1252');
    expect(of(first, 'leads.csv')).toMatchObject({ status: 'landed', landed: leads });
    const again = await extractSource(db, leadtrekker, sample);
    for (const r of again.filter((x) => x.status !== 'missing')) expect(r.status, r.file).toBe('unchanged');
    expect(of(again, 'leads.csv').relanded).toBeUndefined();
    expect(await count('leads')).toBe(leads);
  });

  it('is landed again when an extract of a folder without the file emptied its table in between', async () => {
    // The path of the bug: the same export, then a folder lacking activities.csv (its table is
    // emptied: no records of that object), then the same export again.
    await extractSource(db, leadtrekker, sample, { force: true });
    const activities = await count('activities');
    expect(activities).toBeGreaterThan(0);
    const partial = path.join(work, 'partial');
    cpSync(sample, partial, { recursive: true });
    rmSync(path.join(partial, 'activities.csv'));
    const without = await extractSource(db, leadtrekker, partial);
    expect(of(without, 'activities.csv').status).toBe('missing');
    expect(await count('activities')).toBe(0);

    const back = await extractSource(db, leadtrekker, sample);
    const a = of(back, 'activities.csv');
    expect(a.status).toBe('landed');
    expect(a.landed).toBe(activities);
    expect(a.relanded).toMatch(/raw_leadtrekker\.activities holds 0 row\(s\) where batch \d+ landed \d+/);
    expect(await count('activities')).toBe(activities);
    // the files that did keep their rows stay unchanged
    expect(of(back, 'leads.csv').status).toBe('unchanged');
  });

  it('is landed again when its rows were deleted, partly deleted or its table dropped', async () => {
    await extractSource(db, leadtrekker, sample, { force: true });
    const leads = await count('leads');
    for (const damage of [
      `truncate raw_leadtrekker.leads`,
      `delete from raw_leadtrekker.leads where _line = (select max(_line) from raw_leadtrekker.leads)`,
      `update raw_leadtrekker.leads set _batch_id = _batch_id - 1000 where _line = (select min(_line) from raw_leadtrekker.leads)`,
    ]) {
      await db.pool.query(damage);
      const r = of(await extractSource(db, leadtrekker, sample), 'leads.csv');
      expect(r.status, damage).toBe('landed');
      expect(r.relanded, damage).toMatch(/raw_leadtrekker\.leads holds/);
      expect(await count('leads')).toBe(leads);
      expect(of(await extractSource(db, leadtrekker, sample), 'leads.csv').status).toBe('unchanged');
    }
    // a raw schema dropped since (extract creates the table again, empty, before it looks)
    await db.pool.query(`drop schema raw_leadtrekker cascade`);
    const r = of(await extractSource(db, leadtrekker, sample), 'leads.csv');
    expect(r.status).toBe('landed');
    expect(await count('leads')).toBe(leads);
  });
});
