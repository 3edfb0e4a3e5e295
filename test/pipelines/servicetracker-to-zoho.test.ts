/**
 * Seed 002 (ServiceTracker -> Zoho CRM), row by row: the bundled sample export is loaded into
 * the sandbox org through the real CLI, and each mapping row's promise is checked in
 * sandbox_zoho (records, fields, modules, attachments) against what the export holds.
 */
import parsePhoneNumberFromString from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import seed from '../../pipelines/servicetracker-to-zoho/sandbox-seed.json' with { type: 'json' };

const P = 'servicetracker-to-zoho';
const FALLBACK = 'ops.manager@fieldpro-demo.com';

let db: TestDb;
let load: CliResult;
type Rec = { id: string; data: Record<string, any> };

/** Every record an object wrote, by source_key, as the sandbox org holds it. */
async function records(object: string): Promise<Map<string, Rec>> {
  const { rows } = await db.pool.query(
    `select m.source_key, r.id, r.data from etl.id_map m join sandbox_zoho.records r on r.id = m.dest_id
      where m.pipeline = $1 and m.object = $2`,
    [P, object],
  );
  return new Map(rows.map((r) => [r.source_key as string, { id: r.id as string, data: r.data }]));
}
/** Trimmed, inner whitespace collapsed, as staging cleans text. */
const squish = (v: string | null) => (v ?? '').replace(/\s+/g, ' ').trim() || null;
/** The words of a name, compared without case or dots (`Dr` and `Dr.`, `SMITH` and `Smith`). */
const words = (...parts: (string | null | undefined)[]) =>
  parts.filter(Boolean).join(' ').toLowerCase().replace(/\./g, ' ').split(/\s+/).filter(Boolean);
/** A month-first export's date (mm/dd/yyyy) or an ISO date, as yyyy-mm-dd. */
const isoDate = (v: string) => v.replace(/^(\d{2})\/(\d{2})\/(\d{4})$/, '$3-$1-$2');
const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
const userId = async (email: string) => (await q('select id from sandbox_zoho.users where email = $1', [email]))[0]?.id as string;

beforeAll(async () => {
  db = await createTestDb();
  const env = { DATABASE_URL: db.url };
  for (const step of ['extract', 'transform', 'setup', 'users']) {
    const r = await runCli([P, step, '--json'], env);
    expect(r.exitCode, `${step}: ${r.stderr}`).toBe(0);
  }
  load = await runCli([P, 'load', '--fallback-owner', FALLBACK, '--json'], env);
  expect(load.exitCode, load.stderr).toBe(0);
}, 170_000);

afterAll(async () => {
  await db?.drop();
});

