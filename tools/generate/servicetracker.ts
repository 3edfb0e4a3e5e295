/**
 * A ServiceTracker export folder (docs/sources.md, ServiceTracker), generated: every file
 * the source writes, deterministic for a given seed, streamed row by row so large volumes
 * stay flat in memory, and messy the way real exports are (see MESS below).
 *
 * @example
 * await generateServicetracker({ outDir: '/tmp/st', clients: 300, seed: 2 });
 *
 * CLI: npm run generate -- --source servicetracker --clients 150 --out DIR --seed S
 */
import { createWriteStream, mkdirSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Progress, Rng } from './common.ts';

export interface GenerateOptions {
  outDir: string;
  clients: number;
  seed: number;
  /** Progress lines on stderr while it runs (the CLI turns them on). */
  progress?: boolean;
}

export interface GenerateResult {
  files: Record<string, number>;
}

/**
 * The deliberate mess, so a reader of the sample knows what to look for:
 * - clients repeated under variant spellings (same street + zip, different name punctuation);
 * - contacts with one-word names, all-caps names, titles in the first name, no name at all;
 *   shared and malformed emails;
 * - work order statuses outside the map (`Awaiting Parts`, `cancelled`) and in odd case;
 * - work orders pointing at clients that are not in clients.csv, and at technicians that are not
 *   in technicians.csv; amounts written `$1,234.50` and `TBD`;
 * - technicians whose email is not a Zoho user, one without any email;
 * - attachments over the destination's 20 MB limit, listed in the manifest only (no body);
 * - dates in ISO and `mm/dd/yyyy`; Scheduled written Yes/No/true/1;
 * - two custom-field columns (clients `Customer Since`, work orders `Customer PO`).
 */
export const TECH_DOMAIN = 'fieldpro-demo.com';


function cell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

class CsvOut {
  private readonly ws: WriteStream;
  rows = 0;
  constructor(file: string, header: string[]) {
    this.ws = createWriteStream(file, { encoding: 'utf8' });
    this.ws.write(header.map(cell).join(',') + '\n');
  }
  async row(values: (string | number | null | undefined)[]): Promise<void> {
    this.rows++;
    if (!this.ws.write(values.map(cell).join(',') + '\n')) await once(this.ws, 'drain');
  }
  async close(): Promise<number> {
    this.ws.end();
    await once(this.ws, 'finish');
    return this.rows;
  }
}

