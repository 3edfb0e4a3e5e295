/**
 * leadtrekker-to-zoho's optional `convert` step against the sandbox org: a small generated
 * Leadtrekker export is loaded, then `convert --convert-status Won` turns exactly the loaded Won
 * leads into Contacts and Accounts through Zoho's convert action, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { inProcess } from '../lifecycle/helpers.ts';
import { generateLeadtrekker } from '../../tools/generate/leadtrekker.ts';

const P = 'leadtrekker-to-zoho';
let db: TestDb;
let tmp: string;
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
// LTK_CONVERT_STATUS unset in every command, so only the flag can ask for a conversion.
const cli = (args: string[]) => inProcess(db.url, [P, ...args, '--json'], { LTK_CONVERT_STATUS: undefined });

/** Loaded leads whose Leadtrekker status is Won, with their Zoho lead ids. */
const wonLoaded = async () =>
  q(`select m.source_key, m.dest_id from etl.id_map m join stg_leadtrekker.leads l on 'leads:' || l.lead_id = m.source_key
      where m.pipeline = $1 and m.object = 'leads' and lower(l.status) = 'won' order by 1`, [P]);
const leadsById = async () => new Map((await q(`select id, data from sandbox_zoho.records where module = 'Leads'`)).map((r) => [r.id as string, r.data]));
const count = async (module: string) => (await q(`select count(*)::int as n from sandbox_zoho.records where module = $1`, [module]))[0].n as number;

beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(path.join(tmpdir(), 'ltk-convert-'));
  const input = path.join(tmp, 'export');
  await generateLeadtrekker({ outDir: input, leads: 30, seed: 'c' }); // seed c: 3 Won leads among 30
  for (const args of [['extract', '--input', input], ['transform'], ['setup', '--apply'], ['users']]) {
    const r = await cli(args);
    expect(r.exitCode, `${args[0]}: ${r.stderr}`).toBe(0);
  }
  // A fallback owner so leads whose owner has no Zoho user load too (more Won leads to convert).
  const fallback = (await q(`select m.source_email from etl.user_map m join sandbox_zoho.users u on u.id = m.dest_user_id where u.status = 'active' and m.pipeline = $1 order by 1 limit 1`, [P]))[0]
    .source_email;
  const load = await cli(['load', '--fallback-owner', fallback]);
  expect(load.exitCode, load.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('leadtrekker-to-zoho convert (optional, off by default)', () => {
  it('without --convert-status shows the plan and converts nothing', async () => {
    const won = await wonLoaded();
    // The generated export has Won leads among the loaded ones, or this test would prove nothing.
    expect(won.length).toBeGreaterThanOrEqual(2);
    const r = await runCli([P, 'convert', '--json'], { DATABASE_URL: db.url, LTK_CONVERT_STATUS: undefined });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.json.error.code).toBe('CONVERT_NO_RULE');
    expect(r.stderr).toMatch(new RegExp(`Won: ${won.length} loaded, 0 converted`));
    expect(await count('Contacts')).toBe(0);
    expect(await count('Accounts')).toBe(0);
    expect([...(await leadsById()).values()].filter((d) => d.Converted__s === true)).toEqual([]);
    expect((await q(`select count(*)::int as n from etl.load_log where object = 'convert'`))[0].n).toBe(0);
  });

  it('--convert-status Won converts exactly the loaded Won leads into Contacts and Accounts', async () => {
    const won = await wonLoaded();
    const r = await cli(['convert', '--convert-status', 'Won']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json.convert).toMatchObject({ candidates: won.length, converted: won.length, already_converted: 0, failed: 0 });

    const leads = await leadsById();
    const converted = [...leads.entries()].filter(([, d]) => d.Converted__s === true).map(([id]) => id).sort();
    expect(converted).toEqual(won.map((w) => w.dest_id).sort());
    const log = await q(`select source_key, dest_id, action, reason_code, message from etl.load_log where object = 'convert' order by source_key`);
    expect(log.map((l) => [l.source_key, l.action, l.reason_code])).toEqual(won.map((w) => [w.source_key, 'update', 'CONVERTED']));
    const contacts = new Map((await q(`select id, data from sandbox_zoho.records where module = 'Contacts'`)).map((c) => [c.id as string, c.data]));
    const accounts = new Map((await q(`select id, data from sandbox_zoho.records where module = 'Accounts'`)).map((a) => [a.id as string, a.data]));
    for (const l of log) {
      const lead = leads.get(l.dest_id)!;
      const contactId = lead.Converted_Contact?.id as string;
      // The Contact is the lead's person, and the log names it.
      expect(contacts.get(contactId)?.Last_Name, l.source_key).toBe(lead.Last_Name);
      expect(l.message).toContain(`Contact ${contactId}`);
      // A lead with a company became (or joined) the Account of that name.
      if (lead.Company) {
        const accountId = lead.Converted_Account?.id as string;
        expect(accounts.get(accountId)?.Account_Name?.toLowerCase(), l.source_key).toBe(String(lead.Company).toLowerCase());
        expect(l.message).toContain(`Account ${accountId}`);
      }
    }
    // Every Contact and Account in the org came from one of these conversions (Zoho matches
    // an existing Contact by email and an Account by name, so there may be fewer than leads).
    const referencedContacts = new Set(log.map((l) => leads.get(l.dest_id)!.Converted_Contact?.id));
    const referencedAccounts = new Set(log.map((l) => leads.get(l.dest_id)!.Converted_Account?.id).filter(Boolean));
    expect([...contacts.keys()].sort()).toEqual([...referencedContacts].sort());
    expect([...accounts.keys()].sort()).toEqual([...referencedAccounts].sort());
    expect(contacts.size).toBeGreaterThan(0);
  });

  it('a re-run converts nothing, and a lead Zoho says is converted already counts as done', async () => {
    const contacts = await count('Contacts');
    const again = await cli(['convert', '--convert-status', 'won']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.json.convert).toMatchObject({ candidates: 0, converted: 0, failed: 0 });
    expect(await count('Contacts')).toBe(contacts);

    // The answer to a conversion was lost: etl does not know, Zoho does (ID_ALREADY_CONVERTED).
    const [lost] = await wonLoaded();
    await db.pool.query(`delete from etl.load_log where object = 'convert' and source_key = $1`, [lost.source_key]);
    const third = await cli(['convert', '--convert-status', 'Won']);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(third.json.convert).toMatchObject({ candidates: 1, converted: 0, already_converted: 1, failed: 0 });
    const lead = (await leadsById()).get(lost.dest_id)!;
    const row = (await q(`select action, reason_code, message from etl.load_log where object = 'convert' and source_key = $1`, [lost.source_key]))[0];
    expect(row).toMatchObject({ action: 'update', reason_code: 'CONVERTED' });
    expect(row.message).toContain(`Contact ${lead.Converted_Contact.id}`);
    expect(await count('Contacts')).toBe(contacts);
  });
});
