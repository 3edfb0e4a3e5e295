/**
 * The LeadTrac export generator: deterministic under its seed, the committed sample is its
 * output, and the hard cases seed 003 needs are in every export (read back from the CSV files).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLeadtrac } from '../../tools/generate/leadtrac.ts';
import { leadtrac } from '../../connectors/sources/leadtrac/index.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ltrac-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const read = (dir: string, f: string) => parse(readFileSync(path.join(dir, f), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];

describe('LeadTrac export generator', () => {
  it('gives the same files for the same seed, other files for another seed; the committed sample is its output', async () => {
    const [a, b, c, s] = [tmp(), tmp(), tmp(), tmp()];
    await generateLeadtrac({ outDir: a, leads: 40, seed: 'x' });
    await generateLeadtrac({ outDir: b, leads: 40, seed: 'x' });
    await generateLeadtrac({ outDir: c, leads: 40, seed: 'y' });
    for (const f of readdirSync(a)) expect(readFileSync(path.join(b, f)).equals(readFileSync(path.join(a, f))), f).toBe(true);
    expect(readFileSync(path.join(c, 'leads.csv')).equals(readFileSync(path.join(a, 'leads.csv')))).toBe(false);
    await generateLeadtrac({ outDir: s, leads: 200, seed: 'leadtrac-sample' });
    for (const f of readdirSync(s)) expect(readFileSync(path.join(leadtrac.sampleDir, f)).equals(readFileSync(path.join(s, f))), `sample ${f}`).toBe(true);
  });

  it('writes every file of the layout with the mess seed 003 is about', async () => {
    const d = tmp();
    const r = await generateLeadtrac({ outDir: d, leads: 120, seed: 'mess' });
    for (const spec of leadtrac.files) {
      expect(r.files[spec.name], spec.file).toBeGreaterThan(0);
      const header = readFileSync(path.join(d, spec.file), 'utf8').split('\r\n')[0]!.split(',');
      for (const col of spec.columns) expect(header, `${spec.file} ${col.header}`).toContain(col.header);
    }
    const companies = read(d, 'companies.csv');
    const line = new Map(companies.map((c, i) => [c['Company ID'], i]));
    // a parent listed after its child, and a parent id that is not in the export
    expect(companies.some((c) => line.has(c['Parent Company ID']) && line.get(c['Parent Company ID'])! > line.get(c['Company ID'])!)).toBe(true);
    expect(companies.some((c) => c['Parent Company ID'] && !line.has(c['Parent Company ID']))).toBe(true);
    // leads with 0, 1 and several people, none or several marked primary
    const lp = read(d, 'lead_people.csv');
    const leads = read(d, 'leads.csv');
    const per = new Map<string, { n: number; marked: number }>();
    for (const l of lp) {
      const e = per.get(l['Lead ID']) ?? { n: 0, marked: 0 };
      e.n++;
      if (/^(yes|y|true|1)$/i.test(l['Is Primary'])) e.marked++;
      per.set(l['Lead ID'], e);
    }
    expect(leads.some((l) => !per.has(l['Lead ID']))).toBe(true);
    expect([...per.values()].some((e) => e.n > 1 && e.marked === 0)).toBe(true);
    expect([...per.values()].some((e) => e.marked > 1)).toBe(true);
    // people with several companies; invalid and duplicate emails
    const pc = read(d, 'person_companies.csv');
    expect(new Set(pc.map((x) => x['Person ID'])).size).toBeLessThan(pc.length);
    const emails = read(d, 'people.csv').map((p) => p.Email.toLowerCase()).filter(Boolean);
    expect(emails.some((e) => !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(e))).toBe(true);
    expect(new Set(emails).size).toBeLessThan(emails.length);
    // activities: several parents, a missing parent, the three duration spellings
    const acts = read(d, 'activities.csv');
    expect(acts.some((a) => a['Lead ID'] && a['Person ID'] && a['Company ID'])).toBe(true);
    expect(acts.some((a) => a['Lead ID'] === 'L9999')).toBe(true);
    for (const re of [/^\d+$/, /^\d+ min$/, /^0:\d{2}:00$/]) expect(acts.some((a) => re.test(a.Duration)), String(re)).toBe(true);
    // custom fields defined and present as columns; documents with URLs and envelope ids
    const defs = read(d, 'custom_fields.csv');
    const leadHeader = Object.keys(leads[0]!);
    expect(defs.filter((f) => f.Object === 'Lead' && leadHeader.includes(f.Field)).length).toBeGreaterThan(2);
    const docs = read(d, 'documents.csv');
    expect(docs.some((x) => x.URL.startsWith('https://') && /^[0-9A-F-]{36}$/.test(x['DocuSign Envelope ID']))).toBe(true);
    // dates mm/dd/yyyy hh:mm AM/PM
    expect(leads.filter((l) => /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} [AP]M$/.test(l['Created Date'])).length).toBeGreaterThan(100);
  });
});
