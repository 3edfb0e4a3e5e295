/**
 * A ServiceTracker export in high mess (tools/generate/README.md): the source's files and
 * columns, every kind of mess drawn at random per file, row and value, and manifest.json.
 * ServiceTracker exports no user list: technicians stand in for owners.
 *
 *   npm run generate -- --source servicetracker --mess high --clients 300 --out DIR --seed S
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Progress, Rng } from '../common.ts';
import { withRates } from '../mess/rates.ts';
import { ExportMess, type FileDef } from '../mess/writer.ts';
import { slug, type SourceProfile, type User } from '../mess/values.ts';
import { CITIES, companyName, street, streetText } from '../mess/vocab.ts';
import { TECHNICIANS, TECH_DOMAIN } from '../servicetracker.ts';
import { attachment, makeUsers, nearDuplicate, ref, withDuplicate, withLegal, type HighOptions } from './shared.ts';

const usPhone = (r: Rng) => {
  const a = r.int(201, 989), b = r.int(200, 999), c = r.int(1000, 9999);
  return r.pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `${a}${b}${c}`, `1-${a}-${b}-${c}`]);
};

export const PROFILE: SourceProfile = {
  name: 'servicetracker',
  region: 'us',
  dateOrder: 'mdy',
  dateFormats: ['iso', 'mdy'],
  dateTimeFormats: ['iso_z', 'iso_t', 'mdy'],
  timeZone: 'UTC',
  phone: { cc: '1', national: usPhone, foreign: '+27 82 555 0101' },
  money: { sign: '$', code: 'USD', decimalComma: false },
  encodings: [['utf8', 6], ['utf8_bom', 2]],
  delimiters: [[',', 6], [';', 1], ['\t', 1]],
};

const address = [
  { key: 'street', header: 'Street', droppable: true },
  { key: 'city', header: 'City' },
  { key: 'state', header: 'State' },
  { key: 'zip', header: 'Zip' },
] as const;

export const FILES = {
  clients: {
    file: 'clients.csv',
    required: true,
    columns: [
      { key: 'client_id', header: 'Client ID', required: true },
      { key: 'client_name', header: 'Client Name', required: true },
      ...address,
      { key: 'country', header: 'Country', droppable: true },
      { key: 'phone', header: 'Phone' },
      { key: 'primary_contact_email', header: 'Primary Contact Email', ref: 'contacts.csv:email' },
      { key: 'customer_since', header: 'Customer Since' },
    ],
  },
  contacts: {
    file: 'contacts.csv',
    columns: [
      { key: 'contact_id', header: 'Contact ID', required: true },
      { key: 'client_id', header: 'Client ID', ref: 'clients.csv:client_id' },
      { key: 'first_name', header: 'First Name' },
      { key: 'last_name', header: 'Last Name' },
      { key: 'email', header: 'Email' },
      { key: 'phone', header: 'Phone' },
      { key: 'mobile', header: 'Mobile', droppable: true },
      { key: 'title', header: 'Title', droppable: true },
      ...address,
    ],
  },
  technicians: {
    file: 'technicians.csv',
    columns: [
      { key: 'technician_id', header: 'Technician ID', required: true },
      { key: 'name', header: 'Name', required: true },
      { key: 'email', header: 'Email' },
      { key: 'phone', header: 'Phone' },
      { key: 'territory', header: 'Territory', droppable: true },
      { key: 'schedule', header: 'Schedule', droppable: true },
      { key: 'active', header: 'Active' },
    ],
  },
  work_orders: {
    file: 'work_orders.csv',
    required: true,
    columns: [
      { key: 'work_order_id', header: 'Work Order ID', required: true },
      { key: 'work_order_number', header: 'Work Order Number' },
      { key: 'client_id', header: 'Client ID', required: true, ref: 'clients.csv:client_id' },
      { key: 'service_type', header: 'Service Type' },
      { key: 'status', header: 'Status', required: true },
      { key: 'technician_id', header: 'Technician ID', ref: 'technicians.csv:technician_id' },
      { key: 'scheduled_start', header: 'Scheduled Start' },
      { key: 'completed_at', header: 'Completed At' },
      { key: 'labor_hours', header: 'Labor Hours' },
      { key: 'amount', header: 'Amount' },
      { key: 'description', header: 'Description' },
      { key: 'customer_po', header: 'Customer PO' },
    ],
  },
  contracts: {
    file: 'contracts.csv',
    columns: [
      { key: 'contract_id', header: 'Contract ID', required: true },
      { key: 'client_id', header: 'Client ID', required: true, ref: 'clients.csv:client_id' },
      { key: 'name', header: 'Name' },
      { key: 'type', header: 'Type' },
      { key: 'start_date', header: 'Start Date' },
      { key: 'end_date', header: 'End Date' },
      { key: 'monthly_value', header: 'Monthly Value' },
      { key: 'status', header: 'Status' },
    ],
  },
  assets: {
    file: 'assets.csv',
    columns: [
      { key: 'asset_id', header: 'Asset ID', required: true },
      { key: 'client_id', header: 'Client ID', required: true, ref: 'clients.csv:client_id' },
      { key: 'serial_number', header: 'Serial Number' },
      { key: 'model', header: 'Model', droppable: true },
      { key: 'warranty_expiry', header: 'Warranty Expiry' },
      ...address,
    ],
  },
  parts: {
    file: 'parts.csv',
    columns: [
      { key: 'part_number', header: 'Part Number', required: true },
      { key: 'description', header: 'Description' },
      { key: 'qty_on_hand', header: 'Qty On Hand' },
      { key: 'unit_cost', header: 'Unit Cost' },
    ],
  },
  work_order_parts: {
    file: 'work_order_parts.csv',
    columns: [
      { key: 'work_order_id', header: 'Work Order ID', required: true, ref: 'work_orders.csv:work_order_id' },
      { key: 'part_number', header: 'Part Number', required: true, ref: 'parts.csv:part_number' },
      { key: 'quantity', header: 'Quantity', required: true },
      { key: 'unit_price', header: 'Unit Price', required: true },
    ],
  },
  service_history: {
    file: 'service_history.csv',
    columns: [
      { key: 'entry_id', header: 'Entry ID', required: true },
      { key: 'work_order_id', header: 'Work Order ID', required: true, ref: 'work_orders.csv:work_order_id' },
      { key: 'asset_id', header: 'Asset ID', ref: 'assets.csv:asset_id' },
      { key: 'date', header: 'Date' },
      { key: 'technician_id', header: 'Technician ID', ref: 'technicians.csv:technician_id' },
      { key: 'action', header: 'Action' },
      { key: 'notes', header: 'Notes' },
      { key: 'start', header: 'Start' },
      { key: 'end', header: 'End' },
      { key: 'scheduled', header: 'Scheduled' },
    ],
  },
  attachments: {
    file: 'attachments.csv',
    columns: [
      { key: 'attachment_id', header: 'Attachment ID', required: true },
      { key: 'work_order_id', header: 'Work Order ID', required: true, ref: 'work_orders.csv:work_order_id' },
      { key: 'kind', header: 'Kind' },
      { key: 'file_name', header: 'File Name', required: true },
      { key: 'content_type', header: 'Content Type', droppable: true },
      { key: 'size', header: 'Size' },
      { key: 'path', header: 'Path', ref: 'files/' },
    ],
  },
  portal_users: {
    file: 'portal_users.csv',
    columns: [
      { key: 'username', header: 'Username', required: true },
      { key: 'contact_id', header: 'Contact ID', ref: 'contacts.csv:contact_id' },
      { key: 'email', header: 'Email' },
      { key: 'last_login', header: 'Last Login' },
    ],
  },
} satisfies Record<string, Omit<FileDef, 'expected'>>;

const SERVICE_TYPES = ['HVAC Repair', 'Preventive Maintenance', 'Installation', 'Inspection', 'Emergency Call', 'Plumbing Repair', 'Electrical'];
const STATUSES: [string, number][] = [['Open', 14], ['In Progress', 12], ['On Hold', 5], ['Completed', 30], ['Invoiced', 25]];
const OTHER_STATUSES = ['Awaiting Parts', 'cancelled', 'Warranty Review', 'Quoted'];
const CONTRACT_TYPES = ['Preventive', 'Full Maintenance', 'Inspection Only'];
const MODELS = ['Carrier 24ACC6', 'Trane XR14', 'Lennox EL16XC1', 'Rheem RA1448', 'Goodman GSX14', 'Daikin DX16SA'];
const ACTIONS = ['Diagnosed fault', 'Replaced filter', 'Replaced capacitor', 'Cleaned coils', 'Inspected unit', 'Follow-up visit'];
const PART_NAMES = ['Run Capacitor 45/5 MFD', 'Contactor 2-Pole 30A', 'Air Filter 16x25x1', 'Condenser Fan Motor 1/4 HP', 'Thermostat, Programmable', 'Refrigerant R-410A (lb)', 'Ball Valve 3/4"', 'PVC Coupling 2"'];
const TITLES = ['Facilities Manager', 'Office Manager', 'Owner', 'Operations Director', 'Maintenance Lead', ''];

function laborHours(shape: 'number' | 'decimal_comma' | 'junk' | 'empty', hours: number): string {
  switch (shape) {
    case 'decimal_comma': return hours.toFixed(1).replace('.', ',');
    case 'junk': return 'n/a';
    case 'empty': return '';
    default: return String(hours);
  }
}

export async function generateServicetrackerHigh(opts: HighOptions & { clients: number }): Promise<{ files: Record<string, number> }> {
  const n = Math.max(0, Math.floor(opts.clients));
  const rng = Rng.fromTextMixed(`${opts.seed}/high`);
  const rates = withRates(opts.rates);
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(path.join(opts.outDir, 'files'), { recursive: true });
  const ex = new ExportMess(opts.outDir, rng, rates, PROFILE, Object.values(FILES));
  const progress = new Progress('servicetracker (high mess) clients', n, { enabled: !!opts.progress });
  const day = 86_400_000, hour = 3_600_000;

  const base: User[] = TECHNICIANS.map((t) => ({ id: t.id, name: t.name, email: t.email, active: /^(yes|y|true|1)$/i.test(t.active) }));
  const techs = makeUsers(rng, base, Math.min(150, Math.max(4, Math.ceil(n / 40))), 'us', TECH_DOMAIN, (i) => `T-${String(i + 1).padStart(2, '0')}`);
  const techOrphan = () => `T-${900 + rng.int(0, 99)}`;

  const fTechs = ex.file({ ...FILES.technicians, expected: techs.length });
  for (const t of techs) {
    await withDuplicate(fTechs, rates, {
      technician_id: t.id, name: t.name, email: t.email, phone: fTechs.v.phone(), territory: rng.pick(['North', 'South', 'East', 'West']),
      schedule: rng.pick(['Mon-Fri 7-15', 'Mon-Fri 9-17', 'Tue-Sat 8-16']), active: fTechs.v.bool(t.active),
    }, (r) => ({ ...r, territory: 'Central' }));
  }

  const nParts = Math.min(2000, 20 + Math.ceil(n / 20));
  const partNo = (i: number) => `P-${10000 + i * 7}`;
  const fParts = ex.file({ ...FILES.parts, expected: nParts });
  for (let i = 0; i < nParts; i++) {
    const cost = rng.int(300, 45000) / 100;
    await withDuplicate(fParts, rates, { part_number: partNo(i), description: `${PART_NAMES[i % PART_NAMES.length]}${i >= PART_NAMES.length ? ` #${i}` : ''}`, qty_on_hand: rng.chance(0.1) ? '' : String(rng.int(0, 240)), unit_cost: fParts.v.money(cost) }, (r) => ({ ...r, qty_on_hand: '0' }));
  }

  const fClients = ex.file({ ...FILES.clients, expected: n });
  const fContacts = ex.file({ ...FILES.contacts, expected: n * 2 });
  const fPortal = ex.file({ ...FILES.portal_users, expected: Math.ceil(n * 0.6) });
  const fAssets = ex.file({ ...FILES.assets, expected: n });
  const fContracts = ex.file({ ...FILES.contracts, expected: Math.ceil(n * 0.4) });
  const fWo = ex.file({ ...FILES.work_orders, expected: Math.ceil(n * 1.3) });
  const fWop = ex.file({ ...FILES.work_order_parts, expected: n });
  const fHist = ex.file({ ...FILES.service_history, expected: n * 2 });
  const fAtts = ex.file({ ...FILES.attachments, expected: n });
  const clientOrphan = () => `C-${900000 + rng.int(0, 99999)}`;
  let contactSeq = 2000, woSeq = 50000, contractSeq = 700, assetSeq = 9000, entrySeq = 1, attSeq = 1;
  let prev: { name: string; street: ReturnType<typeof street>; city: readonly [string, string, string]; zip: string } | undefined;

  for (let c = 0; c < n; c++) {
    const clientId = `C-${1001 + c}`;
    const vc = fClients.v;
    // A duplicate cluster: the previous client again under another id, its name respelled and
    // its street written another way (St / Street / ST.).
    const cluster = prev && fClients.t.hit('client.duplicate_cluster', rates.nearDuplicate);
    const name = cluster ? nearDuplicate(rng, prev!.name, 'us') : withLegal(rng, companyName('us', c), 'us');
    const st = cluster ? prev!.street : street(rng);
    const city = cluster ? prev!.city : rng.pick(CITIES.us);
    const zip = cluster ? prev!.zip : city[2];
    const streetWritten = cluster ? (rng.chance(0.5) ? streetText(st, rng.int(1, 3)) : streetText(st, rng.int(0, 3)).toUpperCase()) : streetText(st, rng.int(0, 1));
    if (!cluster) prev = { name, street: st, city, zip };
    const domain = `${slug(name).slice(0, 14) || 'client'}${c}.example.com`;
    const malformed = fClients.t.hit('rejected_parent', rates.rejectedParent);

    let primaryEmail = '';
    for (let k = 0, m = rng.int(1, 3); k < m; k++) {
      const id = `CT-${contactSeq++}`;
      const v = fContacts.v;
      const p = v.person();
      const split = v.splitName(p, () => companyName('us', rng.int(0, 5000)));
      const email = v.email(p, contactSeq, domain);
      if (k === 0) primaryEmail = email.trim();
      await withDuplicate(fContacts, rates, {
        contact_id: id, client_id: ref(fContacts, rates, 'client_id', clientId, clientOrphan, malformed), first_name: split.first, last_name: split.last,
        email, phone: v.phone(), mobile: rng.chance(0.5) ? v.phone() : '', title: rng.pick(TITLES),
        street: rng.chance(0.7) ? streetWritten : '', city: city[0], state: city[1], zip,
      }, (r) => ({ ...r, title: 'Owner' }));
      if (rng.chance(0.3)) {
        const user = `${slug(p.first)}${slug(p.last).slice(0, 4)}${contactSeq}`;
        await withDuplicate(fPortal, rates, {
          username: user, contact_id: ref(fPortal, rates, 'contact_id', id, () => `CT-${900000 + rng.int(0, 99999)}`),
          email: fPortal.v.email(p, contactSeq, domain), last_login: rng.chance(0.8) ? fPortal.v.date(fPortal.v.wall(2024, 2025), true) : '',
        }, (r) => ({ ...r, last_login: '' }));
      }
    }
    const primary = fClients.t.hit('orphan:primary_contact_email', rates.orphan) ? `nobody${c}@${domain}` : primaryEmail;
    await withDuplicate(fClients, rates, {
      client_id: clientId, client_name: name, street: streetWritten, city: city[0], state: city[1], zip,
      country: rng.pick(['US', 'USA', 'United States', '', 'U.S.']), phone: vc.phone(), primary_contact_email: primary,
      customer_since: rng.chance(0.7) ? vc.date(vc.wall(2010, 2024)) : '',
    }, (r) => ({ ...r, phone: vc.phone() }), { malformed });

    const assets: string[] = [];
    for (let k = 0, m = rng.int(0, 2); k < m; k++) {
      const id = `A-${assetSeq++}`;
      assets.push(id);
      const v = fAssets.v;
      await withDuplicate(fAssets, rates, {
        asset_id: id, client_id: ref(fAssets, rates, 'client_id', clientId, clientOrphan, malformed), serial_number: `${rng.pick(['SN', 'CX', 'TR'])}${rng.int(100000, 999999)}`,
        model: rng.pick(MODELS), warranty_expiry: rng.chance(0.85) ? v.date(v.wall(2023, 2029)) : '', street: streetWritten, city: city[0], state: city[1], zip,
      }, (r) => ({ ...r, model: rng.pick(MODELS) }));
    }

    if (rng.chance(0.4)) {
      const v = fContracts.v;
      const start = v.wall(2022, 2025);
      const type = rng.pick(CONTRACT_TYPES);
      await withDuplicate(fContracts, rates, {
        contract_id: `K-${contractSeq++}`, client_id: ref(fContracts, rates, 'client_id', clientId, clientOrphan, malformed), name: `${name} ${type}`,
        type: v.enumValue('type', type, ['Time & Materials', 'Legacy']), start_date: v.date(start), end_date: v.date(new Date(start.getTime() + 365 * day)),
        monthly_value: v.money(rng.int(90, 3000)), status: v.enumValue('contract_status', rng.pick(['Active', 'Expired', 'Pending Renewal', 'Cancelled']), ['Suspended']),
      }, (r) => ({ ...r, status: 'Expired' }));
    }

    for (let k = 0, m = rng.int(0, 2); k < m; k++) {
      const woId = String(woSeq++);
      const v = fWo.v;
      const status = fWo.t.hit('status.other', rates.value / 2) ? rng.pick(OTHER_STATUSES) : v.enumValue('status', rng.weighted(STATUSES), []);
      const start = v.wall(2024, 2025);
      const done = /complete|invoiced/i.test(status);
      const hours = rng.int(1, 16) / 2;
      const tech = rng.chance(0.05) ? '' : ref(fWo, rates, 'technician_id', v.owner(techs, 'id', TECH_DOMAIN, 'technician_id'), techOrphan);
      const woMalformed = fWo.t.hit('rejected_parent', rates.rejectedParent);
      await withDuplicate(fWo, rates, {
        work_order_id: woId, work_order_number: `WO-2024-${woSeq - 50000}`, client_id: ref(fWo, rates, 'client_id', clientId, clientOrphan, malformed),
        service_type: v.enumValue('service_type', rng.pick(SERVICE_TYPES), ['Misc']), status, technician_id: tech,
        scheduled_start: v.date(start, true), completed_at: done ? v.date(new Date(start.getTime() + (hours + rng.int(0, 48)) * hour), true) : '',
        labor_hours: laborHours(fWo.t.pick('labor_hours', [['number', 1 - rates.value], ['decimal_comma', rates.value / 3], ['junk', rates.value / 3], ['empty', rates.value / 3]], 'number'), hours),
        amount: v.money(hours * 95 + rng.int(0, 400)), description: v.text(rng.pick(['Unit not cooling', 'Annual PM visit', 'Breaker trips, "hot smell"'])),
        customer_po: rng.chance(0.35) ? `PO-${rng.int(10000, 99999)}` : '',
      }, (r) => ({ ...r, status: 'Invoiced' }), { malformed: woMalformed });

      if (done || rng.chance(0.3)) {
        for (let p = 0, q = rng.int(1, 3); p < q; p++) {
          await fWop.row({
            work_order_id: ref(fWop, rates, 'work_order_id', woId, () => String(9_000_000 + rng.int(0, 999_999)), woMalformed),
            part_number: ref(fWop, rates, 'part_number', partNo(rng.int(0, nParts - 1)), () => `P-${rng.int(0, 999)}X`),
            quantity: rng.chance(rates.value) ? rng.pick(['', 'two', '-1', '1.5']) : String(rng.int(1, 4)), unit_price: fWop.v.money(rng.int(5, 900)),
          });
        }
      }
      for (let h = 0, q = rng.int(1, 3); h < q; h++) {
        const vh = fHist.v;
        const s = new Date(start.getTime() + h * day + rng.int(0, 3) * hour);
        const scheduled = h === 0 && rng.chance(0.6);
        await withDuplicate(fHist, rates, {
          entry_id: `SH-${entrySeq++}`, work_order_id: ref(fHist, rates, 'work_order_id', woId, () => String(9_000_000 + rng.int(0, 999_999)), woMalformed),
          asset_id: assets.length && rng.chance(0.7) ? ref(fHist, rates, 'asset_id', rng.pick(assets), () => `A-${900000 + rng.int(0, 99999)}`) : '',
          date: vh.date(s), technician_id: rng.chance(0.85) ? tech : ref(fHist, rates, 'technician_id', vh.owner(techs, 'id', TECH_DOMAIN, 'technician_id'), techOrphan),
          action: scheduled ? 'Scheduled visit' : rng.pick(ACTIONS), notes: rng.chance(0.6) ? vh.text() : '',
          start: vh.date(s, true), end: scheduled && rng.chance(0.1) ? '' : vh.date(new Date(s.getTime() + rng.int(1, 4) * hour), true), scheduled: vh.bool(scheduled),
        }, (r) => ({ ...r, notes: 'Corrected entry' }));
      }
      for (const kind of ['signature', 'photo', 'report']) {
        if (!rng.chance(kind === 'signature' ? (done ? 0.7 : 0) : kind === 'photo' ? 0.35 : 0.15)) continue;
        const id = `ATT-${attSeq++}`;
        const ext = kind === 'signature' ? 'png' : kind === 'photo' ? 'jpg' : 'pdf';
        const fileName = `${kind}_${id}.${ext}`;
        const a = attachment(fAtts, rates, opts.outDir, woId, fileName, `${kind} for work order ${woId} (${id})\n`);
        await withDuplicate(fAtts, rates, {
          attachment_id: id, work_order_id: ref(fAtts, rates, 'work_order_id', woId, () => String(9_000_000 + rng.int(0, 999_999)), woMalformed),
          kind: fAtts.v.enumValue('kind', kind, ['sketch', 'invoice']), file_name: fileName,
          content_type: ext === 'pdf' ? 'application/pdf' : ext === 'jpg' ? 'image/jpeg' : 'image/png', size: a.size, path: a.path,
        }, (r) => ({ ...r, kind: 'photo' }));
      }
    }
    progress.tick(c + 1);
  }
  progress.done();
  return { files: await ex.finish({ clients: n }) };
}
