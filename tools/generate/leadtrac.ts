/**
 * Generates a LeadTrac export (docs/sources.md layout: comma-delimited UTF-8, dates mm/dd/yyyy and
 * mm/dd/yyyy hh:mm AM/PM) with the mess real exports carry: companies with parent companies
 * (one parent listed after its child, a three-level chain, a parent id that is not in the
 * export), people linked to several companies, leads with no, one or several people and with
 * none or several marked primary, duplicate and invalid emails, statuses and sources Nutshell
 * does not have, owners with no destination user or written as a user's name, activities naming
 * several parents or a missing one, durations written '12', '12 min' and '0:12:00', custom
 * fields defined in custom_fields.csv and present as columns of leads.csv / people.csv,
 * documents with URLs and DocuSign envelope ids, and workflows.
 *
 * Deterministic under the seed (own PRNG, no Math.random) and streaming: rows are written as
 * they are produced, so memory stays flat (a few small per-lead arrays only).
 *
 *   npm run generate -- --source leadtrac --leads 200 --out DIR --seed S
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CsvOut, Progress, Rng, csvCell } from './common.ts';

const csv = (file: string, header: string[]) => new CsvOut(file, header, { delimiter: ',', encoding: 'utf8' });
const cell = (v: string) => csvCell(v, ',');


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




// --- Vocabulary.
const FIRST = ['James', 'Maria', 'Robert', 'Linda', 'Michael', 'Patricia', 'David', 'Jennifer', 'Carlos', 'Aisha', 'Kevin', 'Nguyen', 'Sofía', 'Jamal', 'Emily', 'Raj', 'Olga', 'Tyrone', 'Hannah', 'Luis'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Garcia', 'Martinez', 'Brown', 'Davis', 'Rodriguez', 'Wilson', 'Anderson', "O'Brien", 'Thompson', 'Nguyen', 'Patel', 'Kowalski', 'Jackson', 'Lee', 'Harris', 'Clark', 'Lewis'];
const CITIES: [string, string, string][] = [
  ['New York', 'NY', '10001'], ['Miami', 'FL', '33101'], ['Dallas', 'TX', '75201'], ['Chicago', 'IL', '60601'], ['Phoenix', 'AZ', '85001'],
  ['Atlanta', 'GA', '30301'], ['Denver', 'CO', '80201'], ['Newark', 'NJ', '07101'], ['Charlotte', 'NC', '28201'], ['Columbus', 'OH', '43004'],
];
const STREETS = ['Main St', 'Oak Ave', 'Maple Dr', 'Broadway', 'Elm St', 'Park Blvd', 'Lakeview Rd', 'Washington Ave'];
const CO_WORDS = ['Summit', 'Liberty', 'Pinnacle', 'Harbor', 'Keystone', 'Evergreen', 'Beacon', 'Frontier', 'Granite', 'Horizon', 'Meridian', 'Redwood', 'Sterling', 'Union', 'Crescent'];
const CO_KINDS = ['Legal Group', 'Law Partners', 'Debt Solutions', 'Financial', 'Credit Services', 'Holdings', 'Advisors', 'Consulting'];
const INDUSTRIES = ['Legal Services', 'Financial Services', 'Debt Settlement', 'Insurance', 'Real Estate', 'Healthcare', ''];
const TITLES = ['Paralegal', 'Attorney', 'Office Manager', 'Client', 'CFO', 'Intake Specialist', 'Owner', ''];
const EMAIL_DOMAINS = ['example.com', 'mail.example.net', 'example.org'];
/** New/Contacted/Qualified/Won/Lost map to Nutshell stages and outcomes; Docs Sent, Enrolled,
 *  Not Interested are custom LeadTrac statuses; On Hold is in no map; 'contacted' tests case-insensitive matching. */
const STATUSES: [string, number][] = [
  ['New', 25], ['Contacted', 20], ['Qualified', 12], ['Docs Sent', 10], ['Enrolled', 10], ['Won', 8], ['Lost', 8], ['Not Interested', 4], ['contacted', 3], ['On Hold', 2],
];
const SOURCES: [string, number][] = [
  ['Web Form', 30], ['Referral', 18], ['Trade Show', 8], ['Google Ads', 14], ['Radio Ad', 6], ['Facebook Lead Ad', 8], ['web form', 3], ['Podcast', 3], ['', 8],
];
const PRODUCTS = ['Debt Settlement', 'Credit Counseling', 'Bankruptcy Review'];
const CONTACT_METHODS = ['Phone', 'Email', 'Text'];
const OUTCOMES = ['Connected', 'Left voicemail', 'No answer', 'Scheduled follow-up', 'Not interested', ''];

