/**
 * An approval is tied to the mapping's hash: editing a value map or the custom-field mapping
 * file makes it stale (the load gate then stops again); the same content hashes the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { mappingHash, currentApproval } from '../../engine/lifecycle/index.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';

let db: TestDb;
let dir: string;
let p: PipelineDefinition;

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'approval-'));
  mkdirSync(path.join(dir, 'maps'));
  writeFileSync(path.join(dir, 'maps', 'lead_status.csv'), 'leadtrekker_status,zoho_lead_status\nWon,Converted\n');
  writeFileSync(path.join(dir, 'custom-fields.csv'), 'object,source_column,source_header,inferred_type,module,field,field_type,confirmed,reason\n');
  // The real pipeline's source and objects, its maps and custom-field file in a folder of our own.
  p = { ...leadtrekkerToZoho, name: 'approval-test', dir };
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('sample approval and the mapping hash', () => {
  it('goes stale when a value map or the custom-field mapping changes', async () => {
    const h0 = mappingHash(p);
    expect(mappingHash(p)).toBe(h0);
    await db.pool.query(`insert into etl.sample_approvals (pipeline, sample_run_id, verify_run_id, mapping_hash, approved_by) values ($1, 1, 2, $2, 'Marie Botha')`, [p.name, h0]);
    expect((await currentApproval(db, p))?.approved_by).toBe('Marie Botha');

    writeFileSync(path.join(dir, 'maps', 'lead_status.csv'), 'leadtrekker_status,zoho_lead_status\nWon,Qualified\n');
    const h1 = mappingHash(p);
    expect(h1).not.toBe(h0);
    expect(await currentApproval(db, p)).toBeUndefined();

    writeFileSync(path.join(dir, 'maps', 'lead_status.csv'), 'leadtrekker_status,zoho_lead_status\nWon,Converted\n');
    expect(mappingHash(p)).toBe(h0);
    expect((await currentApproval(db, p))?.approved_by).toBe('Marie Botha');

    writeFileSync(path.join(dir, 'custom-fields.csv'), 'object,source_column,source_header,inferred_type,module,field,field_type,confirmed,reason\nleads,budget,Budget,number,Leads,Budget,currency,yes,\n');
    expect(mappingHash(p)).not.toBe(h0);
    expect(await currentApproval(db, p)).toBeUndefined();
  });
});
