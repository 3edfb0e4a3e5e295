/**
 * Seed 000 (Leadtrekker -> Zoho CRM), row by row: the bundled sample export is loaded into the
 * sandbox org through the real CLI, and each row's fields are read back from sandbox_zoho.
 * Expected values are computed from the raw export, not written down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { allSteps } from '../../engine/steps/index.ts';
import type { StepContext } from '../../engine/steps/context.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { convert } from '../../pipelines/leadtrekker-to-zoho/convert.ts';

let db: TestDb;
let load: any;
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
/** The sandbox record written for a source key, or undefined. */
const rec = async (object: string, key: string) =>
  (await q(`select r.data, r.id from etl.id_map m join sandbox_zoho.records r on r.id = m.dest_id where m.object = $1 and m.source_key = $2`, [object, key]))[0];
const userId = async (email: string) => (await q(`select id from sandbox_zoho.users where email = $1`, [email]))[0]?.id;

beforeAll(async () => {
  db = await createTestDb();
  for (const step of ['extract', 'transform', 'setup', 'users']) {
    const r = await runCli(['leadtrekker-to-zoho', step], { DATABASE_URL: db.url });
    expect(r.exitCode, `${step}: ${r.stderr}`).toBe(0);
  }
  const r = await runCli(['leadtrekker-to-zoho', 'load', '--json'], { DATABASE_URL: db.url });
  expect(r.exitCode, r.stderr).toBe(0);
  load = r.json.objects;
}, 240_000);
afterAll(async () => {
  await db?.drop();
});