export interface User {
  email: string;
  name: string;
  active: string;
}
/**
 * maria/james/priya/angela exist in the sandbox Nutshell (pipelines/leadtrac-to-nutshell/sandbox-seed.json);
 * dwayne (inactive in LeadTrac) and kevin have no Nutshell user. Kevin is written as his name on
 * some leads (resolved through users.csv); temp.agent owns leads but is not in users.csv at all.
 */
export const USERS: User[] = [
  { email: 'maria.lopez@lt-demo.com', name: 'Maria Lopez', active: 'Yes' },
  { email: 'james.carter@lt-demo.com', name: 'James Carter', active: 'Yes' },
  { email: 'priya.shah@lt-demo.com', name: 'Priya Shah', active: 'Y' },
  { email: 'Angela.Bruno@LT-Demo.com', name: 'Angela Bruno', active: 'true' },
  { email: 'dwayne.hollis@lt-demo.com', name: 'Dwayne Hollis', active: 'No' },
  { email: 'kevin.moss@lt-demo.com', name: 'Kevin Moss', active: 'Yes' },
];
const OWNERS: [string, number][] = [
  ['maria.lopez@lt-demo.com', 30], ['james.carter@lt-demo.com', 25], ['priya.shah@lt-demo.com', 18], ['angela.bruno@lt-demo.com', 8],
  ['dwayne.hollis@lt-demo.com', 6], ['Kevin Moss', 5], ['temp.agent@lt-demo.com', 3], ['', 2],
];