describe('servicetracker-to-zoho (seed 002)', () => {
  it('accounts for every row of every object (loaded, rejected, queued or skipped)', async () => {
    const objects = load.json.objects as Record<string, { extracted: number; loaded: number; already_loaded: number; rejected: number; queued: number; skipped: number }>;
    for (const [name, c] of Object.entries(objects)) {
      expect(c.loaded + c.already_loaded + c.rejected + c.queued + c.skipped, name).toBe(c.extracted);
      const view = (await q(`select count(*)::int as n from servicetracker_to_zoho.${name}`))[0].n;
      expect(c.extracted, name).toBe(view);
    }
    // Nothing in the sample is refused by Zoho: the hard cases end in findings, not failures.
    expect(Object.values(objects).reduce((s, c) => s + c.rejected, 0)).toBe(0);
  });

  it('Client -> Account: name, billing address components, phone; variant spellings merged; primary contact linked', async () => {
    const accounts = await records('accounts');
    const contacts = await records('contacts');
    const clients = await q(`select * from raw_servicetracker.clients`);
    const merged = new Map((await q(`select client_id, account_client_id from stg_servicetracker.clients`)).map((r) => [r.client_id, r.account_client_id]));
    let survivors = 0;
    for (const c of clients) {
      const acc = accounts.get(`clients:${c.client_id}`);
      if (merged.get(c.client_id) !== c.client_id) {
        // a repeated client has no Account of its own; its variant name is a finding
        expect(acc).toBeUndefined();
        expect((await q(`select 1 from dq_servicetracker.duplicate_clients where source_key = $1`, [`clients:${c.client_id}`])).length).toBe(1);
        continue;
      }
      survivors++;
      expect(acc, c.client_id).toBeDefined();
      expect(acc!.data.Account_Name).toBe(squish(c.client_name));
      expect(acc!.data.Billing_Street).toBe(c.street || null);
      expect(acc!.data.Billing_City).toBe(c.city || null);
      expect(acc!.data.Billing_State).toBe(c.state || null);
      expect(acc!.data.Billing_Code).toBe(c.zip || null);
      if (c.phone) {
        // E.164 where libphonenumber-js reads a valid US number, else the phone as exported
        const p = parsePhoneNumberFromString(c.phone, 'US');
        expect(acc!.data.Phone).toBe(p?.isValid() ? p.number : squish(c.phone));
      }
      // US, USA, United States or nothing (the source's country): one name in Zoho
      expect(acc!.data.Billing_Country, c.client_id).toBe('United States');
      // the custom column, typed as a date; nn/nn/yyyy is month-first in ServiceTracker
      expect(acc!.data.Customer_Since ?? null, c.client_id).toBe(c.customer_since ? isoDate(c.customer_since) : null);
    }
    expect(survivors).toBe(accounts.size);
    expect(survivors).toBeLessThan(clients.length);

    // Primary contact email -> the Contact with that email (resolved after contacts loaded).
    let linked = 0;
    for (const c of clients.filter((x) => merged.get(x.client_id) === x.client_id)) {
      const acc = accounts.get(`clients:${c.client_id}`)!;
      const email = (c.primary_contact_email ?? '').trim().toLowerCase();
      const match = [...contacts.values()].find((k) => k.data.Email === email);
      if (!email || !match) {
        expect(acc.data.Primary_Contact ?? null, c.client_id).toBeNull();
        continue;
      }
      linked++;
      expect(contacts.get([...contacts.entries()].find(([, k]) => k.id === acc.data.Primary_Contact?.id)?.[0] ?? '')?.data.Email, c.client_id).toBe(email);
    }
    expect(linked).toBeGreaterThan(survivors / 2);
    // A primary email that is not an address is reported, and links nothing.
    expect((await q(`select count(*)::int as n from dq_servicetracker.invalid_emails where object = 'clients'`))[0].n).toBeGreaterThan(0);
  });

  it('Contact -> Contact: names, email, phones, title, mailing address, Account lookup, owner when the email is a Zoho user', async () => {
    const contacts = await records('contacts');
    const accounts = await records('accounts');
    const raw = await q(`select c.*, s.account_client_id from raw_servicetracker.contacts c left join stg_servicetracker.clients s on s.client_id = c.client_id`);
    expect(contacts.size).toBe(raw.length);
    const fallback = await userId(FALLBACK);
    for (const r of raw) {
      const k = contacts.get(`contacts:${r.contact_id}`)!;
      expect(k, r.contact_id).toBeDefined();
      expect(k.data.Phone).toBe(r.phone || null);
      expect(k.data.Mobile).toBe(r.mobile || null);
      expect(k.data.Title).toBe(r.title || null);
      expect(k.data.Mailing_Zip).toBe(r.zip || null);
      expect(k.data.Technician_Flag).toBe(false);
      const email = (r.email ?? '').trim().toLowerCase();
      // malformed addresses do not reach Zoho
      expect(k.data.Email ?? null).toBe(/^[^\s@]+@[^\s@]+\.[a-z]+$/.test(email) ? email : null);
      if (r.account_client_id) expect(k.data.Account_Name?.id, r.contact_id).toBe(accounts.get(`clients:${r.account_client_id}`)!.id);
      else expect(k.data.Account_Name ?? null).toBeNull();
      if (r.first_name && r.last_name && !/[A-Z]{2}/.test(r.first_name + r.last_name) && !/\./.test(r.first_name)) {
        expect(k.data.First_Name).toBe(r.first_name);
        expect(k.data.Last_Name).toBe(r.last_name);
      }
      // Whatever lib.person_name makes of a title or of capitals, every word written reaches
      // Zoho once and in order: Salutation, First_Name, Last_Name.
      if (r.first_name || r.last_name) expect(words(k.data.Salutation, k.data.First_Name, k.data.Last_Name), r.contact_id).toEqual(words(r.first_name, r.last_name));
      expect(k.data.Last_Name, r.contact_id).toBeTruthy();
      const ownerIsUser = seed.users.some((u) => u.email === email && (u as { status?: string }).status !== 'inactive');
      expect(k.data.Owner?.id, r.contact_id).toBe(ownerIsUser ? await userId(email) : fallback);
    }
    // the office coordinator listed as a client contact is owned by her own Zoho user
    expect([...contacts.values()].some((k) => k.data.Email === 'dana.whitfield@fieldpro-demo.com' && k.data.Owner.id !== fallback)).toBe(true);
    // the hard names are in the sample: titles in First Name, names in capitals, a whole name in Last Name
    expect(raw.some((r) => /^Dr\. /.test(r.first_name))).toBe(true);
    expect(raw.some((r) => r.first_name && r.first_name === r.first_name.toUpperCase() && r.first_name.length > 2)).toBe(true);
    expect(raw.some((r) => !r.first_name && / /.test(r.last_name ?? ''))).toBe(true);
    // a contact with no name at all still has the mandatory Last_Name, and is a finding
    const nameless = raw.filter((r) => !squish(r.first_name) && !squish(r.last_name));
    expect(nameless.length).toBeGreaterThan(0);
    for (const r of nameless)
      expect((await q(`select 1 from dq_servicetracker.findings where category = 'uncertain_name' and source_key = $1`, [`contacts:${r.contact_id}`])).length, r.contact_id).toBe(1);
  });

  it('Work Order -> Deal: number as Deal_Name and its own field, service type, Account and technician lookups, amount, labor hours', async () => {
    const deals = await records('deals');
    const accounts = await records('accounts');
    const techs = await records('technicians');
    const raw = await q(`select w.*, s.account_client_id, t.technician_id as known_tech from raw_servicetracker.work_orders w
      left join stg_servicetracker.clients s on s.client_id = w.client_id left join stg_servicetracker.technicians t on t.technician_id = w.technician_id`);
    expect(deals.size).toBe(raw.length);
    let orphans = 0;
    for (const w of raw) {
      const d = deals.get(`work_orders:${w.work_order_id}`)!.data;
      expect(d.Deal_Name).toBe(w.work_order_number);
      expect(d.Work_Order_Number).toBe(w.work_order_number);
      expect(d.Service_Type).toBe(w.service_type);
      expect(d.Labor_Hours).toBe(Number(w.labor_hours));
      const amount = /^\$?[\d,]+(\.\d+)?$/.test(w.amount) ? Number(w.amount.replace(/[$,]/g, '')) : null;
      expect(d.Amount ?? null, w.work_order_id).toBe(amount);
      expect(d.Closing_Date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(d.Customer_PO ?? null).toBe(w.customer_po || null);
      if (w.account_client_id) expect(d.Account_Name.id).toBe(accounts.get(`clients:${w.account_client_id}`)!.id);
      else {
        // a work order naming a client the export lacks: loaded without an Account, reported
        orphans++;
        expect(d.Account_Name ?? null).toBeNull();
        expect((await q(`select 1 from dq_servicetracker.orphan_values where source_key = $1 and field = 'Client ID' and value = $2`, [`work_orders:${w.work_order_id}`, w.client_id])).length).toBe(1);
      }
      if (w.known_tech) {
        expect(d.Technician.id).toBe(techs.get(`technicians:${w.technician_id}`)!.id);
        expect(techs.get(`technicians:${w.technician_id}`)!.data.Technician_Flag).toBe(true);
      } else expect(d.Technician ?? null).toBeNull();
    }
    expect(orphans).toBeGreaterThan(0);
  });

  it('Work order status -> Deal Stage through the editable map; every stage exists; unmapped values flagged, not failed', async () => {
    const deals = await records('deals');
    const map = new Map((await q(`select lower(servicetracker_status) as k, zoho_stage from servicetracker_to_zoho.map_work_order_stage`)).map((r) => [r.k, r.zoho_stage]));
    const raw = await q(`select work_order_id, status from raw_servicetracker.work_orders`);
    const statuses = new Set(raw.map((r) => r.status));
    for (const s of ['Open', 'In Progress', 'On Hold', 'Completed', 'Invoiced', 'Awaiting Parts', 'cancelled', 'IN PROGRESS']) expect(statuses, s).toContain(s);
    const unmapped = new Set((await q(`select source_key from dq_servicetracker_to_zoho.unmapped_stages`)).map((r) => r.source_key));
    for (const w of raw) {
      const stage = deals.get(`work_orders:${w.work_order_id}`)!.data.Stage;
      const mapped = map.get(w.status.trim().toLowerCase());
      if (mapped) {
        expect(stage).toBe(mapped);
        expect(unmapped.has(`work_orders:${w.work_order_id}`)).toBe(false);
      } else {
        expect(unmapped.has(`work_orders:${w.work_order_id}`), w.status).toBe(true);
        expect(stage).toBe(w.status);
      }
    }
    expect(unmapped.size).toBeGreaterThan(0);
    // Every stage a deal carries is an option of the Stage picklist in the org (setup added them).
    const options = new Set(
      (await q(`select jsonb_array_elements(data->'pick_list')->>'display_value' as v from sandbox_zoho.fields where module = 'Deals' and api_name = 'Stage'`)).map((r) => r.v),
    );
    for (const d of deals.values()) expect(options, d.data.Stage).toContain(d.data.Stage);
  });

  it('Technician -> Contact flagged Technician_Flag; owner is their Zoho user, else the fallback owner; hand-off lists who needs a user', async () => {
    const techs = await records('technicians');
    const raw = await q(`select * from raw_servicetracker.technicians`);
    expect(techs.size).toBe(raw.length);
    const fallback = await userId(FALLBACK);
    const active = new Set(seed.users.filter((u) => (u as { status?: string }).status !== 'inactive').map((u) => u.email));
    const needUser: string[] = [];
    for (const t of raw) {
      const c = techs.get(`technicians:${t.technician_id}`)!.data;
      expect(c.Technician_Flag).toBe(true);
      expect(c.ST_Technician_ID).toBe(t.technician_id);
      expect(c.Territory).toBe(t.territory);
      const email = (t.email ?? '').trim().toLowerCase();
      if (active.has(email)) expect(c.Owner.id, t.technician_id).toBe(await userId(email));
      else {
        expect(c.Owner.id, t.technician_id).toBe(fallback);
        needUser.push(t.technician_id);
      }
    }
    expect(needUser.length).toBeGreaterThan(0);
    const handoff = (await q(`select "Technician ID" as id from servicetracker_to_zoho.handoff_technician_users order by 1`)).map((r) => r.id);
    expect(handoff).toEqual(needUser.sort());
    // their work orders follow them: owned by the fallback owner too
    const deals = await records('deals');
    const wo = (await q(`select work_order_id from raw_servicetracker.work_orders where technician_id = $1 limit 1`, [needUser[0]]))[0];
    if (wo) expect(deals.get(`work_orders:${wo.work_order_id}`)!.data.Owner.id).toBe(fallback);
  });

  it('Contract -> custom module Service_Contracts and Asset -> custom module Assets, with Account lookups and source ids', async () => {
    const mods = (await q(`select api_name from sandbox_zoho.modules where custom and api_name = any($1)`, [['Service_Contracts', 'Assets', 'Deal_Parts']])).map((r) => r.api_name);
    expect(mods.sort()).toEqual(['Assets', 'Deal_Parts', 'Service_Contracts']);
    const accounts = await records('accounts');
    const contracts = await records('service_contracts');
    const rawK = await q(`select k.*, s.account_client_id from raw_servicetracker.contracts k left join stg_servicetracker.clients s on s.client_id = k.client_id`);
    expect(contracts.size).toBe(rawK.length);
    for (const k of rawK) {
      const d = contracts.get(`contracts:${k.contract_id}`)!.data;
      expect(d).toMatchObject({ Name: squish(k.name), Contract_Type: k.type, Contract_Status: k.status, Source_System_ID: k.contract_id });
      expect(d.Start_Date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(d.Monthly_Value).toBe(Number(k.monthly_value.replace(/[$,]/g, '')));
      if (k.account_client_id) expect(d.Account.id).toBe(accounts.get(`clients:${k.account_client_id}`)!.id);
    }
    // month-first dates read month-first
    const us = rawK.find((k) => /^\d\d\/\d\d\/\d{4}$/.test(k.start_date))!;
    const [mm, dd, yyyy] = us.start_date.split('/');
    expect(contracts.get(`contracts:${us.contract_id}`)!.data.Start_Date).toBe(`${yyyy}-${mm}-${dd}`);

    const assets = await records('assets');
    const rawA = await q(`select a.*, s.account_client_id from raw_servicetracker.assets a left join stg_servicetracker.clients s on s.client_id = a.client_id`);
    expect(assets.size).toBe(rawA.length);
    for (const a of rawA) {
      const d = assets.get(`assets:${a.asset_id}`)!.data;
      expect(d).toMatchObject({ Serial_Number: a.serial_number, Model: a.model, Location_Street: a.street, Location_Zip: a.zip, Source_System_ID: a.asset_id });
      expect(d.Warranty_Expiry ?? null).toEqual(a.warranty_expiry ? expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) : null);
      if (a.account_client_id) expect(d.Account.id).toBe(accounts.get(`clients:${a.account_client_id}`)!.id);
    }
  });

  it('Part -> Product (code, description, unit cost, quantity on hand); parts per work order -> Deal_Parts with deal, product, quantity, price', async () => {
    const products = await records('products');
    const rawP = await q(`select * from raw_servicetracker.parts`);
    expect(products.size).toBe(rawP.length);
    for (const p of rawP) {
      const d = products.get(`parts:${p.part_number}`)!.data;
      expect(d).toMatchObject({ Product_Code: p.part_number, Product_Name: p.description, Unit_Price: Number(p.unit_cost.replace('$', '')) });
      expect(d.Inventory_Qty ?? null).toBe(p.qty_on_hand ? Number(p.qty_on_hand) : null);
    }
    const lines = await records('deal_parts');
    const deals = await records('deals');
    const rawL = await q(`select * from raw_servicetracker.work_order_parts`);
    expect(lines.size).toBe(rawL.length);
    let unknown = 0;
    for (const l of rawL) {
      const d = lines.get(`work_order_parts:${l.work_order_id}:${l.part_number}`)!.data;
      expect(d.Deal.id).toBe(deals.get(`work_orders:${l.work_order_id}`)!.id);
      expect(d.Quantity).toBe(Number(l.quantity));
      expect(d.Unit_Price).toBe(Number(l.unit_price));
      expect(d.Part_Number).toBe(l.part_number);
      if (products.has(`parts:${l.part_number}`)) expect(d.Product.id).toBe(products.get(`parts:${l.part_number}`)!.id);
      else {
        unknown++;
        expect(d.Product ?? null).toBeNull();
      }
    }
    expect(unknown).toBeGreaterThan(0);
  });

  it('Service history -> Tasks (Service Call, original time, Deal + Account, technician) and scheduled visits -> Events with start and end', async () => {
    const tasks = await records('tasks');
    const events = await records('events');
    const deals = await records('deals');
    const techs = await records('technicians');
    const raw = await q(`select h.*, coalesce(nullif(h.technician_id, ''), w.technician_id) as tech, s.account_client_id
      from raw_servicetracker.service_history h join raw_servicetracker.work_orders w on w.work_order_id = h.work_order_id
      left join stg_servicetracker.clients s on s.client_id = w.client_id`);
    const accounts = await records('accounts');
    let withEnd = 0;
    let noEnd = 0;
    for (const h of raw) {
      const scheduled = /^(yes|y|true|1)$/i.test((h.scheduled ?? '').trim());
      const rec = (scheduled ? events : tasks).get(`service_history:${h.entry_id}`);
      expect(rec, h.entry_id).toBeDefined();
      const d = rec!.data;
      const deal = deals.get(`work_orders:${h.work_order_id}`)!;
      expect(d.What_Id.id).toBe(deal.id);
      expect(d.$se_module).toBe('Deals');
      expect(d.Related_Account?.id ?? null).toBe(h.account_client_id ? accounts.get(`clients:${h.account_client_id}`)!.id : null);
      if (techs.has(`technicians:${h.tech}`)) expect(d.Who_Id.id).toBe(techs.get(`technicians:${h.tech}`)!.id);
      const start = String(h.start).replace('Z', '+00:00');
      if (scheduled) {
        expect(d.Start_DateTime).toBe(start);
        if (h.end) {
          withEnd++;
          expect(d.End_DateTime).toBe(h.end.replace('Z', '+00:00'));
        } else {
          noEnd++;
          expect(Date.parse(d.End_DateTime) - Date.parse(d.Start_DateTime)).toBe(3_600_000);
        }
      } else {
        expect(d.Task_Type).toBe('Service Call');
        expect(d.ST_Original_Time).toBe(start);
        expect(d.Subject).toContain(deal.data.Deal_Name);
      }
    }
    expect(tasks.size + events.size).toBe(raw.length);
    expect(withEnd).toBeGreaterThan(0);
    expect(noEnd).toBeGreaterThan(0);
  });

  it('Attachments and signatures -> files on the Deal; over the 20 MB limit -> hand-off list and a reference field on the deal', async () => {
    const deals = await records('deals');
    const raw = await q(`select * from raw_servicetracker.attachments`);
    const files = await q(`select a.record_id, a.module, a.file_name, a.size, m.source_key from sandbox_zoho.attachments a
      join etl.id_map m on m.pipeline = $1 and m.object = 'attachments' and m.dest_id = a.id`, [P]);
    const byKey = new Map(files.map((f) => [f.source_key, f]));
    const limit = 20 * 1024 * 1024;
    const over = raw.filter((a) => Number(a.size) > limit);
    expect(over.length).toBeGreaterThan(0);
    expect(raw.some((a) => a.kind === 'signature' && Number(a.size) <= limit)).toBe(true);
    for (const a of raw) {
      const deal = deals.get(`work_orders:${a.work_order_id}`)!;
      if (Number(a.size) > limit) {
        expect(byKey.has(`attachments:${a.attachment_id}`)).toBe(false);
        expect(deal.data.Oversize_Attachments).toContain(a.file_name);
        expect(deal.data.Oversize_Attachments).toContain(a.path);
      } else {
        const f = byKey.get(`attachments:${a.attachment_id}`);
        expect(f, a.attachment_id).toBeDefined();
        expect(f).toMatchObject({ module: 'Deals', record_id: deal.id, file_name: a.file_name, size: Number(a.size) });
      }
    }
    const handoff = (await q(`select "Attachment ID" as id from servicetracker_to_zoho.handoff_oversize_attachments order by 1`)).map((r) => r.id);
    expect(handoff).toEqual(over.map((a) => a.attachment_id).sort());
    expect(load.json.objects.attachments.skipped).toBe(over.length);
  });

  it('Customer portal users -> no equivalent: the contacts migrate; usernames and the admin checklist go to the hand-off', async () => {
    const contacts = await records('contacts');
    const raw = await q(`select * from raw_servicetracker.portal_users`);
    const handoff = await q(`select * from servicetracker_to_zoho.handoff_portal_users`);
    expect(handoff.map((h) => h.Username).sort()).toEqual(raw.map((r) => r.username).sort());
    for (const r of raw.filter((x) => x.contact_id)) expect(contacts.has(`contacts:${r.contact_id}`), r.username).toBe(true);
    const checklist = await q(`select "What to do" as t from servicetracker_to_zoho.handoff_admin_checklist`);
    expect(checklist.some((c) => c.t.includes(`invite the ${raw.length} portal user(s)`))).toBe(true);
  });

  it('re-running load writes nothing', async () => {
    const again = await runCli([P, 'load', '--fallback-owner', FALLBACK, '--json'], { DATABASE_URL: db.url });
    expect(again.exitCode, again.stderr).toBe(0);
    for (const [name, c] of Object.entries(again.json.objects as Record<string, { loaded: number }>)) expect(c.loaded, name).toBe(0);
  });
});
