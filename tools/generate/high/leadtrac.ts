/**
 * A LeadTrac export in high mess (tools/generate/README.md): the source's files and columns,
 * every kind of mess drawn at random per file, row and value, and manifest.json. Beyond the
 * shared mess: leads and people linked with none or several marked primary, activities naming
 * several parents, companies whose parent comes later, is missing, or is a near-duplicate.
 *
 *   npm run generate -- --source leadtrac --mess high --leads 300 --out DIR --seed S
 */
import { mkdirSync, rmSync } from 'node:fs';
import { Progress, Rng } from '../common.ts';
import { withRates } from '../mess/rates.ts';
import { ExportMess, type FileDef, type MessyFile } from '../mess/writer.ts';
import { slug, type SourceProfile, type User } from '../mess/values.ts';
import { CITIES, companyName, street, streetText } from '../mess/vocab.ts';
import { CUSTOM_FIELDS, USERS as SAMPLE_USERS } from '../leadtrac.ts';
import { makeUsers, nearDuplicate, ref, withDuplicate, withLegal, type HighOptions } from './shared.ts';

const usPhone = (r: Rng) => {
  const a = r.int(201, 989), b = r.int(200, 999), c = r.int(1000, 9999);
  return r.pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a} ${b} ${c}`, `${a}${b}${c}`]);
};

export const PROFILE: SourceProfile = {
  name: 'leadtrac',
  region: 'us',
  dateOrder: 'mdy',
  dateFormats: ['mdy'],
  dateTimeFormats: ['mdy_ampm', 'mdy'],
  timeZone: 'America/New_York',
  phone: { cc: '1', national: usPhone, foreign: '+52 55 5555 0101' },
  money: { sign: '$', code: 'USD', decimalComma: false },
  duration: 'minutes',
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
  leads: {
    file: 'leads.csv',
    required: true,
    columns: [
      { key: 'lead_id', header: 'Lead ID', required: true },
      { key: 'lead_name', header: 'Lead Name' },
      { key: 'status', header: 'Status' },
      { key: 'source', header: 'Source' },
      { key: 'owner_email', header: 'Owner Email', ref: 'users.csv:email' },
      { key: 'created_date', header: 'Created Date' },
      { key: 'modified_date', header: 'Modified Date' },
      { key: 'case_number', header: 'Case Number' },
      { key: 'settlement_amount', header: 'Settlement Amount' },
      { key: 'enrollment_date', header: 'Enrollment Date' },
      { key: 'product_interest', header: 'Product Interest' },
    ],
  },
  people: {
    file: 'people.csv',
    columns: [
      { key: 'person_id', header: 'Person ID', required: true },
      { key: 'first_name', header: 'First Name' },
      { key: 'last_name', header: 'Last Name' },
      { key: 'email', header: 'Email' },
      { key: 'phone', header: 'Phone' },
      { key: 'title', header: 'Title', droppable: true },
      ...address,
      { key: 'modified_date', header: 'Modified Date' },
      { key: 'preferred_contact_method', header: 'Preferred Contact Method' },
      { key: 'birthday', header: 'Birthday' },
      { key: 'spouse_name', header: 'Spouse Name', droppable: true },
    ],
  },
  companies: {
    file: 'companies.csv',
    columns: [
      { key: 'company_id', header: 'Company ID', required: true },
      { key: 'name', header: 'Name', required: true },
      { key: 'domain', header: 'Domain' },
      ...address,
      { key: 'industry', header: 'Industry', droppable: true },
      { key: 'employees', header: 'Employees' },
      { key: 'parent_company_id', header: 'Parent Company ID', ref: 'companies.csv:company_id' },
    ],
  },
  lead_people: {
    file: 'lead_people.csv',
    columns: [
      { key: 'lead_id', header: 'Lead ID', required: true, ref: 'leads.csv:lead_id' },
      { key: 'person_id', header: 'Person ID', required: true, ref: 'people.csv:person_id' },
      { key: 'is_primary', header: 'Is Primary' },
      { key: 'modified_date', header: 'Modified Date' },
    ],
  },
  person_companies: {
    file: 'person_companies.csv',
    columns: [
      { key: 'person_id', header: 'Person ID', required: true, ref: 'people.csv:person_id' },
      { key: 'company_id', header: 'Company ID', required: true, ref: 'companies.csv:company_id' },
      { key: 'is_primary', header: 'Is Primary' },
    ],
  },
  activities: {
    file: 'activities.csv',
    columns: [
      { key: 'activity_id', header: 'Activity ID', required: true },
      { key: 'type', header: 'Type', required: true },
      { key: 'lead_id', header: 'Lead ID', ref: 'leads.csv:lead_id' },
      { key: 'person_id', header: 'Person ID', ref: 'people.csv:person_id' },
      { key: 'company_id', header: 'Company ID', ref: 'companies.csv:company_id' },
      { key: 'date', header: 'Date' },
      { key: 'end_date', header: 'End Date' },
      { key: 'duration', header: 'Duration' },
      { key: 'outcome', header: 'Outcome', droppable: true },
      { key: 'subject', header: 'Subject' },
      { key: 'body', header: 'Body' },
      { key: 'location', header: 'Location', droppable: true },
      { key: 'owner_email', header: 'Owner Email', ref: 'users.csv:email' },
    ],
  },
  documents: {
    file: 'documents.csv',
    columns: [
      { key: 'document_id', header: 'Document ID', required: true },
      { key: 'lead_id', header: 'Lead ID', ref: 'leads.csv:lead_id' },
      { key: 'person_id', header: 'Person ID', ref: 'people.csv:person_id' },
      { key: 'file_name', header: 'File Name' },
      { key: 'url', header: 'URL' },
      { key: 'docusign_envelope_id', header: 'DocuSign Envelope ID', droppable: true },
    ],
  },
  users: {
    file: 'users.csv',
    columns: [
      { key: 'email', header: 'Email', required: true },
      { key: 'name', header: 'Name' },
      { key: 'active', header: 'Active' },
    ],
  },
  custom_fields: {
    file: 'custom_fields.csv',
    columns: [
      { key: 'object', header: 'Object', required: true },
      { key: 'field', header: 'Field', required: true },
      { key: 'type', header: 'Type', required: true },
      { key: 'options', header: 'Options' },
    ],
  },
  workflows: {
    file: 'workflows.csv',
    columns: [
      { key: 'name', header: 'Name', required: true },
      { key: 'trigger', header: 'Trigger' },
      { key: 'actions', header: 'Actions' },
    ],
  },
} satisfies Record<string, Omit<FileDef, 'expected'>>;

const STATUSES: [string, number][] = [['New', 25], ['Contacted', 20], ['Qualified', 12], ['Docs Sent', 10], ['Enrolled', 10], ['Won', 8], ['Lost', 8], ['Not Interested', 4]];
const SOURCES: [string, number][] = [['Web Form', 30], ['Referral', 18], ['Trade Show', 8], ['Google Ads', 14], ['Radio Ad', 6], ['Facebook Lead Ad', 8], ['', 8]];
const TYPES: [string, number][] = [['Call', 30], ['Email', 25], ['Note', 20], ['Meeting', 10], ['Appointment', 8]];
const PRODUCTS = ['Debt Settlement', 'Credit Counseling', 'Bankruptcy Review'];
const INDUSTRIES = ['Legal Services', 'Financial Services', 'Debt Settlement', 'Insurance', 'Real Estate', ''];
const TITLES = ['Paralegal', 'Attorney', 'Office Manager', 'Client', 'CFO', 'Intake Specialist', ''];
const DOMAIN = 'lt-demo.com';

/** Links of one record to several others, with one, none or several marked primary. */
async function links(f: MessyFile, rows: Record<string, string>[]): Promise<void> {
  const mode = rows.length < 2 ? f.t.pick('primary', [['one', 0.75], ['none', 0.25]]) : f.t.pick('primary', [['one', 0.6], ['none', 0.2], ['several', 0.2]]);
  for (const [k, r] of rows.entries()) {
    const primary = mode === 'one' ? k === rows.length - 1 : mode === 'several' ? k < 2 : false;
    await f.row({ ...r, is_primary: primary ? f.v.bool(true) : f.v.rng.chance(0.3) ? '' : f.v.bool(false) });
  }
}

export async function generateLeadtracHigh(opts: HighOptions & { leads: number }): Promise<{ files: Record<string, number> }> {
  const n = Math.max(0, Math.floor(opts.leads));
  const rng = Rng.fromTextMixed(`${opts.seed}/high`);
  const rates = withRates(opts.rates);
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(opts.outDir, { recursive: true });
  const ex = new ExportMess(opts.outDir, rng, rates, PROFILE, Object.values(FILES));
  const progress = new Progress('leadtrac (high mess) leads', n, { enabled: !!opts.progress });
  const day = 86_400_000;

  const base: User[] = SAMPLE_USERS.map((u, i) => ({ id: String(i + 1), name: u.name, email: u.email, active: /^(yes|y|true|1)$/i.test(u.active) }));
  const users = makeUsers(rng, base, Math.min(200, Math.max(6, Math.ceil(n / 50))), 'us', DOMAIN, (i) => String(i + 1));
  const fUsers = ex.file({ ...FILES.users, expected: users.length });
  for (const u of users) await withDuplicate(fUsers, rates, { email: fUsers.v.enumValue('user_email', u.email, []), name: u.name, active: fUsers.v.bool(u.active) }, (r) => ({ ...r, active: fUsers.v.bool(false) }));

  const fDefs = ex.file({ ...FILES.custom_fields, expected: CUSTOM_FIELDS.length + 3 });
  for (const d of [...CUSTOM_FIELDS, { object: 'Lead' as const, field: 'Referral Detail', type: 'text' }, { object: 'Person' as const, field: 'Household Size', type: 'number' }]) {
    const v = fDefs.v;
    await fDefs.row({ object: v.enumValue('object', d.object, ['Company']), field: d.field, type: v.enumValue('cf_type', d.type, ['currency', 'multiselect']), options: ('options' in d && d.options ? d.options : []).join(rng.chance(0.8) ? '|' : ' | ') });
  }

  const fFlows = ex.file({ ...FILES.workflows, expected: 8 });
  for (let i = 0; i < 8; i++) {
    await fFlows.row({
      name: `${rng.pick(['New Web Lead Assignment', 'Docs Sent Reminder', 'Enrollment Welcome', 'Stale Lead Alert'])} ${i + 1}`,
      trigger: rng.pick(['Lead created with Source = Web Form', 'Status changed to Docs Sent', 'No activity for 14 days']),
      actions: fFlows.v.text('Assign owner round-robin; send template "Intro-1", then notify'),
    });
  }

  // Companies: a parent usually comes before its child; some come after, some are missing.
  const nCompanies = Math.max(6, Math.round(n * 0.4));
  const cid = (i: number) => `C${1000 + i}`;
  const companyOrphan = () => `C${900000 + rng.int(0, 99999)}`;
  const fCompanies = ex.file({ ...FILES.companies, expected: nCompanies });
  let prevName = '';
  for (let i = 1; i <= nCompanies; i++) {
    const v = fCompanies.v;
    const near = prevName && fCompanies.t.hit('company.near_duplicate', rates.nearDuplicate);
    const name = near ? nearDuplicate(rng, prevName, 'us') : withLegal(rng, companyName('us', i), 'us');
    if (!near) prevName = companyName('us', i);
    const [city, state, zip] = rng.pick(CITIES.us);
    const parentShape = i > 3 ? fCompanies.t.pick('parent', [['none', 0.8], ['earlier', 0.15], ['later', 0.05]], 'none') : 'none';
    const parent = parentShape === 'earlier' ? cid(rng.int(1, i - 1)) : parentShape === 'later' && i < nCompanies ? cid(rng.int(i + 1, nCompanies)) : '';
    await withDuplicate(fCompanies, rates, {
      company_id: cid(i), name, domain: rng.chance(0.15) ? '' : rng.pick([`${slug(name)}.com`, `https://www.${slug(name)}.com/`, `WWW.${slug(name).toUpperCase()}.COM`]),
      street: streetText(street(rng)), city, state, zip, industry: rng.pick(INDUSTRIES),
      employees: rng.chance(rates.value) ? rng.pick(['50-100', 'about 20', '1,200', '']) : String(rng.int(2, 900)),
      parent_company_id: parent ? ref(fCompanies, rates, 'parent_company_id', parent, companyOrphan) : fCompanies.t.hit('orphan:parent_company_id', rates.orphan / 2) ? companyOrphan() : '',
    }, (r) => ({ ...r, employees: String(rng.int(2, 900)) }), { malformed: fCompanies.t.hit('rejected_parent', rates.rejectedParent) });
  }

  // People, each linked to 0..3 companies.
  const nPeople = Math.max(5, Math.round(n * 1.3));
  const pid = (i: number) => `P${2000 + i}`;
  const personOrphan = () => `P${9_000_000 + rng.int(0, 999_999)}`;
  const fPeople = ex.file({ ...FILES.people, expected: nPeople });
  const fPc = ex.file({ ...FILES.person_companies, expected: nPeople * 1.2 });
  const peopleProgress = new Progress('leadtrac (high mess) people', nPeople, { enabled: !!opts.progress });
  for (let i = 1; i <= nPeople; i++) {
    peopleProgress.tick(i);
    const v = fPeople.v;
    const p = v.person();
    const split = v.splitName(p, () => companyName('us', rng.int(0, 5000)));
    const [city, state, zip] = rng.pick(CITIES.us);
    await withDuplicate(fPeople, rates, {
      person_id: pid(i), first_name: split.first, last_name: split.last, email: v.email(p, i), phone: v.phone(), title: rng.pick(TITLES),
      street: rng.chance(0.8) ? streetText(street(rng)) : '', city, state, zip, modified_date: v.date(v.wall(2023, 2025), true),
      preferred_contact_method: rng.chance(0.2) ? '' : v.enumValue('contact_method', rng.pick(['Phone', 'Email', 'Text']), ['Fax', 'Carrier pigeon']),
      birthday: rng.chance(0.5) ? '' : v.date(v.wall(1950, 2000)), spouse_name: rng.chance(0.3) ? `${rng.pick(['Ana', 'Tom', 'Lee'])} ${p.last}` : '',
    }, (r) => ({ ...r, modified_date: v.date(v.wall(2025, 2025), true) }));
    const k = Number(rng.weighted([['0', 15], ['1', 55], ['2', 22], ['3', 8]]));
    const rows = Array.from({ length: k }, () => ({ person_id: pid(i), company_id: ref(fPc, rates, 'company_id', cid(rng.int(1, nCompanies)), companyOrphan) }));
    if (rows.length) {
      if (fPc.t.hit('orphan:person_id', rates.orphan)) rows[0]!.person_id = personOrphan();
      await links(fPc, rows);
    }
  }

  peopleProgress.done();
  const fLeads = ex.file({ ...FILES.leads, expected: n });
  const fLp = ex.file({ ...FILES.lead_people, expected: n * 1.4 });
  const fActs = ex.file({ ...FILES.activities, expected: n * 2 });
  const fDocs = ex.file({ ...FILES.documents, expected: Math.ceil(n / 4) });
  const lid = (i: number) => `L${5000 + i}`;
  const leadOrphan = () => `L${9_000_000 + rng.int(0, 999_999)}`;
  let actSeq = 0, docSeq = 0;
  for (let i = 1; i <= n; i++) {
    const v = fLeads.v;
    const created = v.wall(2022, 2025);
    const modified = new Date(created.getTime() + rng.int(0, 120) * day);
    const status = rng.weighted(STATUSES);
    const malformed = fLeads.t.hit('rejected_parent', rates.rejectedParent);
    const linked = Array.from({ length: Number(rng.weighted([['0', 10], ['1', 55], ['2', 25], ['3', 10]])) }, () => rng.int(1, nPeople));
    await withDuplicate(fLeads, rates, {
      lead_id: lid(i), lead_name: rng.chance(rates.value / 3) ? '' : `Lead ${i} - ${rng.pick(['Debt relief', 'Consultation', 'Settlement review, "urgent"'])}`,
      status: v.enumValue('status', status, ['On Hold', 'Archived']), source: v.enumValue('source', rng.weighted(SOURCES), ['Podcast', 'Billboard']),
      owner_email: v.owner(users, 'email', DOMAIN, 'owner_email'), created_date: v.date(created, true), modified_date: v.date(modified, true),
      case_number: rng.chance(0.7) ? `CASE-${10000 + i}` : '', settlement_amount: rng.chance(0.5) ? v.money(rng.int(1000, 60000)) : '',
      enrollment_date: /Enrolled|Won/.test(status) ? v.date(modified) : '', product_interest: rng.chance(0.2) ? '' : v.enumValue('product', rng.pick(PRODUCTS), ['Tax Relief']),
    }, (r) => ({ ...r, status: 'Contacted', modified_date: v.date(new Date(modified.getTime() + day), true) }), { malformed });
    if (linked.length) {
      await links(fLp, linked.map((p) => ({
        lead_id: ref(fLp, rates, 'lead_id', lid(i), leadOrphan, malformed), person_id: ref(fLp, rates, 'person_id', pid(p), personOrphan),
        modified_date: fLp.v.date(new Date(created.getTime() + rng.int(0, 90) * day), true),
      })));
    }
    for (let a = 0, k = rng.int(0, 4); a < k; a++) {
      actSeq++;
      const va = fActs.v;
      const type = rng.weighted(TYPES);
      const at = new Date(created.getTime() + rng.int(0, 100) * day + rng.int(0, 8) * 3_600_000);
      const shape = fActs.t.pick('parents', [['lead', 0.45], ['lead_person', 0.2], ['several', 0.15], ['person', 0.1], ['company', 0.07], ['none', 0.03]], 'lead');
      const hasLead = shape === 'lead' || shape === 'lead_person' || shape === 'several';
      const hasPerson = (shape === 'lead_person' || shape === 'several' || shape === 'person') && linked.length > 0;
      const hasCompany = shape === 'several' || shape === 'company';
      if (shape === 'lead_person' && hasPerson) fActs.t.note('parents.several');
      const meeting = type === 'Meeting' || type === 'Appointment';
      await withDuplicate(fActs, rates, {
        activity_id: `A${7000 + actSeq}`, type: va.enumValue('type', type, ['Fax', 'SMS', 'Visit']),
        lead_id: hasLead ? ref(fActs, rates, 'lead_id', lid(i), leadOrphan, malformed) : '',
        person_id: hasPerson ? ref(fActs, rates, 'person_id', pid(linked[0]!), personOrphan) : '',
        company_id: hasCompany ? ref(fActs, rates, 'company_id', cid(rng.int(1, nCompanies)), companyOrphan) : '',
        date: va.date(at, true), end_date: meeting && rng.chance(0.7) ? va.date(new Date(at.getTime() + rng.int(1, 4) * 1_800_000), true) : '',
        duration: type === 'Call' || meeting ? va.duration(rng.int(1, 90) * 60) : '', outcome: rng.pick(['Connected', 'Left voicemail', 'No answer', '']),
        subject: type === 'Note' ? '' : `${type} re lead ${i}`, body: va.text(), location: meeting ? rng.pick(['Main office', 'Zoom', '123 Main St, Suite 4', '']) : '',
        owner_email: va.owner(users, 'email', DOMAIN, 'owner_email'),
      }, (r) => ({ ...r, outcome: 'Connected' }));
    }
    if (rng.chance(0.25)) {
      docSeq++;
      const onPerson = linked.length > 0 && rng.chance(0.3);
      const file = rng.pick(['Enrollment Agreement.pdf', 'Hardship Letter.docx', 'Creditor Statement, 2024.pdf']);
      await withDuplicate(fDocs, rates, {
        document_id: `D${9000 + docSeq}`, lead_id: onPerson ? '' : ref(fDocs, rates, 'lead_id', lid(i), leadOrphan, malformed),
        person_id: onPerson ? ref(fDocs, rates, 'person_id', pid(linked[0]!), personOrphan) : '', file_name: file,
        url: rng.chance(0.85) ? `https://docs.${DOMAIN}/files/${docSeq}/${encodeURIComponent(file)}` : rng.pick(['', 'not uploaded', 'file://C:/Users/scan.pdf']),
        docusign_envelope_id: rng.chance(0.6) ? `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`.toUpperCase() : '',
      }, (r) => ({ ...r, url: '' }));
    }
    progress.tick(i);
  }
  progress.done();
  return { files: await ex.finish({ leads: n }) };
}