const pad = (n: number) => String(n).padStart(2, '0');
const BASE = Date.UTC(2023, 0, 2);
const DAY = 86_400_000;
/** mm/dd/yyyy */
function usDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
}
/** mm/dd/yyyy hh:mm AM/PM (wall-clock time in New York; the export carries no offset). */
function usDateTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `${usDate(ms)} ${pad(h % 12 === 0 ? 12 : h % 12)}:${pad(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

export const CUSTOM_FIELDS: { object: 'Lead' | 'Person'; field: string; type: string; options?: string[] }[] = [
  { object: 'Lead', field: 'Case Number', type: 'text' },
  { object: 'Lead', field: 'Settlement Amount', type: 'number' },
  { object: 'Lead', field: 'Enrollment Date', type: 'date' },
  { object: 'Lead', field: 'Product Interest', type: 'picklist', options: PRODUCTS },
  { object: 'Person', field: 'Preferred Contact Method', type: 'picklist', options: CONTACT_METHODS },
  { object: 'Person', field: 'Birthday', type: 'date' },
  { object: 'Person', field: 'Spouse Name', type: 'text' },
];

export async function generateLeadtrac(opts: GenerateOptions): Promise<GenerateResult> {
  const rng = Rng.fromText(opts.seed);
  const n = Math.max(0, Math.floor(opts.leads));
  mkdirSync(opts.outDir, { recursive: true });
  const out = (f: string) => path.join(opts.outDir, f);

  // Small files first: users, custom field definitions (one defined field has no column), workflows.
  const userCsv = ['Email,Name,Active', ...USERS.map((u) => [u.email, u.name, u.active].map(cell).join(','))];
  writeFileSync(out('users.csv'), userCsv.join('\r\n') + '\r\n');
  const cfRows = [
    ...CUSTOM_FIELDS.map((f) => [f.object, f.field, f.type, (f.options ?? []).join('|')]),
    ['Lead', 'Referral Detail', 'text', ''],
  ];
  writeFileSync(out('custom_fields.csv'), ['Object,Field,Type,Options', ...cfRows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n');
  const workflows = [
    ['New Web Lead Assignment', 'Lead created with Source = Web Form', 'Assign owner round-robin (Maria, James, Priya); send welcome email template "Intro-1"'],
    ['Docs Sent Reminder', 'Status changed to Docs Sent', 'Create task for owner in 2 days: "Follow up on DocuSign envelope"; SMS client reminder'],
    ['Enrollment Welcome', 'Status changed to Enrolled', 'Send DocuSign enrollment packet; create portal login; notify compliance team'],
    ['Stale Lead Alert', 'No activity for 14 days', 'Email owner and manager'],
  ];
  writeFileSync(out('workflows.csv'), ['Name,Trigger,Actions', ...workflows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n');

  // Companies: ~0.4 per lead. Parents point backwards (a parent written before its child) except
  // the pairs below; company 2 is the parent of company 1 (a parent listed after its child), and
  // 3 -> 4 -> 5 is a three-level chain (5 the top, written last).
  const nCompanies = Math.max(6, Math.round(n * 0.4));
  const companies = csv(out('companies.csv'), ['Company ID', 'Name', 'Domain', 'Street', 'City', 'State', 'Zip', 'Industry', 'Employees', 'Parent Company ID']);
  const cid = (i: number) => `C${1000 + i}`;
  for (let i = 1; i <= nCompanies; i++) {
    const name = `${rng.pick(CO_WORDS)} ${rng.pick(CO_KINDS)}${i % 7 === 0 ? ', LLC' : ''}`;
    const slug = name.toLowerCase().replace(/[^a-z]+/g, '') + i;
    const [city, state, zip] = rng.pick(CITIES);
    let parent = '';
    if (i === 1) parent = cid(2);
    else if (i === 3) parent = cid(4);
    else if (i === 4) parent = cid(5);
    else if (i === nCompanies) parent = 'C9999'; // not in the export
    else if (i > 8 && rng.chance(0.12)) parent = cid(rng.int(6, i - 1));
    const domain = rng.chance(0.15) ? '' : rng.chance(0.2) ? `https://www.${slug}.com/` : `${slug}.com`;
    const employees = rng.chance(0.1) ? '' : rng.chance(0.1) ? `${rng.int(1, 9)},${rng.int(100, 999)}` : rng.chance(0.05) ? '50-100' : String(rng.int(2, 900));
    await companies.row([cid(i), name, domain, `${rng.int(10, 9999)} ${rng.pick(STREETS)}`, city, state, zip, rng.pick(INDUSTRIES), employees, parent]);
  }

  // People: ~1.3 per lead, with company links (0, 1 or several; none, one or several primary).
  const nPeople = Math.max(5, Math.round(n * 1.3));
  const people = csv(out('people.csv'), ['Person ID', 'First Name', 'Last Name', 'Email', 'Phone', 'Title', 'Street', 'City', 'State', 'Zip', 'Modified Date', 'Preferred Contact Method', 'Birthday', 'Spouse Name']);
  const personCompanies = csv(out('person_companies.csv'), ['Person ID', 'Company ID', 'Is Primary']);
  const pid = (i: number) => `P${2000 + i}`;
  const personModified: number[] = [0];
  let sharedEmail = '';
  const peopleProgress = new Progress('leadtrac people', nPeople, { enabled: !!opts.progress });
  for (let i = 1; i <= nPeople; i++) {
    peopleProgress.tick(i);
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let email = `${first}.${last}${i}`.toLowerCase().replace(/[^a-z0-9.]/g, '') + '@' + rng.pick(EMAIL_DOMAINS);
    if (i % 23 === 0) email = 'not-an-email';
    else if (i % 29 === 0) email = `${first.toLowerCase()}@example`; // no top-level domain
    else if (i % 31 === 0 && sharedEmail) email = sharedEmail.toUpperCase(); // the same person twice
    else if (i % 17 === 0) email = '';
    if (i === 5) sharedEmail = email;
    const phone = rng.chance(0.1) ? '' : rng.pick([`(${rng.int(201, 989)}) ${rng.int(200, 999)}-${rng.int(1000, 9999)}`, `${rng.int(201, 989)}-${rng.int(200, 999)}-${rng.int(1000, 9999)}`, `+1 ${rng.int(201, 989)} ${rng.int(200, 999)} ${rng.int(1000, 9999)}`, '555-0100 x12']);
    const [city, state, zip] = rng.pick(CITIES);
    const modified = BASE + rng.int(0, 700) * DAY + rng.int(8, 18) * 3_600_000;
    personModified.push(modified);
    const method = rng.chance(0.2) ? '' : rng.chance(0.08) ? 'phone' : rng.pick(CONTACT_METHODS);
    const birthday = rng.chance(0.5) ? '' : rng.chance(0.05) ? '13/45/1980' : usDate(Date.UTC(rng.int(1950, 2000), rng.int(0, 11), rng.int(1, 28)));
    await people.row([
      pid(i), i % 41 === 0 ? '' : first, i % 53 === 0 ? '' : last, email, phone, rng.pick(TITLES),
      rng.chance(0.2) ? '' : `${rng.int(10, 9999)} ${rng.pick(STREETS)}`, city, state, zip,
      i % 37 === 0 ? '' : usDateTime(modified), method, birthday, rng.chance(0.3) ? `${rng.pick(FIRST)} ${last}` : '',
    ]);
    const links = rng.weighted([['0', 15], ['1', 55], ['2', 22], ['3', 8]]);
    const count = Number(links);
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(rng.int(1, nCompanies));
    const primaryMode = rng.weighted([['one', 60], ['none', 25], ['two', 15]]);
    let k = 0;
    for (const c of chosen) {
      const primary = primaryMode === 'one' ? k === count - 1 : primaryMode === 'two' ? k < 2 : false;
      await personCompanies.row([pid(i), cid(c), primary ? rng.pick(['Yes', 'Y', 'true', '1']) : rng.pick(['No', 'N', '', '0'])]);
      k++;
    }
  }
  // a link to a company that is not in the export
  await personCompanies.row([pid(1), 'C8888', 'No']);

  // Leads, their people, activities and documents.
  const leads = csv(out('leads.csv'), ['Lead ID', 'Lead Name', 'Status', 'Source', 'Owner Email', 'Created Date', 'Modified Date', 'Case Number', 'Settlement Amount', 'Enrollment Date', 'Product Interest']);
  const leadPeople = csv(out('lead_people.csv'), ['Lead ID', 'Person ID', 'Is Primary', 'Modified Date']);
  const acts = csv(out('activities.csv'), ['Activity ID', 'Type', 'Lead ID', 'Person ID', 'Company ID', 'Date', 'End Date', 'Duration', 'Outcome', 'Subject', 'Body', 'Location', 'Owner Email']);
  const docs = csv(out('documents.csv'), ['Document ID', 'Lead ID', 'Person ID', 'File Name', 'URL', 'DocuSign Envelope ID']);
  const lid = (i: number) => `L${5000 + i}`;
  let actSeq = 0;
  let docSeq = 0;
  const actOwner = () => rng.weighted(OWNERS.filter(([o]) => o !== ''));
  peopleProgress.done();
  const progress = new Progress('leadtrac leads', n, { enabled: !!opts.progress });
  for (let i = 1; i <= n; i++) {
    progress.tick(i);
    const created = BASE + rng.int(0, 600) * DAY + rng.int(8, 19) * 3_600_000 + rng.int(0, 59) * 60_000;
    const modified = created + rng.int(0, 120) * DAY;
    const status = rng.weighted(STATUSES);
    const owner = rng.weighted(OWNERS);
    const amount = rng.chance(0.4) ? '' : rng.chance(0.05) ? 'TBD' : rng.chance(0.5) ? `$${rng.int(1, 60)},${rng.int(100, 999)}.00` : String(rng.int(1000, 60000));
    const enrolled = status === 'Enrolled' || status === 'Won' ? usDate(modified) : '';
    const product = rng.chance(0.2) ? '' : rng.chance(0.06) ? 'debt settlement' : rng.pick(PRODUCTS);
    // people on the lead: 0 (10%), 1 (55%), 2-3 (35%)
    const nLinked = Number(rng.weighted([['0', 10], ['1', 55], ['2', 25], ['3', 10]]));
    const linked = new Set<number>();
    while (linked.size < Math.min(nLinked, nPeople)) linked.add(rng.int(1, nPeople));
    const firstPerson = [...linked][0];
    const leadName = firstPerson ? `Lead ${i} - ${rng.pick(['Debt relief', 'Consultation', 'Settlement review', 'Enrollment'])}` : `Web inquiry ${i}`;
    await leads.row([lid(i), i % 47 === 0 ? '' : leadName, status, rng.weighted(SOURCES), owner, i % 61 === 0 ? '2023-13-45' : usDateTime(created), usDateTime(modified), rng.chance(0.7) ? `CASE-${10000 + i}` : '', amount, enrolled, product]);
    const primaryMode = rng.weighted([['one', 60], ['none', 25], ['two', 15]]);
    let k = 0;
    for (const p of linked) {
      const primary = primaryMode === 'one' ? k === linked.size - 1 : primaryMode === 'two' ? k < 2 : false;
      await leadPeople.row([lid(i), pid(p), primary ? rng.pick(['Yes', 'Y', 'TRUE']) : rng.pick(['No', '', 'N']), usDateTime(created + rng.int(0, 90) * DAY)]);
      k++;
    }
    // Activities: 0-4 per lead, on the lead, on its person, on a company, or on several.
    const nActs = rng.int(0, 4);
    for (let a = 0; a < nActs; a++) {
      actSeq++;
      const type = rng.weighted([['Call', 30], ['Email', 25], ['Note', 20], ['Meeting', 10], ['Appointment', 8], ['call', 3], ['Fax', 1]]);
      const at = created + rng.int(0, 100) * DAY + rng.int(0, 8) * 3_600_000;
      const person = firstPerson ? pid(firstPerson) : '';
      const company = rng.chance(0.3) ? cid(rng.int(1, nCompanies)) : '';
      const shape = rng.weighted([['lead', 45], ['lead_person', 25], ['all', 10], ['person', 10], ['company', 6], ['none', 2], ['missing', 2]]);
      const leadCol = ['lead', 'lead_person', 'all'].includes(shape) ? lid(i) : shape === 'missing' ? 'L9999' : '';
      const personCol = ['lead_person', 'all', 'person'].includes(shape) ? person : '';
      const companyCol = shape === 'all' || shape === 'company' ? company || cid(rng.int(1, nCompanies)) : '';
      const isCall = /call/i.test(type);
      const isMeeting = type === 'Meeting' || type === 'Appointment';
      const minutes = rng.int(1, 59);
      const duration = isCall || isMeeting ? rng.pick([String(minutes), `${minutes} min`, `0:${pad(minutes)}:00`, '', `${minutes} mins`]) : '';
      const end = isMeeting && rng.chance(0.7) ? usDateTime(at + rng.int(1, 4) * 1_800_000) : '';
      await acts.row([
        `A${7000 + actSeq}`, type, leadCol, personCol, companyCol,
        actSeq % 97 === 0 ? 'sometime' : usDateTime(at), end, duration,
        isCall ? rng.pick(OUTCOMES) : isMeeting ? rng.pick(['Held', 'No-show', 'Rescheduled', '']) : '',
        type === 'Note' ? '' : `${type} re ${leadName}`,
        rng.chance(0.15) ? 'Line one, with a comma\n"Quoted" second line' : `${type} about the file (${rng.pick(['balance review', 'documents', 'payment plan', 'intake'])})`,
        isMeeting ? rng.pick(['Main office', 'Zoom', '123 Main St, Suite 4', '']) : '',
        actSeq % 43 === 0 ? 'nobody@lt-demo.com' : actOwner(),
      ]);
    }
    // Documents: a quarter of the leads, on the lead or on its person.
    if (rng.chance(0.25)) {
      docSeq++;
      const onPerson = firstPerson && rng.chance(0.3);
      const envelope = rng.chance(0.6) ? `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`.toUpperCase() : '';
      const file = rng.pick(['Enrollment Agreement.pdf', 'Hardship Letter.docx', 'Creditor Statement.pdf', 'Signed Authorization.pdf']);
      await docs.row([`D${9000 + docSeq}`, onPerson ? '' : lid(i), onPerson ? pid(firstPerson) : '', file, rng.chance(0.85) ? `https://docs.lt-demo.com/files/${docSeq}/${encodeURIComponent(file)}` : '', envelope]);
    }
  }
  // A document of a lead that is not in the export, and a link to a missing person.
  docSeq++;
  await docs.row([`D${9000 + docSeq}`, 'L9999', '', 'Orphan Agreement.pdf', 'https://docs.lt-demo.com/files/orphan.pdf', '']);
  if (n > 0) await leadPeople.row([lid(1), 'P9999', 'No', usDateTime(BASE)]);

  const files: Record<string, number> = {
    leads: leads.rows, people: people.rows, companies: companies.rows, lead_people: leadPeople.rows, person_companies: personCompanies.rows,
    activities: acts.rows, documents: docs.rows, users: USERS.length, custom_fields: cfRows.length, workflows: workflows.length,
  };
  await Promise.all([companies.close(), people.close(), personCompanies.close(), leads.close(), leadPeople.close(), acts.close(), docs.close()]);
  progress.done();
  return { files };
}