const FIRST = ['James', 'Maria', 'Robert', 'Linda', 'Michael', 'Patricia', 'David', 'Jennifer', 'Carlos', 'Aisha', 'Wei', 'Olga', 'Thomas', 'Nancy', 'Kevin', 'Priya', 'Daniel', 'Grace', 'Luis', 'Hannah'];
const LAST = ['Smith', 'Garcia', 'Johnson', 'Nguyen', 'Brown', 'Martinez', "O'Connor", 'Lee', 'Patel', 'Walker', 'Kowalski', 'Rivera', 'Chen', 'Anderson', 'Van der Berg', 'Okafor', 'Hughes', 'Reyes', 'Fischer', 'Turner'];
const BIZ_A = ['Acme', 'Summit', 'Blue Ridge', 'Lakeside', 'Pioneer', 'Harbor', 'Evergreen', 'Northstar', 'Redwood', 'Granite', 'Silver Creek', 'Maple', 'Cedar Point', 'Riverbend', 'Keystone'];
const BIZ_B = ['Dental', 'Bakery', 'Property Management', 'Medical Center', 'Hotel', 'Logistics', 'School District', 'Fitness', 'Brewing Co', 'Apartments', 'Auto Repair', 'Veterinary Clinic', 'Grocers', 'Office Park'];
const SUFFIX = ['LLC', 'Inc.', 'Inc', 'Corp', 'Co.', ''];
const STREETS = ['Main St', 'Oak Ave', 'Pine Rd', 'Elm St', 'Washington Blvd', 'Lake Dr', 'Industrial Pkwy', '2nd Ave', 'Maple Ln', 'Commerce Way'];
const CITIES: [string, string, string][] = [
  ['Denver', 'CO', '802'], ['Austin', 'TX', '787'], ['Columbus', 'OH', '432'], ['Portland', 'OR', '972'], ['Raleigh', 'NC', '276'],
  ['Phoenix', 'AZ', '850'], ['Madison', 'WI', '537'], ['Tampa', 'FL', '336'], ['Boise', 'ID', '837'], ['Albany', 'NY', '122'],
];
const TITLES = ['Facilities Manager', 'Office Manager', 'Owner', 'Operations Director', 'Maintenance Lead', 'Accounts Payable', 'Property Manager', ''];
const SERVICE_TYPES = ['HVAC Repair', 'Preventive Maintenance', 'Installation', 'Inspection', 'Emergency Call', 'Plumbing Repair', 'Electrical'];
/** Status weights: the five names docs/sources.md lists, their odd-case spellings, and values outside the map. */
const STATUSES: [string, number][] = [
  ['Open', 14], ['In Progress', 12], ['On Hold', 5], ['Completed', 30], ['Invoiced', 25],
  ['completed', 3], ['IN PROGRESS', 2], ['Awaiting Parts', 5], ['cancelled', 4],
];
const CONTRACT_TYPES = ['Preventive', 'Full Maintenance', 'Inspection Only'];
const CONTRACT_STATUSES = ['Active', 'Active', 'Active', 'Expired', 'Pending Renewal', 'Cancelled'];
const MODELS = ['Carrier 24ACC6', 'Trane XR14', 'Lennox EL16XC1', 'Rheem RA1448', 'Goodman GSX14', 'York YCE', 'Daikin DX16SA', 'AO Smith GCR-50', 'Generac 7043'];
const ACTIONS = ['Diagnosed fault', 'Replaced filter', 'Replaced capacitor', 'Cleaned coils', 'Recharged refrigerant', 'Inspected unit', 'Customer walkthrough', 'Follow-up visit', 'Tested safety controls'];
const PART_NAMES = ['Run Capacitor 45/5 MFD', 'Contactor 2-Pole 30A', 'Air Filter 16x25x1', 'Condenser Fan Motor 1/4 HP', 'Thermostat Programmable', 'Refrigerant R-410A (lb)', 'Igniter Hot Surface', 'Flame Sensor', 'Blower Wheel 10x8', 'Drain Pan Tablet', 'Pressure Switch', 'Ball Valve 3/4"', 'PVC Coupling 2"', 'Circuit Breaker 20A', 'Expansion Valve TXV'];

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const iso = (d: Date) => d.toISOString().slice(0, 10);
const isoTs = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const usDate = (d: Date) => `${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/${d.getUTCFullYear()}`;
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const addHours = (d: Date, h: number) => new Date(d.getTime() + h * 3_600_000);
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** The technicians of every generated export (the sandbox seed matches some of them by email). */
export const TECHNICIANS = [
  { id: 'T-01', name: 'Marcus Webb', email: `marcus.webb@${TECH_DOMAIN}`, territory: 'North', active: 'Yes' },
  { id: 'T-02', name: 'Elena Sokolova', email: `elena.sokolova@${TECH_DOMAIN}`, territory: 'North', active: 'Yes' },
  { id: 'T-03', name: 'Dwayne Carter', email: `dwayne.carter@${TECH_DOMAIN}`, territory: 'South', active: 'Yes' },
  { id: 'T-04', name: 'Priya Raman', email: `PRIYA.RAMAN@${TECH_DOMAIN}`, territory: 'South', active: 'Y' },
  { id: 'T-05', name: 'Jorge Alvarez', email: `jorge.alvarez@${TECH_DOMAIN}`, territory: 'East', active: 'true' },
  { id: 'T-06', name: 'Kim Tran', email: `kim.tran@${TECH_DOMAIN}`, territory: 'East', active: 'Yes' },
  { id: 'T-07', name: 'Sam', email: '', territory: 'West', active: 'Yes' },
  { id: 'T-08', name: 'Bill Oduya', email: `bill.oduya@gmail.com`, territory: 'West', active: 'No' },
] as const;

