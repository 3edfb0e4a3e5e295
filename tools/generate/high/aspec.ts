/**
 * An ASPEC export in high mess (tools/generate/README.md): the source's files and columns,
 * every kind of mess drawn at random per file, row and value, and manifest.json. Beyond the
 * shared mess: owners written as a User ID (ASPEC's own way), an email or a name, archived
 * owners, activities naming several parents, stages missing from pipeline_stages.csv, tags.
 *
 *   npm run generate -- --source aspec --mess high --contacts 300 --out DIR --seed S
 */
import { mkdirSync, rmSync } from 'node:fs';
import { Progress, Rng } from '../common.ts';
import { withRates } from '../mess/rates.ts';
import { ExportMess, type FileDef, type MessyFile } from '../mess/writer.ts';
import { slug, type SourceProfile, type User } from '../mess/values.ts';
import { CITIES, companyName, street, streetText } from '../mess/vocab.ts';
import { DOMAIN, STAGES, USERS as SAMPLE_USERS } from '../aspec.ts';
import { OVER_LIMIT_BYTES, makeUsers, nearDuplicate, ref, withDuplicate, withLegal, type HighOptions } from './shared.ts';

const caPhone = (r: Rng) => {
  const a = r.pick(['514', '438', '416', '613', '604', '403', '902']), b = r.int(200, 999), c = r.int(1000, 9999);
  return r.pick([`(${a}) ${b}-${c}`, `${a}.${b}.${c}`, `${a} ${b} ${c}`, `${a}${b}${c}`, `1-${a}-${b}-${c}`]);
};

export const PROFILE: SourceProfile = {
  name: 'aspec',
  region: 'ca',
  dateOrder: 'dmy',
  dateFormats: ['iso', 'dmy'],
  dateTimeFormats: ['iso_hm', 'dmy_hm', 'iso'],
  timeZone: 'America/Toronto',
  phone: { cc: '1', national: caPhone, foreign: '+33 1 42 68 53 00' },
  money: { sign: '$', code: 'CAD', decimalComma: false },
  encodings: [['utf8', 3], ['utf8_bom', 2], ['win1252', 3]],
  delimiters: [[',', 6], [';', 1], ['\t', 1]],
};

const address = [
  { key: 'street', header: 'Street', droppable: true },
  { key: 'city', header: 'City' },
  { key: 'province', header: 'Province' },
  { key: 'postal_code', header: 'Postal Code' },
  { key: 'country', header: 'Country', droppable: true },
] as const;

