/**
 * Generates a Leadtrekker export (docs/sources.md layout) with the mess real exports carry:
 * variant company spellings, odd names, duplicate and invalid emails, mixed day-first dates
 * and an unparseable one, statuses and sources Zoho does not have, owners with no destination
 * user or written as a user name, activities on missing leads, attachments over the size limit,
 * custom fields, and a few bad rows.
 *
 * Deterministic under the seed (own PRNG, no Math.random) and streaming: every file is written
 * as the leads are produced, so memory stays flat for a million leads.
 *
 *   npm run generate -- --source leadtrekker --leads 300 --out DIR --seed S
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CsvOut, Progress, Rng } from './common.ts';

const csv = (file: string, header: string[]) => new CsvOut(file, header, { delimiter: ';', encoding: 'win1252' });


export interface GenerateOptions {
  outDir: string;
  leads: number;
  seed: string | number;
  /** Progress lines on stderr while it runs (the CLI turns them on). */
  progress?: boolean;
}

export interface GenerateResult {
  files: Record<string, number>;
}

/** Sizes the generator writes for oversized attachments (manifest only) are above this. */
export const OVERSIZE_BYTES = 26 * 1024 * 1024;




// --- Vocabulary.
const FIRST = ['Thabo', 'Lindiwe', 'Pieter', 'Anri', 'Sipho', 'Nomvula', 'Johan', 'Priya', 'Kagiso', 'Zoë', 'André', 'Mpho', 'Naledi', 'Riaan', 'Fatima', 'Bongani', 'Chantelle', 'Themba', 'Elmarie', 'Ayesha', 'Lwazi', 'Karabo', 'Hendrik', 'Thandeka'];
const LAST = ['Nkosi', 'Dlamini', 'Naidoo', 'Botha', 'Mokoena', 'Pillay', 'Venter', 'Khumalo', 'Jacobs', 'Molefe', 'Smit', 'Ndlovu', 'Govender', 'Müller', 'Mthembu', 'Coetzee', 'Zulu', 'Sithole', 'Pretorius', 'Maharaj'];
const PARTICLE_LAST = ['van der Merwe', 'de Villiers', 'van Wyk', 'du Plessis', 'le Roux', 'van den Berg'];
const HONORIFICS = ['Dr', 'Dr.', 'Mr', 'Mrs', 'Ms', 'Prof.', 'Adv.'];
const SUFFIXES = ['Jr.', 'Sr.', 'III'];
const COMPANY_WORDS = ['Acme', 'Karoo', 'Ubuntu', 'Protea', 'Highveld', 'Table Bay', 'Limpopo', 'Sunbird', 'Baobab', 'Drakensberg', 'Springbok', 'Fynbos', 'Kalahari', 'Marula', 'Indaba'];
const COMPANY_KINDS = ['Holdings', 'Logistics', 'Engineering', 'Consulting', 'Motors', 'Foods', 'Security', 'Solar', 'Properties', 'Medical'];
const EMAIL_DOMAINS = ['example.co.za', 'mail.example.com', 'webmail.example.net'];
/** Status labels: the first five are in statuses.csv; 'On Hold' is not; 'contacted' tests case. */
const STATUSES: [string, number][] = [
  ['New', 30], ['Contacted', 25], ['Qualified', 12], ['Proposal Sent', 8], ['Negotiation', 5], ['Won', 7], ['Lost', 8], ['On Hold', 3], ['contacted', 2],
];
const STATUS_PROBABILITIES: [string, string][] = [
  ['New', '10'], ['Contacted', '20%'], ['Qualified', '0.4'], ['Proposal Sent', '60'], ['Negotiation', '75%'], ['Won', '100'], ['Lost', '0'],
];
const SOURCES: [string, number][] = [
  ['Website Form', 30], ['Cold Call', 12], ['Referral', 15], ['Facebook', 10], ['Trade Show', 8], ['Google Ads', 10], ['Walk-in', 5], ['Radio 702', 3], ['', 7],
];
const INDUSTRIES = ['Mining', 'Retail', 'Financial Services', 'Agriculture', 'Tourism', 'Manufacturing', 'Construction'];
const DISPOSITIONS = ['Connected', 'Left voicemail', 'No answer', 'Busy', 'Wrong number', 'Call back later'];