/** The ServiceTracker office staff: internal users who also appear as contacts of a client. */
export const OFFICE_STAFF = [{ first: 'Dana', last: 'Whitfield', email: `dana.whitfield@${TECH_DOMAIN}`, title: 'Service Coordinator' }];

export async function generateServicetracker(opts: GenerateOptions): Promise<GenerateResult> {
  const r = new Rng(opts.seed);
  const out = opts.outDir;
  mkdirSync(out, { recursive: true });
  rmSync(path.join(out, 'files'), { recursive: true, force: true });
  mkdirSync(path.join(out, 'files'), { recursive: true });
  const base = new Date(Date.UTC(2024, 0, 2, 8, 0, 0));
  const date = (d: Date) => (r.chance(0.15) ? usDate(d) : iso(d));

  // technicians.csv
  const techs = new CsvOut(path.join(out, 'technicians.csv'), ['Technician ID', 'Name', 'Email', 'Phone', 'Territory', 'Schedule', 'Active']);
  for (const t of TECHNICIANS)
    await techs.row([t.id, t.name, t.email, `(303) 555-${pad(r.int(100, 9999), 4)}`, t.territory, r.pick(['Mon-Fri 7-15', 'Mon-Fri 9-17', 'Tue-Sat 8-16']), t.active]);

  // parts.csv
  const partNumbers: string[] = [];
  const partCost = new Map<string, number>();
  const parts = new CsvOut(path.join(out, 'parts.csv'), ['Part Number', 'Description', 'Qty On Hand', 'Unit Cost']);
  for (const [i, name] of PART_NAMES.entries()) {
    const pn = `P-${10000 + i * 7}`;
    const cost = Math.round(r.int(300, 45000)) / 100;
    partNumbers.push(pn);
    partCost.set(pn, cost);
    await parts.row([pn, name, r.chance(0.1) ? '' : r.int(0, 240), r.chance(0.1) ? `$${cost.toFixed(2)}` : cost.toFixed(2)]);
  }

  const clients = new CsvOut(path.join(out, 'clients.csv'), ['Client ID', 'Client Name', 'Street', 'City', 'State', 'Zip', 'Country', 'Phone', 'Primary Contact Email', 'Customer Since']);
  const contacts = new CsvOut(path.join(out, 'contacts.csv'), ['Contact ID', 'Client ID', 'First Name', 'Last Name', 'Email', 'Phone', 'Mobile', 'Title', 'Street', 'City', 'State', 'Zip']);
  const workOrders = new CsvOut(path.join(out, 'work_orders.csv'), ['Work Order ID', 'Work Order Number', 'Client ID', 'Service Type', 'Status', 'Technician ID', 'Scheduled Start', 'Completed At', 'Labor Hours', 'Amount', 'Description', 'Customer PO']);
  const contracts = new CsvOut(path.join(out, 'contracts.csv'), ['Contract ID', 'Client ID', 'Name', 'Type', 'Start Date', 'End Date', 'Monthly Value', 'Status']);
  const assets = new CsvOut(path.join(out, 'assets.csv'), ['Asset ID', 'Client ID', 'Serial Number', 'Model', 'Warranty Expiry', 'Street', 'City', 'State', 'Zip']);
  const woParts = new CsvOut(path.join(out, 'work_order_parts.csv'), ['Work Order ID', 'Part Number', 'Quantity', 'Unit Price']);
  const history = new CsvOut(path.join(out, 'service_history.csv'), ['Entry ID', 'Work Order ID', 'Asset ID', 'Date', 'Technician ID', 'Action', 'Notes', 'Start', 'End', 'Scheduled']);
  const attachments = new CsvOut(path.join(out, 'attachments.csv'), ['Attachment ID', 'Work Order ID', 'Kind', 'File Name', 'Content Type', 'Size', 'Path']);
  const portal = new CsvOut(path.join(out, 'portal_users.csv'), ['Username', 'Contact ID', 'Email', 'Last Login']);

  let contactSeq = 2000, woSeq = 50000, contractSeq = 700, assetSeq = 9000, entrySeq = 1, attSeq = 1;
  let prev: { name: string; street: string; city: string; state: string; zip: string } | undefined;
  const usernames = new Set<string>();
  let lastEmail = '';
  const progress = new Progress('servicetracker clients', opts.clients, { enabled: !!opts.progress });
  for (let c = 0; c < opts.clients; c++) {
    progress.tick(c);
    const clientId = `C-${1001 + c}`;
    const [city, state, zip3] = r.pick(CITIES);
    // Duplicates: about one client in twenty repeats the previous one under a variant spelling.
    const dup = prev && r.chance(0.05);
    const name = dup
      ? r.pick([prev!.name.toUpperCase(), prev!.name.replace(/,? ?(LLC|Inc\.?|Corp|Co\.)$/, ''), prev!.name.replace(/ /g, '  ') + ' ', prev!.name.replace('&', 'and')])
      : `${r.pick(BIZ_A)} ${r.pick(BIZ_B)} ${r.pick(SUFFIX)}`.trim();
    const street = dup ? prev!.street : `${r.int(10, 9999)} ${r.pick(STREETS)}${r.chance(0.15) ? `, Suite ${r.int(100, 400)}` : ''}`;
    const addr = dup ? prev! : { name, street, city, state, zip: `${zip3}${pad(r.int(1, 99), 2)}` };
    prev = { ...addr, name };
    const domain = `${slug(name).slice(0, 14) || 'client'}${c}.example.com`;

    // contacts of this client (1-3); the first is usually the primary contact
    const nContacts = r.pick([1, 1, 2, 2, 3]);
    const clientContacts: { id: string; email: string }[] = [];
    for (let k = 0; k < nContacts; k++) {
      const id = `CT-${contactSeq++}`;
      let first: string = r.pick(FIRST);
      let last: string = r.pick(LAST);
      const odd = r.next();
      if (odd < 0.04) { first = ''; last = `${r.pick(FIRST)} ${r.pick(LAST)}`; }          // whole name in Last Name
      else if (odd < 0.07) { first = first.toUpperCase(); last = last.toUpperCase(); }
      else if (odd < 0.09) first = `Dr. ${first}`;
      else if (odd < 0.1) { first = ''; last = ''; }                                     // no name at all
      let email = `${slug(first || 'info')}.${slug(last || 'desk')}@${domain}`;
      const e = r.next();
      if (e < 0.05) email = email.replace('@', ' at ');                                   // malformed
      else if (e < 0.08) email = '';
      else if (e < 0.11 && lastEmail) email = lastEmail;                                  // shared with another contact
      else if (e < 0.14) email = `  ${email.toUpperCase()} `;
      lastEmail = email.trim();
      // One client has the ServiceTracker office coordinator as a contact (a Zoho user).
      if (c === 3 && k === 0) {
        const s = OFFICE_STAFF[0]!;
        first = s.first; last = s.last; email = s.email;
      }
      clientContacts.push({ id, email: email.trim() });
      await contacts.row([
        id, r.chance(0.03) ? '' : clientId, first, last, email,
        r.chance(0.8) ? `(${r.int(200, 989)}) 555-${pad(r.int(0, 9999), 4)}` : '',
        r.chance(0.5) ? `+1 ${r.int(200, 989)}-555-${pad(r.int(0, 9999), 4)}` : '',
        k === 0 && c === 3 ? OFFICE_STAFF[0]!.title : r.pick(TITLES),
        r.chance(0.7) ? addr.street : '', r.chance(0.7) ? addr.city : '', addr.state, addr.zip,
      ]);
      if (r.chance(0.3)) {
        let username = `${slug(first || 'user')}${slug(last).slice(0, 4)}${r.int(1, 99)}`;
        while (usernames.has(username)) username += 'x';
        usernames.add(username);
        await portal.row([username, r.chance(0.05) ? '' : id, email.trim(), r.chance(0.8) ? isoTs(addDays(base, r.int(0, 330))) : '']);
      }
    }
    const primary = r.chance(0.08) ? `nobody@${domain}` : r.chance(0.07) ? '' : clientContacts[0]!.email;
    await clients.row([
      clientId, name, addr.street, addr.city, addr.state, addr.zip, r.pick(['US', 'USA', 'United States', '']),
      r.chance(0.9) ? `(${r.int(200, 989)}) 555-${pad(r.int(0, 9999), 4)}` : '', primary,
      r.chance(0.7) ? date(addDays(base, -r.int(100, 3000))) : '',
    ]);

    // assets at the client's site
    const assetIds: string[] = [];
    for (let k = 0, n = r.pick([0, 1, 1, 1, 2]); k < n; k++) {
      const id = `A-${assetSeq++}`;
      assetIds.push(id);
      await assets.row([
        id, clientId, `${r.pick(['SN', 'CX', 'TR'])}${r.int(100000, 999999)}${r.chance(0.1) ? '-B' : ''}`, r.pick(MODELS),
        r.chance(0.85) ? date(addDays(base, r.int(-400, 1500))) : '', addr.street, addr.city, addr.state, addr.zip,
      ]);
    }

    // contracts
    if (r.chance(0.4)) {
      const start = addDays(base, -r.int(0, 700));
      const type = r.pick(CONTRACT_TYPES);
      await contracts.row([
        `K-${contractSeq++}`, clientId, `${name} ${type} ${start.getUTCFullYear()}`, type, date(start), date(addDays(start, 365)),
        r.chance(0.1) ? `$${r.int(1, 3)},${pad(r.int(0, 999), 3)}.00` : `${r.int(90, 990)}.00`, r.pick(CONTRACT_STATUSES),
      ]);
    }

    // work orders
    for (let k = 0, n = r.pick([0, 1, 1, 1, 2, 2]); k < n; k++) {
      const woId = String(woSeq++);
      const woNumber = `WO-${2024}-${pad(woSeq - 50000, 5)}`;
      const statusRoll = r.int(1, STATUSES.reduce((s, [, w]) => s + w, 0));
      let acc = 0;
      const status = STATUSES.find(([, w]) => (acc += w) >= statusRoll)![0];
      const tech = r.chance(0.04) ? 'T-99' : r.chance(0.06) ? '' : r.pick(TECHNICIANS).id;
      const start = addHours(addDays(base, r.int(0, 320)), r.int(0, 9));
      const done = /complete|invoiced/i.test(status);
      const hours = r.int(1, 16) / 2;
      const amount = hours * 95 + r.int(0, 400);
      const amountText = r.chance(0.05) ? 'TBD' : r.chance(0.2) ? `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2 })}` : amount.toFixed(2);
      // A few work orders name a client that the export does not contain (deleted in ServiceTracker).
      const woClient = r.chance(0.03) ? `C-${9000 + r.int(0, 99)}` : clientId;
      const completed = done ? addHours(start, hours + r.int(0, 48)) : undefined;
      await workOrders.row([
        woId, woNumber, woClient, r.pick(SERVICE_TYPES), status, tech, isoTs(start),
        completed ? (r.chance(0.2) ? usDate(completed) : isoTs(completed)) : '', hours, amountText,
        r.pick(['Unit not cooling', 'Annual PM visit', 'Water heater leaking', 'Breaker trips, "hot smell"', 'New thermostat install', 'Noise from blower\nCustomer home after 3pm']),
        r.chance(0.35) ? `PO-${r.int(10000, 99999)}` : '',
      ]);
      if (done || r.chance(0.3)) {
        const used = new Set<string>();
        for (let p = 0, n2 = r.pick([1, 1, 2, 3]); p < n2; p++) {
          const pn = r.chance(0.03) ? 'P-00000' : r.pick(partNumbers);
          if (used.has(pn)) continue;
          used.add(pn);
          const cost = partCost.get(pn) ?? 12.5;
          await woParts.row([woId, pn, r.int(1, 4), (cost * 1.35).toFixed(2)]);
        }
      }
      // service history: a scheduled visit (an Event), then what was done (Tasks)
      for (let h = 0, n3 = r.pick([1, 2, 2, 3]); h < n3; h++) {
        const scheduled = h === 0 && r.chance(0.6);
        const s = addHours(start, h * 24 + r.int(0, 3));
        const e = addHours(s, r.int(1, 4));
        await history.row([
          `SH-${entrySeq++}`, woId, assetIds.length && r.chance(0.7) ? r.pick(assetIds) : '', date(s),
          r.chance(0.1) ? r.pick(TECHNICIANS).id : tech, scheduled ? 'Scheduled visit' : r.pick(ACTIONS),
          r.chance(0.6) ? r.pick(['All good', 'Needs follow-up', 'Customer signed off', 'Part on order, ETA 3 days']) : '',
          isoTs(s), scheduled && r.chance(0.1) ? '' : isoTs(e),
          scheduled ? r.pick(['Yes', 'true', '1', 'Y']) : r.pick(['No', 'false', '0', '']),
        ]);
      }
      // attachments: signature on completed work, photos and reports; some too big for Zoho
      const kinds: string[] = [];
      if (done && r.chance(0.7)) kinds.push('signature');
      if (r.chance(0.35)) kinds.push('photo');
      if (r.chance(0.15)) kinds.push('report');
      for (const kind of kinds) {
        const id = `ATT-${attSeq++}`;
        const big = r.chance(0.06);
        const ext = kind === 'signature' ? 'png' : kind === 'photo' ? 'jpg' : 'pdf';
        const ctype = kind === 'report' ? 'application/pdf' : kind === 'photo' ? 'image/jpeg' : 'image/png';
        const fileName = kind === 'signature' ? `signature_${woNumber}.png` : kind === 'photo' ? `site_photo_${r.int(1, 99)}.${ext}` : `service_report_${woNumber}.pdf`;
        const rel = `${woId}/${id}.${ext}`;
        let size: number;
        if (big) size = r.int(21, 60) * 1024 * 1024 + r.int(0, 999_999); // manifest only: the body is not in the export
        else {
          const body = Buffer.from(`${kind} for work order ${woNumber} (${id})\n`.repeat(r.int(1, 6)), 'utf8');
          mkdirSync(path.join(out, 'files', woId), { recursive: true });
          writeFileSync(path.join(out, 'files', rel), body);
          size = body.length;
        }
        await attachments.row([id, woId, kind, fileName, ctype, size, rel]);
      }
    }
  }

  const files: Record<string, number> = {
    'technicians.csv': await techs.close(),
    'parts.csv': await parts.close(),
    'clients.csv': await clients.close(),
    'contacts.csv': await contacts.close(),
    'work_orders.csv': await workOrders.close(),
    'contracts.csv': await contracts.close(),
    'assets.csv': await assets.close(),
    'work_order_parts.csv': await woParts.close(),
    'service_history.csv': await history.close(),
    'attachments.csv': await attachments.close(),
    'portal_users.csv': await portal.close(),
  };
  progress.done();
  return { files };
}

