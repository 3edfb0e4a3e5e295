/**
 * The Leadtrekker export generator: deterministic under its seed, written as Leadtrekker
 * writes (';', Windows-1252, day-first dates), with the hard cases the pipeline must meet.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLeadtrekker, OVERSIZE_BYTES } from '../../tools/generate/leadtrekker.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ltk-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const rows = (dir: string, file: string) =>
  parse(iconv.decode(readFileSync(path.join(dir, file)), 'win1252'), { delimiter: ';', columns: true }) as Record<string, string>[];

describe('generateLeadtrekker', () => {
  it('writes the same bytes for the same seed and different ones for another seed', async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    await generateLeadtrekker({ outDir: a, leads: 120, seed: 's1' });
    await generateLeadtrekker({ outDir: b, leads: 120, seed: 's1' });
    await generateLeadtrekker({ outDir: c, leads: 120, seed: 's2' });
    for (const f of readdirSync(a).filter((x) => x.endsWith('.csv'))) expect(readFileSync(path.join(b, f)).equals(readFileSync(path.join(a, f))), f).toBe(true);
    expect(readFileSync(path.join(c, 'leads.csv')).equals(readFileSync(path.join(a, 'leads.csv')))).toBe(false);
  });

  it('writes every Leadtrekker file, ;-delimited Windows-1252, with the hard cases', async () => {
    const dir = tmp();
    const r = await generateLeadtrekker({ outDir: dir, leads: 300, seed: 'cases' });
    for (const f of ['leads', 'users', 'user_groups', 'activities', 'reminders', 'attachments', 'statuses', 'notification_triggers'])
      expect(existsSync(path.join(dir, `${f}.csv`)), f).toBe(true);
    const bytes = readFileSync(path.join(dir, 'leads.csv'));
    expect(bytes.includes(Buffer.from('ë', 'utf8'))).toBe(false); // not UTF-8
    expect(bytes.includes(Buffer.from([0xeb]))).toBe(true); // ë in Windows-1252
    const leads = rows(dir, 'leads.csv');
    expect(leads.length).toBe(r.files.leads);
    const ids = new Set(leads.map((l) => l['Lead ID']));
    expect(ids.size).toBeLessThan(leads.length); // repeated Lead IDs
    expect(leads.some((l) => /^[^,]+, [^,]+$/.test(l.Name!))).toBe(true); // Last, First
    expect(leads.some((l) => /^(Dr|Mr|Mrs|Ms|Prof|Adv)\.? /.test(l.Name!))).toBe(true);
    expect(leads.some((l) => l.Name !== '' && l.Name === l.Name!.toUpperCase())).toBe(true);
    expect(leads.some((l) => l.Name === '')).toBe(true);
    expect(leads.some((l) => l.Owner === 'Marie Botha')).toBe(true); // owner as a name
    expect(leads.some((l) => l.Owner === 'nobody@ltk-demo.co.za')).toBe(true);
    expect(leads.some((l) => l.Email === 'no-email' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(l.Email!))).toBe(true);
    const emails = leads.map((l) => l.Email!.toLowerCase()).filter(Boolean);
    expect(new Set(emails).size).toBeLessThan(emails.length);
    expect(leads.some((l) => /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(l.Created!))).toBe(true);
    expect(leads.some((l) => /^\d{4}-\d{2}-\d{2}/.test(l.Created!))).toBe(true);
    expect(leads.some((l) => ['31/02/2024', 'yesterday', '2024-13-45', '00/00/0000'].includes(l.Created!))).toBe(true);
    expect(leads.some((l) => l['Budget (ZAR)'] === 'TBD')).toBe(true);
    const acts = rows(dir, 'activities.csv');
    expect(acts.length / 300).toBeGreaterThan(2.4);
    expect(acts.length / 300).toBeLessThan(3.6);
    expect(acts.some((a) => !ids.has(a['Lead ID']!))).toBe(true); // orphans
    const atts = rows(dir, 'attachments.csv');
    const big = atts.filter((a) => Number(a.Size) >= OVERSIZE_BYTES);
    expect(big.length).toBeGreaterThan(0);
    for (const a of big) expect(existsSync(path.join(dir, 'files', a.Path!))).toBe(false); // manifest only
    for (const a of atts.filter((x) => Number(x.Size) < OVERSIZE_BYTES && x.Path)) expect(readFileSync(path.join(dir, 'files', a.Path!)).length).toBe(Number(a.Size));
    const rem = rows(dir, 'reminders.csv').length / 300;
    expect(rem).toBeGreaterThan(0.35);
    expect(rem).toBeLessThan(0.7);
  });
});