export interface User {
  id: string;
  name: string;
  email: string;
  active: string;
  role: string;
}
/**
 * thandi/johan/sipho/marie exist in the sandbox org (pipelines/leadtrekker-to-zoho/sandbox-seed.json);
 * pieter and lerato do not (their records queue until an admin provisions them).
 */
export const USERS: User[] = [
  { id: 'U1', name: 'Thandi Mokoena', email: 'thandi@ltk-demo.co.za', active: 'Yes', role: 'Sales Manager' },
  { id: 'U2', name: 'Johan Smit', email: 'johan@ltk-demo.co.za', active: 'Yes', role: 'Sales Rep' },
  { id: 'U3', name: 'Sipho Khumalo', email: 'sipho@ltk-demo.co.za', active: 'No', role: 'Sales Rep' },
  { id: 'U4', name: 'Marie Botha', email: 'Marie@ltk-demo.co.za', active: 'Y', role: 'Support' },
  { id: 'U5', name: 'Pieter van der Merwe', email: 'pieter@ltk-demo.co.za', active: 'Yes', role: 'Sales Rep' },
  { id: 'U6', name: 'Lerato Dlamini', email: 'lerato@ltk-demo.co.za', active: '0', role: 'Intern' },
];
const GROUPS: { group: string; members: string[]; view: string; edit: string }[] = [
  { group: 'Sales', members: ['thandi@ltk-demo.co.za', 'johan@ltk-demo.co.za', 'pieter@ltk-demo.co.za', 'sipho@ltk-demo.co.za'], view: 'Yes', edit: 'Yes' },
  { group: 'Support', members: ['marie@ltk-demo.co.za', 'lerato@ltk-demo.co.za'], view: 'Yes', edit: 'No' },
  { group: 'Management', members: ['thandi@ltk-demo.co.za'], view: 'Y', edit: 'Y' },
  { group: 'Interns', members: ['lerato@ltk-demo.co.za'], view: '1', edit: '0' },
];

function weighted(rng: Rng, items: [string, number][]): string {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [v, w] of items) {
    r -= w;
    if (r < 0) return v;
  }
  return items[items.length - 1]![0];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A day-first date in one of the formats Leadtrekker writes (dd/mm/yyyy, with time, ISO). */
function fmtDate(rng: Rng, d: Date, withTime: boolean): string {
  const dd = pad(d.getUTCDate()), mm = pad(d.getUTCMonth() + 1), y = d.getUTCFullYear(), hh = pad(d.getUTCHours()), mi = pad(d.getUTCMinutes());
  const f = rng.int(0, 9);
  if (!withTime) return f < 6 ? `${dd}/${mm}/${y}` : f < 8 ? `${y}-${mm}-${dd}` : `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${y}`;
  if (f < 4) return `${dd}/${mm}/${y} ${hh}:${mi}`;
  if (f < 6) return `${dd}/${mm}/${y}`;
  if (f < 8) return `${y}-${mm}-${dd} ${hh}:${mi}:${pad(d.getUTCSeconds())}`;
  return `${y}-${mm}-${dd}T${hh}:${mi}:00`;
}

function randomDate(rng: Rng, fromYear: number, days: number): Date {
  const base = Date.UTC(fromYear, 0, 1, 7, 0, 0);
  return new Date(base + rng.int(0, days) * 86400000 + rng.int(0, 11 * 3600) * 1000);
}

function fmtDuration(rng: Rng, sec: number): string {
  const f = rng.int(0, 9);
  if (f < 6) return String(sec);
  if (f < 9) return `${pad(Math.floor(sec / 60))}:${pad(sec % 60)}`;
  return `${Math.floor(sec / 3600)}:${pad(Math.floor((sec % 3600) / 60))}:${pad(sec % 60)}`;
}

