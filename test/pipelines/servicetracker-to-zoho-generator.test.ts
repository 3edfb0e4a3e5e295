/**
 * The ServiceTracker sample generator: deterministic, every file docs/sources.md lists, the
 * connector's headers, and the mess the pipeline's hard cases rely on.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { generateServicetracker } from '../../tools/generate/servicetracker.ts';
import { servicetracker } from '../../connectors/sources/servicetracker/index.ts';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'st-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const rows = (dir: string, file: string) => parse(readFileSync(path.join(dir, file), 'utf8'), { columns: true }) as Record<string, string>[];

describe('generateServicetracker', () => {
  it('writes the same bytes for the same seed and different data for another seed', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()];
    await generateServicetracker({ outDir: a, clients: 40, seed: 7 });
    await generateServicetracker({ outDir: b, clients: 40, seed: 7 });
    await generateServicetracker({ outDir: c, clients: 40, seed: 8 });
    for (const f of readdirSync(a).filter((x) => x.endsWith('.csv'))) {
      expect(readFileSync(path.join(b, f), 'utf8'), f).toBe(readFileSync(path.join(a, f), 'utf8'));
    }
    expect(readFileSync(path.join(c, 'clients.csv'), 'utf8')).not.toBe(readFileSync(path.join(a, 'clients.csv'), 'utf8'));
  });

  it('writes every file of the connector with every header it declares, and the hard cases', async () => {
    const dir = fresh();
    const res = await generateServicetracker({ outDir: dir, clients: 150, seed: 2 });
    // the bundled sample is exactly this output (README: how to regenerate it)
    for (const f of Object.keys(res.files)) expect(readFileSync(path.join(dir, f), 'utf8'), f).toBe(readFileSync(path.join(servicetracker.sampleDir, f), 'utf8'));
    for (const spec of servicetracker.files) {
      const header = readFileSync(path.join(dir, spec.file), 'utf8').split('\n')[0]!.split(',');
      for (const col of spec.columns) expect(header, `${spec.file}: ${col.header}`).toContain(col.header);
      expect(res.files[spec.file], spec.file).toBeGreaterThan(0);
    }
    const wo = rows(dir, 'work_orders.csv');
    const clientIds = new Set(rows(dir, 'clients.csv').map((r) => r['Client ID']));
    const techIds = new Set(rows(dir, 'technicians.csv').map((r) => r['Technician ID']));
    expect(wo.some((w) => w.Status === 'Awaiting Parts')).toBe(true);
    expect(wo.some((w) => w.Status === 'cancelled')).toBe(true);
    expect(wo.some((w) => !clientIds.has(w['Client ID']))).toBe(true);
    expect(wo.some((w) => w['Technician ID'] && !techIds.has(w['Technician ID']))).toBe(true);
    expect(wo.some((w) => w.Amount === 'TBD')).toBe(true);
    const att = rows(dir, 'attachments.csv');
    const over = att.filter((a) => Number(a.Size) > 20 * 1024 * 1024);
    expect(over.length).toBeGreaterThan(0);
    // oversize attachments are in the manifest only; the others have their body, of the stated size
    for (const a of att) {
      const body = path.join(dir, 'files', a.Path!);
      if (over.includes(a)) expect(() => readFileSync(body)).toThrow();
      else expect(readFileSync(body).length).toBe(Number(a.Size));
    }
    const emails = rows(dir, 'contacts.csv').map((c) => c.Email!.trim().toLowerCase()).filter(Boolean);
    expect(emails.some((e) => e.includes(' at '))).toBe(true);
    expect(new Set(emails).size).toBeLessThan(emails.length);
    expect(rows(dir, 'service_history.csv').some((h) => /^(yes|true|1|y)$/i.test(h.Scheduled!))).toBe(true);
  });
});
