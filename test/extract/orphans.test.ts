/**
 * Orphan checks come from the connectors' declared references (engine/extract/orphans.ts):
 * every reference column of every file is declared, every declared one has a check, and a
 * generated export with orphans in every reference column yields a finding for each, naming
 * file, line, the header as written and the value. Real generated CSV folders, real PostgreSQL.
 */
import path from 'node:path';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { extractSource } from '../../engine/extract/extract-source.ts';
import { declaredReferences, orphanCheckSql, writeOrphanView } from '../../engine/extract/orphans.ts';
import { knownSources } from '../../connectors/sources/index.ts';
import { leadtrekker } from '../../connectors/sources/leadtrekker/index.ts';
import { CASES } from '../generate/sources.ts';

let db: TestDb;
let work: string;
beforeAll(async () => {
  db = await createTestDb();
  work = mkdtempSync(path.join(tmpdir(), 'orphans-'));
});
afterAll(async () => {
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
});

const source = (name: string) => knownSources.find((s) => s.name === name)!;

describe('declared references', () => {
  it.each(CASES.map((c) => [c.source, c] as const))('%s: every column that refers to another file (as the export layout lists them) is declared, to that file', (name, c) => {
    const s = source(name);
    const declared = new Map(declaredReferences(s).map((r) => [`${r.file.file}:${r.column.name}`, r]));
    const layout: string[] = [];
    for (const def of Object.values(c.layout))
      for (const col of def.columns) {
        if (!col.ref || col.ref === 'files/') continue; // attachment bodies: checked by the load
        layout.push(`${def.file}:${col.key}`);
        const r = declared.get(`${def.file}:${col.key}`);
        expect(r, `${def.file} ${col.header} refers to ${col.ref}`).toBeDefined();
        const [file, column] = col.ref.split(':');
        expect(r!.target.file).toBe(file);
        expect(r!.targetColumns.map((t) => t.name)).toContain(column);
      }
    expect([...declared.keys()].sort()).toEqual(layout.sort());
  });

  it.each(knownSources.map((s) => [s.name, s] as const))('%s: every declared reference column has an orphan check', (_n, s) => {
    const refs = declaredReferences(s);
    expect(refs.length).toBeGreaterThan(5);
    for (const r of refs) {
      const sql = orphanCheckSql(s, r);
      expect(sql).toContain(`from "raw_${s.name}"."${r.file.name}" c`);
      expect(sql).toContain(`c."${r.column.name}"`);
      expect(sql).toContain(`from "raw_${s.name}"."${r.target.name}" p`);
    }
  });
});

interface Finding {
  category: string;
  severity: string;
  object: string;
  source_key: string | null;
  field: string;
  value: string | null;
  message: string;
  file: string | null;
  line: string | null;
}