export const FILES = {
  contacts: {
    file: 'contacts.csv',
    required: true,
    columns: [
      { key: 'contact_id', header: 'Contact ID', required: true },
      { key: 'first_name', header: 'First Name' },
      { key: 'last_name', header: 'Last Name' },
      { key: 'email', header: 'Email' },
      { key: 'phone', header: 'Phone' },
      ...address,
      { key: 'company_id', header: 'Company ID', ref: 'companies.csv:company_id' },
      { key: 'owner_id', header: 'Owner ID', ref: 'users.csv:user_id' },
      { key: 'tags', header: 'Tags' },
      { key: 'preferred_language', header: 'Preferred Language' },
      { key: 'birthday', header: 'Birthday' },
      { key: 'newsletter', header: 'Newsletter Opt-In' },
      { key: 'lifetime_value', header: 'Lifetime Value' },
    ],
  },
  companies: {
    file: 'companies.csv',
    columns: [
      { key: 'company_id', header: 'Company ID', required: true },
      { key: 'name', header: 'Name', required: true },
      { key: 'domain', header: 'Domain' },
      ...address,
      { key: 'owner_id', header: 'Owner ID', ref: 'users.csv:user_id' },
      { key: 'tags', header: 'Tags' },
      { key: 'industry_segment', header: 'Industry Segment', droppable: true },
      { key: 'employee_count', header: 'Employee Count' },
    ],
  },
  opportunities: {
    file: 'opportunities.csv',
    columns: [
      { key: 'opportunity_id', header: 'Opportunity ID', required: true },
      { key: 'name', header: 'Name', required: true },
      { key: 'company_id', header: 'Company ID', ref: 'companies.csv:company_id' },
      { key: 'contact_id', header: 'Contact ID', ref: 'contacts.csv:contact_id' },
      { key: 'value', header: 'Value' },
      { key: 'stage', header: 'Stage', ref: 'pipeline_stages.csv:stage' },
      { key: 'expected_close', header: 'Expected Close' },
      { key: 'owner_id', header: 'Owner ID', ref: 'users.csv:user_id' },
      { key: 'probability', header: 'Probability' },
      { key: 'tags', header: 'Tags', droppable: true },
      { key: 'competitor', header: 'Competitor', droppable: true },
    ],
  },
  pipeline_stages: {
    file: 'pipeline_stages.csv',
    columns: [
      { key: 'stage', header: 'Stage', required: true },
      { key: 'order', header: 'Order' },
      { key: 'probability', header: 'Probability' },
    ],
  },
  activities: {
    file: 'activities.csv',
    columns: [
      { key: 'activity_id', header: 'Activity ID', required: true },
      { key: 'type', header: 'Type', required: true },
      { key: 'contact_id', header: 'Contact ID', ref: 'contacts.csv:contact_id' },
      { key: 'company_id', header: 'Company ID', ref: 'companies.csv:company_id' },
      { key: 'opportunity_id', header: 'Opportunity ID', ref: 'opportunities.csv:opportunity_id' },
      { key: 'date', header: 'Date' },
      { key: 'end', header: 'End' },
      { key: 'subject', header: 'Subject' },
      { key: 'details', header: 'Details' },
      { key: 'owner_id', header: 'Owner ID', ref: 'users.csv:user_id' },
      { key: 'status', header: 'Status' },
    ],
  },
  users: {
    file: 'users.csv',
    columns: [
      { key: 'user_id', header: 'User ID', required: true },
      { key: 'name', header: 'Name' },
      { key: 'email', header: 'Email' },
      { key: 'status', header: 'Status' },
    ],
  },
  custom_field_definitions: {
    file: 'custom_field_definitions.csv',
    columns: [
      { key: 'field', header: 'Field', required: true },
      { key: 'type', header: 'Type', required: true },
      { key: 'attached_to', header: 'Attached To', required: true },
      { key: 'owner_user_id', header: 'Owner User ID', ref: 'users.csv:user_id' },
      { key: 'options', header: 'Options' },
    ],
  },
  reports: {
    file: 'reports.csv',
    columns: [
      { key: 'report_name', header: 'Report Name', required: true },
      { key: 'module', header: 'Module' },
      { key: 'filters', header: 'Filters' },
      { key: 'groupings', header: 'Groupings' },
      { key: 'chart', header: 'Chart', droppable: true },
    ],
  },
  attachments: {
    file: 'attachments.csv',
    columns: [
      { key: 'attachment_id', header: 'Attachment ID', required: true },
      { key: 'contact_id', header: 'Contact ID', ref: 'contacts.csv:contact_id' },
      { key: 'company_id', header: 'Company ID', ref: 'companies.csv:company_id' },
      { key: 'file_name', header: 'File Name' },
      { key: 'size', header: 'Size' },
    ],
  },
} satisfies Record<string, Omit<FileDef, 'expected'>>;

const TAGS = ['VIP', 'Newsletter', 'Partner', 'Prospect', 'Trade Show 2024', 'Montréal', 'Key Account', 'Referral', 'Do Not Call', 'Bilingual'];
const TYPES: [string, number][] = [['Call', 25], ['Email', 20], ['Task', 15], ['Meeting', 15], ['Note', 15]];
const DEFS: [string, string, string][] = [
  ['Preferred Language', 'Picklist', 'Contact'], ['Birthday', 'Date', 'Contact'], ['Newsletter Opt-In', 'Checkbox', 'Contact'], ['Lifetime Value', 'Currency', 'Contact'],
  ['Golf Handicap', 'Number', 'Contact'], ['Industry Segment', 'Picklist', 'Company'], ['Employee Count', 'Number', 'Company'], ['Competitor', 'Text', 'Opportunity'], ['Decision Date', 'Date', 'Opportunity'],
];