/** Company base names, one per 4 leads, and the variant spellings a lead may use. */
function companyName(idx: number): string {
  const w = COMPANY_WORDS[idx % COMPANY_WORDS.length]!;
  const k = COMPANY_KINDS[Math.floor(idx / COMPANY_WORDS.length) % COMPANY_KINDS.length]!;
  const n = Math.floor(idx / (COMPANY_WORDS.length * COMPANY_KINDS.length));
  return n ? `${w} ${k} ${n + 1}` : `${w} ${k}`;
}
function companyVariant(rng: Rng, base: string): string {
  switch (rng.int(0, 9)) {
    case 0:
      return base.toUpperCase();
    case 1:
      return `${base} Pty Ltd`;
    case 2:
      return `${base} (Pty) Ltd.`;
    case 3:
      return ` ${base.replace(' ', '  ')} `;
    default:
      return `${base} (Pty) Ltd`;
  }
}

interface Person {
  first: string;
  last: string;
  display: string;
}

/** The name as the export writes it; i picks the messy shapes on a fixed schedule. */
function personName(rng: Rng, i: number): Person {
  const first = rng.pick(FIRST);
  const last = i % 11 === 4 ? rng.pick(PARTICLE_LAST) : rng.pick(LAST);
  let display = `${first} ${last}`;
  switch (i % 23) {
    case 3:
      display = `${rng.pick(HONORIFICS)} ${first} ${last}`;
      break;
    case 6:
      display = `${last}, ${first}`;
      break;
    case 9:
      display = first;
      break;
    case 12:
      display = `${first} ${last}`.toUpperCase();
      break;
    case 15:
      display = `  ${first}   ${last} `;
      break;
    case 18:
      display = `${first} ${last} ${rng.pick(SUFFIXES)}`;
      break;
    case 20:
      display = `${first} ${rng.pick(FIRST)} ${last}`;
      break;
  }
  return { first, last, display };
}

function emailFor(rng: Rng, p: Person, i: number): string {
  const local = `${p.first}.${p.last}`
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z.]+/g, '');
  return `${local}${i}@${rng.pick(EMAIL_DOMAINS)}`;
}

const INVALID_EMAILS = ['no-email', 'john@', 'jane.doe@example', 'a b@example.co.za', 'info@@example.co.za', 'n/a'];

function phone(rng: Rng): string {
  const d = () => pad(rng.int(0, 9999), 4);
  switch (rng.int(0, 4)) {
    case 0:
      return `082 555 ${d()}`;
    case 1:
      return `+27 83 555 ${d()}`;
    case 2:
      return `07${rng.int(1, 9)}555${d()}`;
    case 3:
      return `(011) 555-${d()}`;
    default:
      return `+27215550${pad(rng.int(0, 999), 3)}`;
  }
}

function budget(rng: Rng, i: number): string {
  if (i % 29 === 7) return 'TBD';
  const n = rng.int(1, 500) * 500;
  switch (rng.int(0, 5)) {
    case 0:
      return '';
    case 1:
      return `R${n.toLocaleString('en-US')}.00`;
    case 2:
      return `R ${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},00`;
    case 3:
      return `ZAR ${n}`;
    default:
      return String(n);
  }
}

/** Owner column: mostly an email, sometimes a user's name, an unknown email, or blank. */
function ownerValue(rng: Rng, i: number): string {
  if (i % 17 === 2) return 'nobody@ltk-demo.co.za';
  if (i % 13 === 5) return rng.pick(['Marie Botha', 'Johan Smit', 'Thandi Mokoena']);
  if (i % 31 === 8) return 'Pieter van der Merwe';
  if (i % 41 === 10) return '';
  if (i % 19 === 1) return 'JOHAN@LTK-DEMO.CO.ZA';
  return rng.pick(USERS).email;
}