describe('a generated export with orphans in every reference column', () => {
  it.each(CASES.map((c) => [c.source, c] as const))('%s: each yields findings naming file, line, header as written and value', async (name, c) => {
    const s = source(name);
    const dir = path.join(work, `high-${name}`);
    await c.generate({ outDir: dir, seed: `orphans-${name}`, size: 60 });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    await extractSource(db, s, dir, { force: true });
    await writeOrphanView(db, s);
    const found = (await db.pool.query<Finding>(`select * from dq_${name}.orphan_values`)).rows;
    let checked = 0;
    for (const r of declaredReferences(s)) {
      const m = manifest.files[r.file.file];
      const injected = m?.classes?.[`orphan:${r.column.name}`] ?? 0;
      if (!injected || m.disposition !== 'present') continue;
      const mine = found.filter((f) => f.object === r.file.name && f.field === m.columns[r.column.name]);
      const targetRows = Number((await db.pool.query(`select count(*) as n from raw_${name}.${r.target.name}`)).rows[0].n);
      if (targetRows === 0) {
        // the referenced file is left out or header-only: reported once, as unchecked
        expect(mine.map((f) => f.severity), `${r.file.file} ${r.column.header}`).toEqual(['info']);
        continue;
      }
      checked++;
      expect(mine.length, `${r.file.file} ${r.column.header}: ${injected} orphan(s) injected`).toBeGreaterThanOrEqual(1);
      for (const f of mine) {
        expect(f.severity).toBe(r.column.references!.severity ?? 'warning');
        // the line holds that value in the raw table, and the message names file, line, header, value
        const raw = await db.pool.query(`select ${r.column.name} as v from raw_${name}.${r.file.name} where _line = $1`, [f.line]);
        expect(raw.rows.map((x) => x.v)).toContain(f.value);
        expect(f.message).toContain(`${f.file}, line ${f.line}, ${f.field} "${f.value!.slice(0, 200)}": no record of ${r.target.file}`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});

describe('through transform and the report\'s findings', () => {
  it('a child of a lead the export does not have, and an unknown user under an aliased header, are findings with file, line, header and value', async () => {
    const dir = path.join(work, 'ltk');
    cpSync(leadtrekker.sampleDir, dir, { recursive: true });
    const act = path.join(dir, 'activities.csv');
    const text = readFileSync(act, 'latin1');
    const lines = text.split(/\r?\n/);
    // the User column written as its alias "User Email"
    writeFileSync(act, [lines[0]!.replace(';User;', ';User Email;'), ...lines.slice(1)].join('\n'), 'latin1');
    const eol = text.endsWith('\n') ? '' : '\n';
    appendFileSync(act, `${eol}A-ORPHAN;LT-NOPE;note;01/02/2023;nobody@nowhere.example;;An orphan;;;;\n`, 'latin1');
    const physical = readFileSync(act, 'latin1').split('\n').findIndex((l) => l.startsWith('A-ORPHAN')) + 1;

    const env = { DATABASE_URL: db.url };
    for (const step of ['extract', 'transform']) {
      const r = await runCli(['leadtrekker-to-zoho', step, '--input', dir, '--force'].filter((a) => step === 'extract' || a !== '--input' && a !== dir), env);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const f = (await db.pool.query(`select * from lib.dq_findings(array['dq_leadtrekker']) where dq_view = 'dq_leadtrekker.orphan_values' and source_key = 'activities:A-ORPHAN' order by field`)).rows;
    expect(f).toEqual([
      {
        dq_view: 'dq_leadtrekker.orphan_values', category: 'orphan', severity: 'error', object: 'activities', source_key: 'activities:A-ORPHAN',
        field: 'Lead ID', value: 'LT-NOPE', file: 'activities.csv', line: physical,
        message: `activities.csv, line ${physical}, Lead ID "LT-NOPE": no record of leads.csv has this Lead ID; the activity has no lead to load on`,
      },
      {
        dq_view: 'dq_leadtrekker.orphan_values', category: 'orphan', severity: 'warning', object: 'activities', source_key: 'activities:A-ORPHAN',
        field: 'User Email', value: 'nobody@nowhere.example', file: 'activities.csv', line: physical,
        message: `activities.csv, line ${physical}, User Email "nobody@nowhere.example": no record of users.csv has this Email or Name; the owner is left unresolved (no user in users.csv)`,
      },
    ]);
    // every activity of the sample whose lead is not in leads.csv (read here with a query of its own), and no other
    const expected = (
      await db.pool.query(
        `select 'activities:' || btrim(a.activity_id) as source_key, a.lead_id as value from raw_leadtrekker.activities a
          where btrim(a.lead_id) <> '' and not exists (select 1 from raw_leadtrekker.leads l where btrim(l.lead_id) = btrim(a.lead_id)) order by 1`,
      )
    ).rows;
    expect(expected.length).toBeGreaterThan(1);
    const generated = (await db.pool.query(`select source_key, value from dq_leadtrekker.orphan_values where object = 'activities' and field = 'Lead ID' order by 1`)).rows;
    expect(generated).toEqual(expected);
  });
});