export async function generateAspecHigh(opts: HighOptions & { contacts: number }): Promise<{ files: Record<string, number> }> {
  const n = Math.max(0, Math.floor(opts.contacts));
  const rng = Rng.fromTextMixed(`${opts.seed}/high`);
  const rates = withRates(opts.rates);
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(opts.outDir, { recursive: true });
  const ex = new ExportMess(opts.outDir, rng, rates, PROFILE, Object.values(FILES));
  const progress = new Progress('aspec (high mess) contacts', n, { enabled: !!opts.progress });
  const base: User[] = SAMPLE_USERS.map((u) => ({ id: u.id, name: u.name, email: u.email, active: /^active$/i.test(u.status) }));
  const users = makeUsers(rng, base, Math.min(200, Math.max(6, Math.ceil(n / 50))), 'ca', DOMAIN, (i) => `U${String(i + 1).padStart(3, '0')}`);
  const userOrphan = () => `U9${String(rng.int(0, 999)).padStart(3, '0')}`;
  const owner = (f: MessyFile) => ref(f, rates, 'owner_id', f.v.owner(users, 'id', DOMAIN, 'owner_id'), userOrphan);
  const tags = () => {
    const list = Array.from({ length: rng.int(0, 3) }, () => rng.pick(TAGS));
    if (list.length && rng.chance(0.1)) list.push(list[0]!.toLowerCase());
    if (rng.chance(0.03)) list.push('Conference attendee - Vancouver 2023 (over 25 characters)');
    return list.join(rng.chance(0.5) ? ';' : ' | ');
  };

  const fUsers = ex.file({ ...FILES.users, expected: users.length });
  for (const u of users) {
    const status = u.active ? 'active' : 'archived';
    await withDuplicate(fUsers, rates, { user_id: u.id, name: u.name, email: u.email, status: fUsers.v.enumValue('user_status', status, ['suspended', 'pending']) }, (r) => ({ ...r, status: 'archived' }));
  }

  const fStages = ex.file({ ...FILES.pipeline_stages, expected: STAGES.length });
  for (const [s, o, p] of STAGES) await withDuplicate(fStages, rates, { stage: fStages.v.enumValue('stage', s, []), order: String(o), probability: fStages.v.probability(Number(p.replace('%', '')) <= 1 && p.includes('.') ? Number(p) * 100 : Number(p.replace('%', ''))) }, (r) => ({ ...r, order: String(o + 10) }));
  const stageNames = STAGES.map(([s]) => s);

  const fDefs = ex.file({ ...FILES.custom_field_definitions, expected: DEFS.length });
  for (const [field, type, to] of DEFS) {
    const v = fDefs.v;
    await fDefs.row({
      field, type: v.enumValue('cf_type', type, ['Formula', 'Lookup']), attached_to: v.enumValue('attached_to', to, ['Deal']),
      owner_user_id: rng.chance(0.4) ? ref(fDefs, rates, 'owner_user_id', rng.pick(users).id, userOrphan) : '', options: type === 'Picklist' ? 'English|Français|Other' : '',
    });
  }

  const fReports = ex.file({ ...FILES.reports, expected: 8 });
  for (let i = 0; i < 8; i++) {
    await fReports.row({
      report_name: `${rng.pick(['Pipeline by Stage', 'Won Deals This Quarter', 'Contacts by Province', 'Rapport des comptes clés', 'Forecast, weighted'])} ${i + 1}`,
      module: rng.pick(['Opportunities', 'Contacts', 'Companies', 'Activities']), filters: fReports.v.text('Stage not in (Closed Won, Closed Lost); Tags contains "Key Account"'),
      groupings: rng.pick(['Stage', 'Owner; Type', 'Province', '']), chart: rng.pick(['Funnel', 'Bar', 'Pie', '']),
    });
  }

  // Companies first (contacts point at them); names stay unique at any size (vocab.companyName).
  const nCompanies = Math.max(12, Math.ceil(n / 5));
  const cid = (i: number) => `C${String(i).padStart(5, '0')}`;
  const companyOrphan = () => `C9${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
  const fCompanies = ex.file({ ...FILES.companies, expected: nCompanies });
  let prevName = '';
  for (let i = 1; i <= nCompanies; i++) {
    const v = fCompanies.v;
    const near = prevName && fCompanies.t.hit('company.near_duplicate', rates.nearDuplicate);
    const name = near ? nearDuplicate(rng, prevName, 'ca') : withLegal(rng, companyName('ca', i), 'ca');
    if (!near) prevName = companyName('ca', i);
    const [city, prov, postal] = rng.pick(CITIES.ca);
    const domain = `${slug(name).slice(0, 20) || 'co'}.ca`;
    await withDuplicate(fCompanies, rates, {
      company_id: cid(i), name, domain: rng.chance(0.1) ? '' : rng.pick([domain, `www.${domain}`, `https://www.${domain}/`, domain.toUpperCase()]),
      street: streetText(street(rng)), city, province: prov, postal_code: rng.chance(0.1) ? postal.replace(' ', '').toLowerCase() : postal,
      country: rng.pick(['Canada', 'CA', '', 'canada']), owner_id: owner(fCompanies), tags: tags(),
      industry_segment: rng.pick(['Manufacturing', 'Retail', 'Services', 'Public Sector', 'retail', '']), employee_count: rng.chance(rates.value) ? 'about 50' : String(rng.int(3, 1200)),
    }, (r) => ({ ...r, tags: 'VIP|Key Account' }), { malformed: fCompanies.t.hit('rejected_parent', rates.rejectedParent) });
  }

  const fContacts = ex.file({ ...FILES.contacts, expected: n });
  const kid = (i: number) => `K${String(i).padStart(6, '0')}`;
  const contactOrphan = () => `K9${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
  for (let i = 1; i <= n; i++) {
    const v = fContacts.v;
    const p = v.person();
    const split = v.splitName(p, () => companyName('ca', rng.int(0, 5000)));
    const [city, prov, postal] = rng.pick(CITIES.ca);
    const company = rng.chance(0.1) ? '' : ref(fContacts, rates, 'company_id', cid(rng.int(1, nCompanies)), companyOrphan);
    await withDuplicate(fContacts, rates, {
      contact_id: kid(i), first_name: split.first, last_name: split.last, email: v.email(p, i), phone: v.phone(),
      street: streetText(street(rng)), city, province: prov, postal_code: rng.chance(rates.value / 2) ? '12345' : postal, country: rng.pick(['Canada', 'CA', '', 'CANADA']),
      company_id: company, owner_id: owner(fContacts), tags: tags(),
      preferred_language: rng.chance(0.3) ? '' : v.enumValue('language', rng.pick(['English', 'Français']), ['francais', 'Español']),
      birthday: rng.chance(0.6) ? '' : v.date(v.wall(1950, 2000)), newsletter: v.bool(rng.chance(0.5)), lifetime_value: rng.chance(0.7) ? '' : v.money(rng.int(100, 90000)),
    }, (r) => ({ ...r, tags: '' }), { malformed: fContacts.t.hit('rejected_parent', rates.rejectedParent) });
    progress.tick(i);
  }

  const nOpps = Math.ceil(n * 0.45);
  const oid = (i: number) => `O${String(i).padStart(6, '0')}`;
  const fOpps = ex.file({ ...FILES.opportunities, expected: nOpps });
  for (let i = 1; i <= nOpps; i++) {
    const v = fOpps.v;
    const stage = fOpps.t.hit('orphan:stage', rates.orphan) ? rng.pick(['Legacy Pipeline', 'Won (old)', 'Qualification']) : v.enumValue('stage', rng.pick(stageNames), []);
    await withDuplicate(fOpps, rates, {
      opportunity_id: oid(i), name: `${rng.pick(['Renouvellement', 'Renewal', 'New licences', 'Expansion', 'Pilot'])} ${2024 + (i % 2)} - ${i}`,
      company_id: rng.chance(0.1) ? '' : ref(fOpps, rates, 'company_id', cid(rng.int(1, nCompanies)), companyOrphan),
      contact_id: rng.chance(0.1) || n === 0 ? '' : ref(fOpps, rates, 'contact_id', kid(rng.int(1, n)), contactOrphan),
      value: v.money(rng.int(1, 250) * 500), stage, expected_close: v.date(v.wall(2024, 2026)), owner_id: owner(fOpps),
      probability: rng.chance(0.4) ? '' : v.probability(rng.int(0, 100)), tags: rng.chance(0.25) ? tags() : '', competitor: rng.chance(0.2) ? rng.pick(['Salesforce', 'HubSpot', 'Pipedrive']) : '',
    }, (r) => ({ ...r, stage: 'Closed Won' }), { malformed: fOpps.t.hit('rejected_parent', rates.rejectedParent) });
  }

  const nActs = Math.ceil(n * 1.6);
  const fActs = ex.file({ ...FILES.activities, expected: nActs });
  progress.done();
  const actProgress = new Progress('aspec (high mess) activities', nActs, { enabled: !!opts.progress });
  for (let i = 1; i <= nActs; i++) {
    actProgress.tick(i);
    const v = fActs.v;
    const type = rng.weighted(TYPES);
    const shape = fActs.t.pick('parents', [['contact', 0.5], ['several', 0.3], ['company', 0.1], ['opportunity', 0.07], ['none', 0.03]], 'contact');
    const start = v.wall(2023, 2025);
    const withContact = (shape === 'contact' || (shape === 'several' && rng.chance(0.7))) && n > 0;
    await withDuplicate(fActs, rates, {
      activity_id: `A${String(i).padStart(7, '0')}`, type: v.enumValue('type', type, ['SMS', 'Visit', 'Fax']),
      contact_id: withContact ? ref(fActs, rates, 'contact_id', kid(rng.int(1, n)), contactOrphan) : '',
      company_id: shape === 'company' || shape === 'several' ? ref(fActs, rates, 'company_id', cid(rng.int(1, nCompanies)), companyOrphan) : '',
      opportunity_id: (shape === 'opportunity' || (shape === 'several' && !withContact) || (shape === 'several' && rng.chance(0.5))) && nOpps > 0 ? ref(fActs, rates, 'opportunity_id', oid(rng.int(1, nOpps)), () => `O9${rng.int(10_000_000, 99_999_999)}`) : '',
      date: v.date(start, true), end: type === 'Meeting' && rng.chance(0.8) ? v.date(new Date(start.getTime() + rng.int(-2, 8) * 1_800_000), true) : '',
      subject: rng.pick(['Intro call', 'Follow-up', 'Soumission révisée', 'Quarterly business review']), details: v.text(), owner_id: owner(fActs),
      status: v.enumValue('activity_status', type === 'Task' ? rng.pick(['Open', 'Completed', 'In Progress']) : rng.pick(['Completed', 'Held', 'Scheduled']), ['Deferred', 'Lost']),
    }, (r) => ({ ...r, status: 'Completed' }));
  }

  const nAtts = Math.max(6, Math.ceil(n / 8));
  const fAtts = ex.file({ ...FILES.attachments, expected: nAtts });
  for (let i = 1; i <= nAtts; i++) {
    const onCompany = rng.chance(0.3);
    const over = fAtts.t.pick('attachment', [['body', 1 - rates.value], ['over_limit', rates.value]], 'body') === 'over_limit';
    await withDuplicate(fAtts, rates, {
      attachment_id: `F${String(i).padStart(6, '0')}`,
      contact_id: onCompany || n === 0 ? '' : ref(fAtts, rates, 'contact_id', kid(rng.int(1, n)), contactOrphan),
      company_id: onCompany ? ref(fAtts, rates, 'company_id', cid(rng.int(1, nCompanies)), companyOrphan) : '',
      file_name: `${rng.pick(['Soumission', 'Contract', 'NDA', 'Photo chantier'])}_${i}.${rng.pick(['pdf', 'docx', 'jpg'])}`,
      size: over ? String(OVER_LIMIT_BYTES + rng.int(1, 200) * 1024 * 1024) : rng.chance(rates.value / 2) ? rng.pick(['', '2,5 MB', 'unknown']) : String(rng.int(8_000, 4_000_000)),
    }, (r) => ({ ...r, size: String(rng.int(8_000, 4_000_000)) }));
  }
  actProgress.done();
  return { files: await ex.finish({ contacts: n }) };
}