describe('seed 000: Leadtrekker -> Zoho CRM', () => {
  it('accounts for every record of every object (loaded, rejected with a reason, or queued)', async () => {
    for (const name of ['leads', 'calls', 'email_tasks', 'notes', 'reminder_tasks', 'attachments']) {
      const c = load[name];
      expect(c, name).toBeDefined();
      expect(c.loaded + c.already_loaded + c.rejected + c.queued + c.skipped, name).toBe(c.extracted);
      expect(c.loaded, name).toBeGreaterThan(0);
    }
    const leadIds = (await q(`select count(distinct btrim(lead_id))::int as n from raw_leadtrekker.leads`))[0].n;
    expect(load.leads.extracted).toBe(leadIds);
  });

  it('Lead -> Lead: name split on the first space, email, phone, status, source, owner, creation time', async () => {
    const raws = await q(`select lead_id, name, email, phone, status, source, owner, created from raw_leadtrekker.leads
                           where name ~ '^[A-Z][a-zë]+ [A-Z][a-zü]+$' and owner in ('thandi@ltk-demo.co.za', 'johan@ltk-demo.co.za', 'marie@ltk-demo.co.za')
                             and created ~ '^\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}$' and email ~ '^[a-z.]+\\d+@' order by lead_id limit 5`);
    expect(raws.length).toBeGreaterThan(0);
    for (const raw of raws) {
      const r = await rec('leads', `leads:${raw.lead_id}`);
      expect(r, raw.lead_id).toBeDefined();
      const [first, last] = raw.name.split(' ');
      expect(r.data.First_Name).toBe(first);
      expect(r.data.Last_Name).toBe(last);
      expect(r.data.Email).toBe(raw.email);
      // E.164 for South African numbers: national 0xx... becomes +27xx...
      const digits = (raw.phone ?? '').replace(/\D/g, '');
      if (digits) expect(r.data.Phone).toBe(`+${digits.startsWith('27') ? digits : `27${digits.replace(/^0/, '')}`}`);
      else expect(r.data.Phone ?? null).toBeNull();
      expect(r.data.LTK_Original_Status).toBe(raw.status);
      expect(r.data.Owner?.id).toBe(await userId(raw.owner));
      const [, dd, mm, yyyy, hh, mi] = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(raw.created)!;
      // Africa/Johannesburg is UTC+2 all year
      expect(new Date(r.data.LTK_Created_Time).toISOString()).toBe(new Date(`${yyyy}-${mm}-${dd}T${hh}:${mi}:00+02:00`).toISOString());
    }
  });

  it('Lead Status: mapped where Zoho has one, else the label kept; probability from statuses.csv', async () => {
    const rows = await q(`select l.lead_id, l.status from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id and m.object = 'leads'`);
    const byStatus = new Map<string, string>();
    for (const r of rows) byStatus.set(r.status, r.lead_id);
    const expectStatus: Record<string, [string, number]> = { New: ['Not Contacted', 10], Contacted: ['Contacted', 20], Qualified: ['Pre-Qualified', 40], Won: ['Won', 100], 'Proposal Sent': ['Proposal Sent', 60] };
    for (const [status, [zoho, pct]] of Object.entries(expectStatus)) {
      const id = byStatus.get(status);
      expect(id, status).toBeDefined();
      const r = await rec('leads', `leads:${id}`);
      expect(r.data.Lead_Status).toBe(zoho);
      expect(r.data.LTK_Status_Probability).toBe(pct);
    }
    // 'On Hold' is in no map and not in statuses.csv: label kept, no probability, reported
    const onHold = byStatus.get('On Hold');
    if (onHold) {
      const r = await rec('leads', `leads:${onHold}`);
      expect(r.data.Lead_Status).toBe('On Hold');
      expect(r.data.LTK_Status_Probability ?? null).toBeNull();
    }
    const unmapped = await q(`select distinct value from dq_leadtrekker_to_zoho.findings where category = 'unmapped_value' and field = 'Lead_Status'`);
    expect(unmapped.map((u) => u.value).sort()).toEqual(expect.arrayContaining(['Negotiation', 'On Hold', 'Proposal Sent', 'Won']));
  });

  it('Lead Source: unmapped sources keep their label and the picklist is extended before import', async () => {
    const r = (await q(`select l.lead_id from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id and m.object = 'leads' where l.source = 'Radio 702' limit 1`))[0];
    expect(r).toBeDefined();
    expect((await rec('leads', `leads:${r.lead_id}`)).data.Lead_Source).toBe('Radio 702');
    const ref = (await q(`select l.lead_id from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id and m.object = 'leads' where l.source = 'Referral' limit 1`))[0];
    expect((await rec('leads', `leads:${ref.lead_id}`)).data.Lead_Source).toBe('External Referral');
    const picklist = JSON.stringify((await q(`select data from sandbox_zoho.fields where module = 'Leads' and api_name = 'Lead_Source'`))[0] ?? {});
    for (const v of ['Radio 702', 'Walk-in', 'Website Form', 'Google Ads']) expect(picklist).toContain(v);
  });

  it('odd names: honorifics, "Last, First", single words, capitals', async () => {
    const rows = await q(`select l.lead_id, l.name from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id and m.object = 'leads'`);
    const comma = rows.find((r) => /^[^,]+, [^,]+$/.test(r.name));
    expect(comma).toBeDefined();
    const [last, first] = comma.name.split(', ');
    const c = await rec('leads', `leads:${comma.lead_id}`);
    expect([c.data.First_Name, c.data.Last_Name]).toEqual([first, last]);
    const hon = rows.find((r) => /^(Dr|Mr|Mrs|Ms|Prof|Adv)\.? /.test(r.name));
    expect(hon).toBeDefined();
    const h = await rec('leads', `leads:${hon.lead_id}`);
    expect(h.data.Salutation).toMatch(/^(Dr|Mr|Mrs|Ms|Prof|Adv)\.$/);
    expect(hon.name.endsWith(`${h.data.First_Name} ${h.data.Last_Name}`)).toBe(true);
    const single = rows.find((r) => /^\S+$/.test(r.name.trim()));
    expect(single).toBeDefined();
    const s = await rec('leads', `leads:${single.lead_id}`);
    expect(s.data.Last_Name).toBe(single.name.trim());
    expect(s.data.First_Name ?? null).toBeNull();
    const uncertain = await q(`select source_key, message from dq_leadtrekker.findings where category = 'uncertain_name'`);
    expect(uncertain.some((u) => u.source_key === `leads:${single.lead_id}`)).toBe(true);
    // no name at all: rejected with the reason (Last_Name is mandatory)
    const nameless = await q(`select source_key, reason_code from etl.rejects where object = 'leads' and reason_code = 'MISSING_LAST_NAME'`);
    const rawNameless = (await q(`select count(distinct lead_id)::int as n from raw_leadtrekker.leads where coalesce(btrim(name), '') = ''`))[0].n;
    expect(nameless.length).toBe(rawNameless);
  });

  it('duplicate and invalid emails: every lead loads, invalid addresses are not sent, both are findings', async () => {
    const dup = await q(`select value, count(*)::int as n from dq_leadtrekker.findings where category = 'duplicate_email' group by value`);
    expect(dup.length).toBeGreaterThan(0);
    const loadedDup = await q(
      `select f.value, count(r.id)::int as n from dq_leadtrekker.findings f
         join etl.id_map m on m.source_key = f.source_key and m.object = 'leads'
         join sandbox_zoho.records r on r.id = m.dest_id and r.data->>'Email' = f.value
        where f.category = 'duplicate_email' group by f.value having count(r.id) > 1`,
    );
    expect(loadedDup.length).toBeGreaterThan(0);
    const invalid = await q(`select f.source_key, f.value from dq_leadtrekker.findings f join etl.id_map m on m.source_key = f.source_key and m.object = 'leads' where f.category = 'invalid_email'`);
    expect(invalid.length).toBeGreaterThan(0);
    for (const i of invalid) {
      const r = await rec('leads', i.source_key);
      expect(r.data.Email ?? null).toBeNull();
      expect(r.data.Description).toContain(i.value);
    }
  });

  it('User -> User: owners written as a name resolve by users.csv; owners with no Zoho user are queued', async () => {
    const byName = (await q(`select l.lead_id from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id and m.object = 'leads' where l.owner = 'Marie Botha' limit 1`))[0];
    expect(byName).toBeDefined();
    expect((await rec('leads', `leads:${byName.lead_id}`)).data.Owner?.id).toBe(await userId('marie@ltk-demo.co.za'));
    const nobody = await q(`select distinct lead_id from raw_leadtrekker.leads where owner = 'nobody@ltk-demo.co.za'`);
    expect(nobody.length).toBeGreaterThan(0);
    const queue = (await q(`select records from etl.reconciliation_queue where pipeline = 'leadtrekker-to-zoho' and key = 'nobody@ltk-demo.co.za'`))[0];
    expect(queue).toBeDefined();
    const queued = new Set((queue.records as { source_key: string }[]).map((x) => x.source_key));
    for (const n of nobody) {
      expect(queued.has(`leads:${n.lead_id}`)).toBe(true);
      expect(await rec('leads', `leads:${n.lead_id}`)).toBeUndefined();
    }
    // their calls, emails, notes and reminders wait in the queue with them
    const children = await q(
      `select m.object, m.source_key, m.action, m.message from etl.load_log m
        join raw_leadtrekker.activities a on m.source_key in ('calls:' || a.activity_id, 'email_tasks:' || a.activity_id, 'notes:' || a.activity_id)
       where a.lead_id = any($1)`,
      [nobody.map((n) => n.lead_id)],
    );
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) {
      // a row the SQL already rejects (no date) is rejected, whatever its lead
      if (c.action === 'reject') expect(c.message, c.source_key).toMatch(/^UNPARSEABLE_DATE: /);
      else {
        expect(c.action, c.source_key).toBe('queue');
        expect(c.message).toMatch(/^WAITING_FOR_PARENT: /);
      }
    }
    expect(children.some((c) => c.action === 'queue')).toBe(true);
    const roster = await q(`select email, leadtrekker_status from leadtrekker_to_zoho.handoff_users order by email`);
    expect(roster.find((u) => u.email === 'sipho@ltk-demo.co.za')?.leadtrekker_status).toBe('inactive');
    expect(roster.find((u) => u.email === 'thandi@ltk-demo.co.za')?.leadtrekker_status).toBe('active');
  });

  it('Call log -> Calls: type, original start time, duration, disposition, user, linked to the lead', async () => {
    const calls = await q(`select a.activity_id, a.lead_id, a.date, a.duration, a.disposition, a.direction, a."user"
                             from raw_leadtrekker.activities a join etl.id_map m on m.source_key = 'calls:' || a.activity_id and m.object = 'calls'
                            where a.duration ~ '^\\d+$' and a.duration::int > 0 and a.date ~ '^\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}$' limit 5`);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      const r = await rec('calls', `calls:${c.activity_id}`);
      const lead = await rec('leads', `leads:${c.lead_id}`);
      const sec = Number(c.duration);
      expect(r.data.Call_Duration).toBe(`${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`);
      expect(r.data.Call_Type).toBe(c.direction === 'inbound' ? 'Inbound' : 'Outbound');
      expect(r.data.Call_Result).toBe(c.disposition);
      expect(r.data.What_Id?.id).toBe(lead.id);
      expect(r.data.$se_module).toBe('Leads');
      expect(r.data.Owner?.id).toBe(await userId(c.user.toLowerCase()));
      const [, dd, mm, yyyy, hh, mi] = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(c.date)!;
      expect(new Date(r.data.Call_Start_Time).toISOString()).toBe(new Date(`${yyyy}-${mm}-${dd}T${hh}:${mi}:00+02:00`).toISOString());
    }
    const missed = (await q(`select m.source_key from raw_leadtrekker.activities a join etl.id_map m on m.source_key = 'calls:' || a.activity_id and m.object = 'calls' where a.duration = '0' limit 1`))[0];
    if (missed) expect((await rec('calls', missed.source_key)).data.Call_Type).toBe('Missed');
  });

  it('Email event -> Task: subject, body and headers in Description, direction in a custom field, one per event', async () => {
    const emails = await q(`select a.activity_id, a.lead_id, a.subject, a.body, a.direction, a.email_event from raw_leadtrekker.activities a
                             join etl.id_map m on m.source_key = 'email_tasks:' || a.activity_id and m.object = 'email_tasks' limit 5`);
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) {
      const r = await rec('email_tasks', `email_tasks:${e.activity_id}`);
      expect(r.data.Subject).toBe(e.subject);
      expect(r.data.Description).toContain(e.body.split('\n')[0]); // the From: header
      expect(r.data.LTK_Direction).toBe(e.direction === 'inbound' ? 'Inbound' : 'Outbound');
      expect(r.data.Status).toBe('Completed');
      expect(r.data.What_Id?.id).toBe((await rec('leads', `leads:${e.lead_id}`)).id);
    }
    const perEvent = (await q(`select count(*)::int as n from leadtrekker_to_zoho.email_tasks`))[0].n;
    const rawEmails = (await q(`select count(*)::int as n from raw_leadtrekker.activities where lower(btrim(type)) = 'email'`))[0].n;
    expect(perEvent).toBe(rawEmails);
  });

  it('Note -> Note on the lead, plain text; oversized inline images flagged for hand-off', async () => {
    const rich = (await q(`select a.activity_id, a.lead_id from raw_leadtrekker.activities a join etl.id_map m on m.source_key = 'notes:' || a.activity_id and m.object = 'notes' where a.body like '<p>%' limit 1`))[0];
    expect(rich).toBeDefined();
    const r = await rec('notes', `notes:${rich.activity_id}`);
    expect(r.data.Note_Content).not.toMatch(/<[a-z]/i);
    expect(r.data.Parent_Id?.id).toBe((await rec('leads', `leads:${rich.lead_id}`)).id);
    const images = await q(`select * from leadtrekker_to_zoho.handoff_attachments_over_limit where kind = 'note image'`);
    expect(images.length).toBeGreaterThan(0);
  });

  it('Reminder -> Task: subject, due date, owner; pending -> Not Started, completed -> Completed', async () => {
    const rows = await q(`select r.reminder_id, r.subject, r.due, r.status, r.assigned_to from raw_leadtrekker.reminders r
                           join etl.id_map m on m.source_key = 'reminder_tasks:' || r.reminder_id and m.object = 'reminder_tasks' where r.due ~ '^\\d{2}/\\d{2}/\\d{4}$'`);
    const statuses = new Set<string>();
    for (const x of rows.slice(0, 10)) {
      const t = await rec('reminder_tasks', `reminder_tasks:${x.reminder_id}`);
      const [dd, mm, yyyy] = x.due.split('/');
      expect(t.data.Subject).toBe(x.subject);
      expect(t.data.Due_Date).toBe(`${yyyy}-${mm}-${dd}`);
      expect(t.data.Status).toBe(x.status.toLowerCase() === 'completed' ? 'Completed' : 'Not Started');
      statuses.add(t.data.Status);
      if (x.assigned_to.includes('@')) expect(t.data.Owner?.id).toBe(await userId(x.assigned_to.toLowerCase()));
    }
    expect(rows.length).toBeGreaterThan(0);
  });

  it('activities and reminders on missing leads are rejected with an ORPHAN reason', async () => {
    const orphans = await q(`select activity_id, type from raw_leadtrekker.activities a where not exists (select 1 from raw_leadtrekker.leads l where btrim(l.lead_id) = btrim(a.lead_id))`);
    expect(orphans.length).toBeGreaterThan(0);
    const objectOf: Record<string, string> = { call: 'calls', email: 'email_tasks', note: 'notes' };
    for (const o of orphans) {
      const obj = objectOf[o.type.trim().toLowerCase()]!;
      const rj = (await q(`select reason_code, message from etl.rejects where object = $1 and source_key = $2`, [obj, `${obj}:${o.activity_id}`]))[0];
      expect(rj?.reason_code, o.activity_id).toBe('ORPHAN');
      expect(rj.message).toContain('not in the export');
    }
    expect((await q(`select count(*)::int as n from etl.rejects where object = 'reminder_tasks' and reason_code = 'ORPHAN'`))[0].n).toBeGreaterThan(0);
  });

  it('Attachment -> Attachments with name and type; over the size limit -> queued and on the hand-off list', async () => {
    const big = await q(`select attachment_id from raw_leadtrekker.attachments where size::bigint > 20 * 1024 * 1024`);
    expect(big.length).toBeGreaterThan(0);
    const handoff = await q(`select source_id from leadtrekker_to_zoho.handoff_attachments_over_limit where kind = 'attachment'`);
    expect(handoff.map((h) => h.source_id).sort()).toEqual(big.map((b) => b.attachment_id).sort());
    for (const b of big) {
      const log = (await q(`select action, message from etl.load_log where object = 'attachments' and source_key = $1`, [`attachments:${b.attachment_id}`]))[0];
      expect(log?.action).toBe('queue');
      expect(log.message).toMatch(/OVER_SIZE_LIMIT/);
    }
    const small = (await q(`select a.attachment_id, a.file_name, a.lead_id from raw_leadtrekker.attachments a join etl.id_map m on m.source_key = 'attachments:' || a.attachment_id and m.object = 'attachments' limit 1`))[0];
    expect(small).toBeDefined();
    const lead = await rec('leads', `leads:${small.lead_id}`);
    const up = (await q(`select file_name from sandbox_zoho.attachments where record_id = $1 and file_name = $2`, [lead.id, small.file_name]))[0];
    expect(up?.file_name).toBe(small.file_name);
  });

  it('Custom fields -> custom fields by the confirmed mapping, created in setup', async () => {
    const created = await q(`select api_name from sandbox_zoho.fields where module = 'Leads' and api_name in ('Budget_ZAR', 'Newsletter_Opt_In', 'Preferred_Contact_Date', 'LTK_Original_Status', 'LTK_Status_Probability', 'LTK_Created_Time')`);
    expect(created.length).toBe(6);
    const yes = (await q(`select l.lead_id from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id and m.object = 'leads' where l.newsletter_opt_in = 'Yes' and l.budget_zar ~ '^\\d+$' limit 1`))[0];
    expect(yes).toBeDefined();
    const r = await rec('leads', `leads:${yes.lead_id}`);
    expect(r.data.Newsletter_Opt_In).toBe(true);
    const budget = (await q(`select budget_zar from raw_leadtrekker.leads where lead_id = $1`, [yes.lead_id]))[0].budget_zar;
    expect(r.data.Budget_ZAR).toBe(Number(budget));
    // a budget that is not an amount does not cost the lead: field empty, text kept, a finding
    const tbd = (await q(`select l.lead_id from raw_leadtrekker.leads l join etl.id_map m on m.source_key = 'leads:' || l.lead_id and m.object = 'leads' where l.budget_zar = 'TBD' limit 1`))[0];
    expect(tbd).toBeDefined();
    const t = await rec('leads', `leads:${tbd.lead_id}`);
    expect(t.data.Budget_ZAR ?? null).toBeNull();
    expect(t.data.Description).toContain('TBD');
    expect((await q(`select count(*)::int as n from etl.rejects where object = 'leads' and reason_code = 'CUSTOM_FIELD_INVALID'`))[0].n).toBe(0);
  });

  it('User group -> Role + Profile mapping table; notification triggers and autoresponders -> hand-off inventory', async () => {
    const groups = await q(`select leadtrekker_group, proposed_role, proposed_profile, members, can_edit from leadtrekker_to_zoho.handoff_user_group_roles`);
    const rawGroups = await q(`select distinct "group" from raw_leadtrekker.user_groups`);
    expect(groups.length).toBe(rawGroups.length);
    const support = groups.find((g) => g.leadtrekker_group === 'Support');
    expect(support.can_edit).toBe(false);
    expect(support.proposed_profile).toMatch(/Read Only/);
    expect(support.members).toContain('marie@ltk-demo.co.za');
    const inv = await q(`select kind, name from leadtrekker_to_zoho.handoff_not_migrated`);
    expect(inv.length).toBe((await q(`select count(*)::int as n from raw_leadtrekker.notification_triggers`))[0].n);
    expect(inv.some((i) => i.kind === 'autoresponder')).toBe(true);
  });

  it('DQ findings follow the contract and cover the known hard cases', async () => {
    const cats = new Set((await q(`select category from lib.dq_findings(array['dq_leadtrekker', 'dq_leadtrekker_to_zoho'])`)).map((r) => r.category));
    for (const c of ['duplicate_email', 'invalid_email', 'missing_mandatory', 'uncertain_name', 'unparseable_date', 'orphan', 'unmapped_value', 'owner_without_user', 'over_size_limit', 'company_variants'])
      expect(cats.has(c), c).toBe(true);
    expect(cats.has('dq_view_contract')).toBe(false);
  });

  it('the convert step is off unless asked: not in a full run, and refuses to run without a rule', async () => {
    expect(allSteps).not.toContain('convert');
    expect(Object.keys(leadtrekkerToZoho.steps ?? {})).toContain('convert');
    const saved = process.env.LTK_CONVERT_STATUS;
    delete process.env.LTK_CONVERT_STATUS;
    try {
      const ctx = { flags: { json: false, force: false, strictGates: false }, db, pipeline: leadtrekkerToZoho, log: () => {}, summary: {} } as unknown as StepContext;
      await expect(convert(ctx)).rejects.toMatchObject({ code: 'CONVERT_NO_RULE' });
    } finally {
      if (saved !== undefined) process.env.LTK_CONVERT_STATUS = saved;
    }
    expect((await q(`select count(*)::int as n from etl.load_log where object = 'convert'`))[0].n).toBe(0);
  });
});