function userValue(rng: Rng, n: number): string {
  if (n % 53 === 7) return 'Thandi Mokoena';
  if (n % 97 === 11) return 'temp.agent@ltk-demo.co.za';
  return rng.pick(USERS.filter((u) => u.id !== 'U6')).email.toLowerCase();
}

const NOTE_TEXT = [
  'Client asked for a quote on the full package.',
  'Spoke to the PA; decision maker back next week.',
  'Prefers WhatsApp over email. Budget approved in principle.',
  'Sent brochure. Follow up after the board meeting.',
];
const REMINDER_SUBJECTS = ['Follow up on quote', 'Call back re: pricing', 'Send contract', 'Check in after demo', 'Confirm site visit'];

export async function generateLeadtrekker(opts: GenerateOptions): Promise<GenerateResult> {
  const { outDir, leads: n } = opts;
  const rng = Rng.fromText(opts.seed);
  mkdirSync(path.join(outDir, 'files'), { recursive: true });

  const users = csv(path.join(outDir, 'users.csv'), ['User ID', 'Name', 'Email', 'Active', 'Role']);
  for (const u of USERS) await users.row([u.id, u.name, u.email, u.active, u.role]);
  await users.close();

  const groups = csv(path.join(outDir, 'user_groups.csv'), ['Group', 'Member Email', 'Can View', 'Can Edit']);
  for (const g of GROUPS) for (const m of g.members) await groups.row([g.group, m, g.view, g.edit]);
  await groups.close();

  const statuses = csv(path.join(outDir, 'statuses.csv'), ['Status', 'Probability']);
  for (const [s, p] of STATUS_PROBABILITIES) await statuses.row([s, p]);
  await statuses.close();

  const triggers = csv(path.join(outDir, 'notification_triggers.csv'), ['Trigger', 'Event', 'Channel', 'Recipients', 'Group']);
  await triggers.row(['New web lead alert', 'Lead created', 'SMS', 'thandi@ltk-demo.co.za; johan@ltk-demo.co.za', 'Sales']);
  await triggers.row(['Lead assigned', 'Owner changed', 'email', 'owner', 'Sales']);
  await triggers.row(['Autoresponder: thank you for your enquiry', 'Lead created (Website Form)', 'email', 'lead', '']);
  await triggers.row(['Reminder due', 'Reminder due', 'SMS', 'assignee', '']);
  await triggers.row(['Won deal celebration', 'Status changed to Won', 'email', 'Management', 'Management']);
  await triggers.close();

  const leadHeader = ['Lead ID', 'Name', 'Email', 'Phone', 'Cell', 'Company', 'Status', 'Source', 'Owner', 'Group', 'Created', 'Modified', 'Budget (ZAR)', 'Newsletter Opt-in', 'Industry', 'Preferred Contact Date'];
  const leads = csv(path.join(outDir, 'leads.csv'), leadHeader);
  const acts = csv(path.join(outDir, 'activities.csv'), ['Activity ID', 'Lead ID', 'Type', 'Date', 'User', 'Subject', 'Body', 'Duration', 'Disposition', 'Direction', 'Email Event']);
  const rems = csv(path.join(outDir, 'reminders.csv'), ['Reminder ID', 'Lead ID', 'Subject', 'Due', 'Assigned To', 'Status', 'Repeat']);
  const atts = csv(path.join(outDir, 'attachments.csv'), ['Attachment ID', 'Lead ID', 'File Name', 'Content Type', 'Size', 'Path']);

  let actSeq = 0;
  let remSeq = 0;
  let attSeq = 0;
  // A small ring of recent emails, for duplicates (no whole-file memory).
  const recentEmails: string[] = [];
  const leadId = (i: number) => `LT-${100001 + i}`;

  const progress = new Progress('leadtrekker leads', n, { enabled: !!opts.progress });
  for (let i = 0; i < n; i++) {
    progress.tick(i);
    const id = leadId(i);
    const p = personName(rng, i);
    let email = emailFor(rng, p, i);
    if (i % 37 === 12 && recentEmails.length) email = rng.pick(recentEmails);
    else if (i % 43 === 21 && recentEmails.length) email = rng.pick(recentEmails).toUpperCase();
    else if (i % 47 === 30) email = rng.pick(INVALID_EMAILS);
    else if (i % 59 === 3) email = '';
    if (email && !INVALID_EMAILS.includes(email)) {
      recentEmails.push(email.toLowerCase());
      if (recentEmails.length > 50) recentEmails.shift();
    }
    const company = companyVariant(rng, companyName(Math.floor(i / 4) + (rng.chance(0.15) ? rng.int(0, 3) : 0)));
    const created = randomDate(rng, 2022, 1400);
    let createdText = fmtDate(rng, created, true);
    if (i % 71 === 33) createdText = rng.pick(['31/02/2024', 'yesterday', '2024-13-45', '00/00/0000']);
    const modified = new Date(created.getTime() + rng.int(0, 200) * 86400000);
    const status = weighted(rng, STATUSES);
    const name = i % 97 === 50 ? '' : p.display;
    await leads.row([
      id,
      name,
      email,
      rng.chance(0.9) ? phone(rng) : '',
      rng.chance(0.6) ? phone(rng) : '',
      i % 61 === 44 ? 'Smith; Jones & Co' : company,
      status,
      weighted(rng, SOURCES),
      ownerValue(rng, i),
      rng.pick(GROUPS).group,
      createdText,
      fmtDate(rng, modified, true),
      budget(rng, i),
      rng.pick(['Yes', 'No', 'Y', 'N', '1', '0', 'true', '']),
      rng.chance(0.8) ? rng.pick(INDUSTRIES) : '',
      rng.chance(0.5) ? fmtDate(rng, randomDate(rng, 2026, 300), false) : '',
    ]);
    // The export repeats a lead now and then (re-import in Leadtrekker): same ID, later edit.
    if (i % 89 === 60) await leads.row([id, name, email, phone(rng), '', company, 'Contacted', 'Referral', ownerValue(rng, i), 'Sales', createdText, fmtDate(rng, new Date(modified.getTime() + 86400000), true), '', 'Yes', '', '']);

    // Activities: 0..6 per lead (mean 3), some on a lead id that is not in leads.csv.
    const k = rng.int(0, 6);
    for (let a = 0; a < k; a++) {
      actSeq++;
      const target = actSeq % 113 === 17 ? `LT-9${pad(actSeq % 100000, 5)}` : id;
      const when = new Date(created.getTime() + rng.int(0, 120) * 86400000 + rng.int(0, 8 * 3600) * 1000);
      const dateText = actSeq % 157 === 99 ? 'n/a' : fmtDate(rng, when, true);
      const user = userValue(rng, actSeq);
      const type = weighted(rng, [['call', 40], ['email', 35], ['note', 25]]);
      const typeText = actSeq % 9 === 0 ? type.toUpperCase() : actSeq % 7 === 0 ? ` ${type[0]!.toUpperCase()}${type.slice(1)}` : type;
      if (type === 'call') {
        const disp = rng.pick(DISPOSITIONS);
        const sec = disp === 'No answer' || disp === 'Busy' ? 0 : rng.int(20, 3900);
        await acts.row([`A-${actSeq}`, target, typeText, dateText, user, rng.chance(0.8) ? `Call: ${rng.pick(REMINDER_SUBJECTS).toLowerCase()}` : '', rng.chance(0.5) ? rng.pick(NOTE_TEXT) : '', fmtDuration(rng, sec), disp, rng.chance(0.7) ? 'outbound' : 'inbound', '']);
      } else if (type === 'email') {
        const dir = rng.chance(0.6) ? 'outbound' : 'inbound';
        const event = dir === 'inbound' ? 'replied' : rng.pick(['sent', 'opened']);
        const from = dir === 'outbound' ? user : email || 'unknown@example.co.za';
        const to = dir === 'outbound' ? email || 'unknown@example.co.za' : user;
        const subject = rng.pick(['Your quote', 'Re: Your quote', 'Meeting next week', 'Brochure as requested', 'Pricing — updated']);
        const body = `From: ${from}\nTo: ${to}\nSubject: ${subject}\n\nHi ${p.first},\n${rng.pick(NOTE_TEXT)}\nRegards`;
        await acts.row([`A-${actSeq}`, target, typeText, dateText, user, subject, body, '', '', dir, event]);
      } else {
        let body = rng.pick(NOTE_TEXT);
        if (actSeq % 5 === 0) body = `<p><b>Meeting notes</b></p><p>${body}</p><ul><li>R&amp;D interest</li></ul>`;
        // A note with an inline image that is one of the lead's oversized attachments.
        if (i % 50 === 25 && a === 0) body = `<p>Site photos attached</p><img src="site-survey-${i}.tiff">`;
        await acts.row([`A-${actSeq}`, target, typeText, dateText, user, rng.chance(0.5) ? 'Note' : '', body, '', '', '', '']);
      }
    }

    // Reminders: mean 0.5 per lead.
    const r = rng.chance(0.4) ? (rng.chance(0.25) ? 2 : 1) : 0;
    for (let j = 0; j < r; j++) {
      remSeq++;
      const due = new Date(created.getTime() + rng.int(1, 400) * 86400000);
      const target = remSeq % 67 === 40 ? `LT-8${pad(remSeq % 100000, 5)}` : id;
      await rems.row([
        `R-${remSeq}`,
        target,
        rng.pick(REMINDER_SUBJECTS),
        fmtDate(rng, due, rng.chance(0.3)),
        remSeq % 23 === 4 ? 'Johan Smit' : remSeq % 29 === 8 ? 'pieter@ltk-demo.co.za' : rng.pick(USERS.slice(0, 4)).email,
        rng.pick(['pending', 'completed', 'Pending', 'COMPLETED', 'pending']),
        rng.pick(['', '', '', 'weekly', 'monthly']),
      ]);
    }

    // Attachments: ~0.2 per lead; every 50th lead has an oversized scan (manifest only).
    const files: { name: string; type: string; size?: number }[] = [];
    if (rng.chance(0.18)) files.push(rng.pick([{ name: `quote-${i}.pdf`, type: 'application/pdf' }, { name: `id-copy-${i}.jpg`, type: 'image/jpeg' }, { name: `notes ${i}.docx`, type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }, { name: `spreadsheet-${i}.xlsx`, type: '' }]));
    if (i % 50 === 25) files.push({ name: `site-survey-${i}.tiff`, type: 'image/tiff', size: OVERSIZE_BYTES + rng.int(0, 20) * 1024 * 1024 });
    for (const f of files) {
      attSeq++;
      const rel = `${id}/${attSeq}-${f.name}`;
      if (f.size === undefined) {
        const bodyText = `${f.name} for ${id}\r\n`.repeat(rng.int(1, 4));
        mkdirSync(path.join(outDir, 'files', id), { recursive: true });
        writeFileSync(path.join(outDir, 'files', rel), bodyText);
        await atts.row([`ATT-${attSeq}`, id, f.name, f.type, Buffer.byteLength(bodyText), rel]);
      } else {
        await atts.row([`ATT-${attSeq}`, id, f.name, f.type, f.size, rel]);
      }
    }
  }
  // Attachment on a lead that is not in the export.
  attSeq++;
  await atts.row([`ATT-${attSeq}`, 'LT-0000000', 'orphan.pdf', 'application/pdf', 1024, '']);

  const counts: Record<string, number> = { leads: leads.rows, activities: acts.rows, reminders: rems.rows, attachments: atts.rows, users: users.rows, user_groups: groups.rows, statuses: statuses.rows, notification_triggers: triggers.rows };
  await Promise.all([leads.close(), acts.close(), rems.close(), atts.close()]);
  progress.done();
  return { files: counts };
}

