/**
 * An ASPEC export folder (docs/sources.md, ASPEC), generated: every file the source writes,
 * deterministic for a given seed, streamed row by row so large volumes stay flat in memory,
 * comma-delimited, UTF-8 except companies.csv (Windows-1252, CRLF, as ASPEC's older export
 * screen writes it), and messy the way real exports are (see MESS below).
 *
 * @example
 * await generateAspec({ outDir: '/tmp/aspec', contacts: 200, seed: 4 });
 *
 * CLI: npm run generate -- --source aspec --contacts 200 --out DIR --seed S
 */
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import { Progress, Rng } from './common.ts';

export interface GenerateOptions {
  outDir: string;
  contacts: number;
  seed: number;
  /** Progress lines on stderr while it runs (the CLI turns them on). */
  progress?: boolean;
}

export interface GenerateResult {
  files: Record<string, number>;
}

/**
 * The deliberate mess, so a reader of the sample knows what to look for:
 * - companies repeated under variant spellings (accents dropped, Ltée <-> Inc., capitals), with
 *   the same domain written differently or the same postal code; odd names (quotes, ampersands,
 *   commas, extra spaces); a near-duplicate that is a different company;
 * - contacts with all-caps names, one-word names, a title in the first name, no name at all;
 *   shared and malformed emails; phones in every format, some unreadable;
 * - owners written as a User ID, an email (odd case) or a user's name; owners that are archived
 *   users, active users with no Zoho user, and IDs missing from users.csv;
 * - opportunity values `12 500,00 $`, `$1,200.50`, `CAD 5000`, `US$ 2,000`, `TBD`; stages in odd
 *   case, custom stage labels, and a stage missing from pipeline_stages.csv; probabilities
 *   `80`, `80%`, `0.8`, `150`; close dates ISO, dd/mm/yyyy and impossible ones;
 * - activities of every type in any case, pointing at contacts that are not in the export,
 *   meetings with no end or an end before the start, unreadable dates;
 * - tags separated by `;` or `|`, repeated in another case, one over 25 characters, one record
 *   with more than 10 tags; opportunities carry a Tags column too;
 * - per-user custom field definitions (some owned by an archived user, one with no column in
 *   the export), custom field columns on contacts, companies and opportunities, with bad values;
 * - reports with filters, groupings and charts; attachments (listed only) on contacts and
 *   companies, some on records the export does not have.
 */
export const DOMAIN = 'northmaple-demo.ca';

/** The ASPEC users of every generated export (the sandbox seed matches some of them by email). */
export const USERS = [
  { id: 'U001', name: 'Claire Tremblay', email: `claire.tremblay@${DOMAIN}`, status: 'active' },
  { id: 'U002', name: 'Marc-André Gagnon', email: `marc-andre.gagnon@${DOMAIN}`, status: 'Active' },
  { id: 'U003', name: 'Priya Shah', email: `priya.shah@${DOMAIN}`, status: 'active' },
  { id: 'U004', name: 'Owen Fraser', email: `owen.fraser@${DOMAIN}`, status: 'active' },
  { id: 'U005', name: 'Sylvie Roy', email: `sylvie.roy@${DOMAIN}`, status: 'archived' },
  { id: 'U006', name: 'Derek Chan', email: `derek.chan@${DOMAIN}`, status: 'ARCHIVED' },
  { id: 'U007', name: 'Nadia Haddad', email: `nadia.haddad@${DOMAIN}`, status: 'active' },
  { id: 'U008', name: 'Training Account', email: '', status: 'archived' },
] as const;


function cell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Streaming CSV writer with backpressure; UTF-8 (optionally with BOM) or Windows-1252 + CRLF. */
class CsvOut {
  private readonly ws: WriteStream;
  private readonly eol: string;
  rows = 0;
  constructor(
    file: string,
    header: string[],
    private readonly enc: 'utf8' | 'utf8bom' | 'win1252' = 'utf8',
  ) {
    this.ws = createWriteStream(file);
    this.eol = enc === 'win1252' ? '\r\n' : '\n';
    this.ws.write(this.encode((enc === 'utf8bom' ? '\ufeff' : '') + header.map(cell).join(',') + this.eol));
  }
  private encode(s: string): Buffer {
    return this.enc === 'win1252' ? iconv.encode(s, 'win1252') : Buffer.from(s, 'utf8');
  }
  async row(values: (string | number | null | undefined)[]): Promise<void> {
    this.rows++;
    if (!this.ws.write(this.encode(values.map(cell).join(',') + this.eol))) await once(this.ws, 'drain');
  }
  async close(): Promise<number> {
    this.ws.end();
    await once(this.ws, 'finish');
    return this.rows;
  }
}

const FIRST = ['Émilie', 'Jean-François', 'Olivia', 'Liam', 'Chloé', 'Noah', 'Sophie', 'Mathieu', 'Aisha', 'Wei', 'Gabriel', 'Léa', 'Ethan', 'Zoé', 'Raj', 'Maëlle', 'Connor', 'Isabelle', 'Félix', 'Hannah'];
const LAST = ['Tremblay', 'Gagnon', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Smith', 'Brown', 'Wilson', 'MacDonald', 'Nguyen', 'Singh', 'Chen', "O'Brien", 'Pelletier', 'Bélanger', 'Lévesque', 'St-Pierre'];
const CO_A = ['Érable', 'Boréal', 'Laurentide', 'Maple Leaf', 'Nordik', 'Cascade', 'Saint-Laurent', 'Fjord', 'Prairie', 'Cedar', 'Aurora', 'Bluewater', 'Granite', 'Harbour', 'Outaouais', 'Rideau', 'Kootenay', 'Muskoka', 'Gaspésie', 'Tundra'];
const CO_B = ['Solutions', 'Logistique', 'Logistics', 'Construction', 'Technologies', 'Conseil', 'Foods', 'Énergie', 'Media', 'Dental Group'];
const CO_LEGAL = ['Inc.', 'Ltée', 'Ltd.', 'Corp.', '', 'Inc'];
/** Companies a real ASPEC account would hold, with the names people actually type. */
const ODD_COMPANIES = ["Les Entreprises D'Amours & Fils Inc.", '"Le Bon Goût" Traiteur', 'A&W Franchise #42', 'Smith, Jones & Partners LLP', '  Prairie   Wind   Ltd ', 'Cascade Food Co-op'];
const CITIES: [string, string, string][] = [
  ['Montréal', 'QC', 'H2X'], ['Québec', 'Québec', 'G1R'], ['Laval', 'Quebec', 'H7N'], ['Toronto', 'ON', 'M5V'], ['Ottawa', 'Ontario', 'K1P'],
  ['Vancouver', 'BC', 'V6B'], ['Calgary', 'Alberta', 'T2P'], ['Halifax', 'NS', 'B3J'], ['Winnipeg', 'MB', 'R3C'], ['Gatineau', 'qc', 'J8X'],
];
const STREETS = ['rue Sainte-Catherine', 'boul. René-Lévesque', 'King St W', 'Bay St', 'rue du Parc', 'Granville St', '8 Ave SW', 'Barrington St', 'Portage Ave', 'chemin Chambly'];
const TAGS = ['VIP', 'Newsletter', 'Partner', 'Prospect', 'Trade Show 2024', 'Montréal', 'Toronto', 'Key Account', 'Referral', 'Do Not Call', 'Bilingual', 'Salon ABC'];
const LONG_TAG = 'Conference attendee - Vancouver 2023';
/** pipeline_stages.csv: ASPEC's pipeline, with two custom stage labels (Verbal OK, On Hold - Budget). */
export const STAGES: [string, number, string][] = [
  ['Prospecting', 1, '10'], ['Discovery', 2, '20%'], ['Demo Scheduled', 3, '0.4'], ['Proposal Sent', 4, '60'], ['Verbal OK', 5, '80%'],
  ['Negotiation', 6, '75'], ['On Hold - Budget', 7, '15'], ['Closed Won', 8, '100'], ['Closed Lost', 9, '0'],
];
/** What opportunities write in Stage: pipeline names, odd case, and one stage the pipeline no longer has. */
const OPP_STAGES: [string, number][] = [
  ['Prospecting', 12], ['Discovery', 12], ['Demo Scheduled', 10], ['Proposal Sent', 12], ['Verbal OK', 6], ['Negotiation', 8],
  ['On Hold - Budget', 5], ['Closed Won', 15], ['Closed Lost', 10], ['proposal sent ', 3], ['CLOSED WON', 2], ['Legacy Pipeline', 3],
];
const SUBJECTS: Record<string, string[]> = {
  Call: ['Intro call', 'Follow-up call', 'Pricing question', 'Renewal check-in', 'Appel de suivi'],
  Email: ['Proposal sent', 'Re: quote', 'Welcome package', 'Meeting recap', 'Soumission révisée'],
  Task: ['Send contract', 'Prepare demo', 'Update account plan', 'Call back about invoice'],
  Meeting: ['Site visit', 'Demo', 'Quarterly business review', 'Lunch meeting', 'Rencontre annuelle'],
  Note: ['Account note', 'Call summary', 'Budget notes', ''],
};

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const iso = (d: Date) => d.toISOString().slice(0, 10);
const dmy = (d: Date) => `${pad(d.getUTCDate(), 2)}/${pad(d.getUTCMonth() + 1, 2)}/${d.getUTCFullYear()}`;
const hm = (d: Date) => `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}`;
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
const slug = (s: string) => fold(s).toLowerCase().replace(/[^a-z0-9]+/g, '');

/** An owner reference as ASPEC writes it: mostly a User ID, sometimes the email or the name. */
function ownerRef(r: Rng, i: number): string {
  // about 6% archived owners (U005, U006), 5% an active user with no Zoho user (U004),
  // 1% an ID that users.csv does not have.
  const roll = r.next();
  const u = roll < 0.03 ? USERS[4] : roll < 0.06 ? USERS[5] : roll < 0.11 ? USERS[3] : roll < 0.12 ? null : USERS[[0, 1, 2, 6][i % 4]!]!;
  if (!u) return 'U099';
  if (i % 13 === 0) return i % 2 ? u.email.toUpperCase() : u.email.replace(/^./, (c) => c.toUpperCase());
  if (i % 17 === 0) return u.name;
  return u.id;
}

export async function generateAspec(opts: GenerateOptions): Promise<GenerateResult> {
  const r = new Rng(opts.seed);
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(opts.outDir, { recursive: true });
  const out = (f: string) => path.join(opts.outDir, f);
  const base = new Date(Date.UTC(2024, 0, 8, 9, 0));

  // users.csv
  const users = new CsvOut(out('users.csv'), ['User ID', 'Name', 'Email', 'Status']);
  for (const u of USERS) await users.row([u.id, u.name, u.email, u.status]);

  // pipeline_stages.csv
  const stages = new CsvOut(out('pipeline_stages.csv'), ['Stage', 'Order', 'Probability']);
  for (const [s, o, p] of STAGES) await stages.row([s, o, p]);

  // custom_field_definitions.csv: per-user fields carry the defining user in Owner User ID.
  const defs = new CsvOut(out('custom_field_definitions.csv'), ['Field', 'Type', 'Attached To', 'Owner User ID', 'Options']);
  const DEFS: [string, string, string, string, string][] = [
    ['Preferred Language', 'Picklist', 'Contact', '', 'English|Français'],
    ['Birthday', 'Date', 'Contact', '', ''],
    ['Newsletter Opt-In', 'Checkbox', 'Contact', '', ''],
    ['LinkedIn Profile', 'URL', 'Contact', '', ''],
    ['Lifetime Value', 'Currency', 'Contact', 'U001', ''],
    ['Golf Handicap', 'Number', 'contact', 'U002', ''],
    ['Hobbies', 'Multi-Select', 'Contact', 'U003', 'Golf|Ski|Hockey|Cuisine'],
    ['Industry Segment', 'Picklist', 'Company', '', 'Manufacturing|Retail|Services|Public Sector'],
    ['Employee Count', 'Number', 'Company', '', ''],
    ['Renewal Notes', 'Long Text', 'Company', 'U001', ''],
    ['Competitor', 'Text', 'Opportunity', '', ''],
    ['Decision Date', 'Date', 'Opportunity', 'U003', ''],
    ['Referral Partner', 'Text', 'Opportunity', 'U005', ''],
  ];
  for (const d of DEFS) await defs.row(d);

  // companies.csv (Windows-1252)
  const nCompanies = Math.max(12, Math.ceil(opts.contacts / 5));
  // Ids are sequential (C0001, C0002, ...): a random company is drawn by its number, so no list
  // of ids is held (the draw is the one r.pick over that list would make).
  const companyId = (k: number) => `C${pad(k, 4)}`;
  const pickCompany = () => companyId(1 + Math.floor(r.next() * cid));
  const companyDomain = new Map<string, string>();
  const companies = new CsvOut(
    out('companies.csv'),
    ['Company ID', 'Name', 'Domain', 'Street', 'City', 'Province', 'Postal Code', 'Country', 'Owner ID', 'Tags', 'Industry Segment', 'Employee Count', 'Renewal Notes'],
    'win1252',
  );
  const usedNames = new Set<string>();
  let cid = 0;
  for (let i = 0; i < nCompanies; i++) {
    let name: string;
    if (i % 9 === 4 && i / 9 < ODD_COMPANIES.length) name = ODD_COMPANIES[Math.floor(i / 9)]!;
    else {
      // The words give about 200 distinct names; past that a number tells companies apart
      // (a bounded number of draws, so a large export never spins looking for an unused name).
      let tries = 0;
      do name = [r.pick(CO_A), r.pick(CO_B), r.pick(CO_LEGAL)].filter(Boolean).join(' ');
      while (usedNames.has(slug(name.replace(/ (Inc\.?|Ltée|Ltd\.|Corp\.)$/, ''))) && ++tries < 64);
      for (let k = 2; usedNames.has(slug(name.replace(/ (Inc\.?|Ltée|Ltd\.|Corp\.)$/, ''))); k++) name = name.replace(/( \d+)?( (Inc\.?|Ltée|Ltd\.|Corp\.))?$/, ` ${k}$2`);
    }
    usedNames.add(slug(name.replace(/ (Inc\.?|Ltée|Ltd\.|Corp\.)$/, '')));
    const [city, prov, fsa] = r.pick(CITIES);
    const postal = `${fsa} ${r.int(1, 9)}${String.fromCharCode(65 + r.int(0, 25))}${r.int(1, 9)}`;
    const domain = `${slug(name.replace(/ (Inc\.?|Ltée|Ltd\.?|Corp\.|LLP)$/, '')).slice(0, 20) || 'co'}.ca`;
    const domainWritten = [domain, `www.${domain}`, `https://www.${domain}/`, domain.toUpperCase()][i % 4]!;
    const street = `${r.int(10, 4999)} ${r.pick(STREETS)}`;
    const country = ['Canada', 'CA', '', 'canada'][i % 4]!;
    const tags = i % 3 === 0 ? [r.pick(TAGS), r.pick(TAGS)].join(i % 2 ? ';' : ' | ') : '';
    const seg = i % 5 === 0 ? '' : r.pick(['Manufacturing', 'Retail', 'Services', 'Public Sector', 'retail']);
    const emp = i % 11 === 0 ? 'about 50' : i % 4 === 0 ? '' : String(r.int(3, 1200));
    const renew = i % 6 === 0 ? `Renews in ${r.pick(['March', 'June', 'September'])}; ask about "multi-year" pricing, 3% uplift` : '';
    const id = `C${pad(++cid, 4)}`;
    companyDomain.set(id, domain);
    await companies.row([id, name, i % 10 === 7 ? '' : domainWritten, street, city, prov, i % 15 === 3 ? postal.replace(' ', '').toLowerCase() : postal, country, ownerRef(r, i), tags, seg, emp, renew]);
    // Every 8th company is also exported a second time under a variant spelling (a rep
    // re-created it): accents dropped, legal form changed, or capitals; same domain or postal code.
    if (i % 8 === 1) {
      const variant =
        i % 3 === 0 ? fold(name) : i % 3 === 1 ? name.replace(/ (Inc\.?|Ltd\.|Corp\.)$/, '') + ' Ltée' : name.toUpperCase();
      const dupId = `C${pad(++cid, 4)}`;
      companyDomain.set(dupId, domain);
      await companies.row([dupId, variant === name ? `${name} Inc.` : variant, i % 2 ? `http://${domain}` : '', street, city, prov, postal, 'Canada', ownerRef(r, i + 1), i % 2 ? 'Partner' : 'VIP|Key Account', '', '', '']);
    }
  }
  const nCompaniesWritten = await companies.close();

  // contacts.csv (UTF-8 with BOM), with custom field columns.
  const contacts = new CsvOut(
    out('contacts.csv'),
    ['Contact ID', 'First Name', 'Last Name', 'Email', 'Phone', 'Street', 'City', 'Province', 'Postal Code', 'Country', 'Company ID', 'Owner ID', 'Tags',
      'Preferred Language', 'Birthday', 'Newsletter Opt-In', 'LinkedIn Profile', 'Lifetime Value', 'Golf Handicap', 'Hobbies'],
    'utf8bom',
  );
  // Contact ids are sequential too; each contact's company is kept as a number (0: none, -1: the
  // company the export does not have), 4 bytes a contact.
  const contactId = (k: number) => `K${pad(k, 5)}`;
  const pickContact = () => contactId(1 + Math.floor(r.next() * opts.contacts));
  const contactCompany = new Int32Array(opts.contacts + 1);
  const companyOf = (contact: string): string | undefined => {
    const k = contact ? contactCompany[Number(contact.slice(1))] : 0;
    return !k ? undefined : k < 0 ? 'C9999' : companyId(k);
  };
  let prevEmail = '';
  const progress = new Progress('aspec contacts', opts.contacts, { enabled: !!opts.progress });
  for (let i = 1; i <= opts.contacts; i++) {
    progress.tick(i);
    const id = `K${pad(i, 5)}`;
    let first = r.pick(FIRST);
    let last = r.pick(LAST);
    const company = i % 20 === 7 ? '' : i % 47 === 11 ? 'C9999' : pickCompany();
    if (company) contactCompany[i] = company === 'C9999' ? -1 : Number(company.slice(1));
    const domain = company && companyDomain.get(company) ? companyDomain.get(company)! : r.pick(['gmail.com', 'videotron.ca', 'outlook.com']);
    let email = `${slug(first)}.${slug(last)}@${domain}`;
    if (i % 19 === 0 && prevEmail) email = prevEmail; // two people sharing a mailbox
    else if (i % 21 === 0) email = r.pick([`${slug(first)}.${slug(last)}@`, 'n/a', `${slug(first)} at ${domain}`, `${slug(first)}@@${domain}`]);
    else if (i % 9 === 0) email = email.toUpperCase();
    prevEmail = email;
    if (i % 17 === 0) [first, last] = [first.toUpperCase(), last.toUpperCase()];
    if (i % 23 === 0) first = '';
    if (i % 29 === 0) first = `Dr. ${first || 'Anne'}`;
    if (i % 61 === 0) [first, last] = ['', ''];
    const [city, prov, fsa] = r.pick(CITIES);
    const area = ['514', '438', '416', '613', '604', '403', '902'][i % 7]!;
    const num = `${r.int(200, 999)}${pad(r.int(0, 9999), 4)}`;
    const phone = [
      `(${area}) ${num.slice(0, 3)}-${num.slice(3)}`,
      `${area}.${num.slice(0, 3)}.${num.slice(3)}`,
      `+1 ${area} ${num.slice(0, 3)} ${num.slice(3)}`,
      `1-${area}-${num.slice(0, 3)}-${num.slice(3)} ext. ${r.int(1, 99)}`,
      `${area}${num}`,
      i % 25 === 0 ? 'on request' : '',
    ][i % 6]!;
    const nTags = i % 97 === 5 ? 12 : r.int(0, 3);
    const tagList = i % 97 === 5 ? [...TAGS] : Array.from({ length: nTags }, () => r.pick(TAGS));
    if (i % 53 === 3) tagList.push(LONG_TAG);
    if (i % 31 === 2 && tagList.length) tagList.push(tagList[0]!.toLowerCase()); // same tag, other case
    const tags = tagList.join(i % 2 ? ';' : ' | ');
    const lang = i % 4 === 0 ? '' : i % 10 === 3 ? 'francais' : r.pick(['English', 'Français']);
    const bday = i % 3 ? '' : i % 27 === 0 ? '31/02/1980' : i % 2 ? iso(new Date(Date.UTC(r.int(1955, 2000), r.int(0, 11), r.int(1, 28)))) : dmy(new Date(Date.UTC(r.int(1955, 2000), r.int(0, 11), r.int(1, 28))));
    const optIn = ['Yes', 'No', 'Y', 'true', '', '0'][i % 6]!;
    const linkedin = i % 5 === 0 ? `https://www.linkedin.com/in/${slug(first || 'x')}-${slug(last || 'y')}-${i}` : '';
    const ltv = i % 4 ? '' : [`${r.int(1, 90)} 500,00 $`, `$${r.int(1, 9)},${r.int(100, 999)}.50`, 'TBD', `${r.int(100, 9000)}`][i % 16 / 4]!;
    const golf = i % 7 === 0 ? String(r.int(0, 36)) : i % 43 === 0 ? 'scratch' : '';
    const hobbies = i % 6 === 0 ? [r.pick(['Golf', 'Ski']), r.pick(['Hockey', 'Cuisine'])].join(';') : '';
    await contacts.row([id, first, last, email, phone, `${r.int(1, 9999)} ${r.pick(STREETS)}`, city, prov, i % 33 === 0 ? '12345' : `${fsa} ${r.int(1, 9)}${String.fromCharCode(65 + r.int(0, 25))}${r.int(1, 9)}`,
      ['Canada', 'CA', '', 'CANADA'][i % 4], company, ownerRef(r, i), tags, lang, bday, optIn, linkedin, ltv, golf, hobbies]);
  }
  const nContacts = await contacts.close();

  // opportunities.csv (with a Tags column and two custom fields)
  const opps = new CsvOut(out('opportunities.csv'), ['Opportunity ID', 'Name', 'Company ID', 'Contact ID', 'Value', 'Stage', 'Expected Close', 'Owner ID', 'Probability', 'Tags', 'Competitor', 'Decision Date']);
  const nOpps = Math.ceil(opts.contacts * 0.45);
  const oppId = (k: number) => `O${pad(k, 5)}`;
  for (let i = 1; i <= nOpps; i++) {
    const id = `O${pad(i, 5)}`;
    const contact = i % 11 === 4 ? '' : pickContact();
    const company = i % 13 === 6 ? '' : (companyOf(contact) ?? pickCompany());
    const amount = r.int(1, 250) * 500;
    const value = [
      `${Math.floor(amount / 1000)} ${pad(amount % 1000, 3)},00 $`.replace(/^0 /, ''),
      `$${amount.toLocaleString('en-US')}.50`,
      `CAD ${amount}`,
      String(amount),
      `${amount}.00`,
      i % 20 === 5 ? 'TBD' : i % 20 === 15 ? `US$ ${amount.toLocaleString('en-US')}` : '',
    ][i % 6]!;
    const close = addDays(base, r.int(-120, 300));
    const expected = i % 37 === 0 ? '31/02/2025' : i % 19 === 0 ? '' : i % 2 ? iso(close) : dmy(close);
    const prob = ['', '', '80', '45%', '0.3', i % 25 === 0 ? '150' : ''][i % 6]!;
    const tags = i % 4 === 0 ? [r.pick(TAGS), r.pick(['Q3 push', 'Upsell', 'Renewal'])].join('|') : '';
    const nameBase = `${r.pick(['Renouvellement', 'Renewal', 'New licences', 'Expansion', 'Pilot', 'Services'])} ${2024 + (i % 2)}`;
    await opps.row([id, i % 41 === 0 ? `  ${nameBase}  ` : nameBase + ` - ${id.slice(-3)}`, company, contact, value, i % 50 === 7 ? 'Legacy Pipeline' : r.weighted(OPP_STAGES), expected, ownerRef(r, i + 3), prob, tags,
      i % 5 === 0 ? r.pick(['Salesforce', 'HubSpot', 'Pipedrive']) : '', i % 9 === 0 ? dmy(addDays(close, -14)) : '']);
  }
  const nOppsWritten = await opps.close();

  // activities.csv: calls, emails, tasks, meetings and notes; some point at contacts that are not in the export.
  const acts = new CsvOut(out('activities.csv'), ['Activity ID', 'Type', 'Contact ID', 'Company ID', 'Opportunity ID', 'Date', 'End', 'Subject', 'Details', 'Owner ID', 'Status']);
  const nActs = Math.ceil(opts.contacts * 1.6);
  const TYPES: [string, number][] = [['Call', 25], ['Email', 20], ['Task', 15], ['Meeting', 15], ['Note', 15], ['call', 3], ['MEETING', 2], ['note', 2]];
  progress.done();
  const actProgress = new Progress('aspec activities', nActs, { enabled: !!opts.progress });
  for (let i = 1; i <= nActs; i++) {
    actProgress.tick(i);
    // every 71st is a meeting whose date nobody can read (it cannot exist in Zoho without a start)
    const type = i % 71 === 0 ? 'Meeting' : r.weighted(TYPES);
    const t = type[0]!.toUpperCase() + type.slice(1).toLowerCase();
    const missingContact = i % 29 === 0;
    const contact = missingContact ? `K${pad(90000 + i, 5)}` : i % 10 === 9 ? '' : pickContact();
    // An activity with no contact (or a missing one) still names a company or an opportunity,
    // except a few that name nothing the export has.
    const opp = i % 4 === 0 ? oppId(1 + Math.floor(r.next() * nOpps)) : '';
    const company = contact && !missingContact ? (i % 3 === 0 ? (companyOf(contact) ?? '') : '') : i % 58 === 0 ? '' : pickCompany();
    const start = new Date(addDays(base, r.int(-200, 60)).getTime() + r.int(0, 9) * 3_600_000 + (i % 4) * 15 * 60_000);
    const date = i % 71 === 0 ? 'last Tuesday' : i % 5 === 0 ? `${dmy(start)} ${hm(start)}` : i % 7 === 0 ? iso(start) : `${iso(start)} ${hm(start)}`;
    let end = '';
    if (t === 'Meeting') {
      const e = new Date(start.getTime() + r.int(1, 4) * 30 * 60_000);
      end = i % 9 === 0 ? '' : i % 23 === 0 ? `${iso(start)} ${hm(new Date(start.getTime() - 3_600_000))}` : `${iso(e)} ${hm(e)}`;
    }
    const subject = r.pick(SUBJECTS[t]!);
    const details = t === 'Note' || r.chance(0.6) ? `${r.pick(['Discussed', 'Reviewed', 'Asked about', 'Confirmed'])} ${r.pick(['pricing', 'the renewal', 'the "Pro" plan', 'delivery dates, invoices'])}.${i % 8 === 0 ? '\nNext: send summary.' : ''}` : '';
    const status = t === 'Task' ? r.pick(['Open', 'Completed', 'completed', 'In Progress', 'Deferred', '']) : t === 'Meeting' ? r.pick(['Held', 'Scheduled', '']) : r.pick(['Completed', '']);
    await acts.row([`A${pad(i, 5)}`, type, contact, company, opp, date, end, subject, details, ownerRef(r, i + 7), status]);
  }
  const nActsWritten = await acts.close();

  // reports.csv: the report inventory (not migrated; handed off).
  const reports = new CsvOut(out('reports.csv'), ['Report Name', 'Module', 'Filters', 'Groupings', 'Chart']);
  const REPORTS: string[][] = [
    ['Pipeline by Stage', 'Opportunities', 'Stage not in (Closed Won, Closed Lost)', 'Stage', 'Funnel'],
    ['Won Deals This Quarter', 'Opportunities', 'Stage = Closed Won; Expected Close = this quarter', 'Owner', 'Bar'],
    ['Contacts by Province', 'Contacts', '', 'Province', 'Pie'],
    ['Activities per Rep (30 days)', 'Activities', 'Date >= today - 30', 'Owner; Type', 'Stacked bar'],
    ['Stale Opportunities', 'Opportunities', 'Last activity > 60 days; Stage <> Closed*', 'Owner', ''],
    ['Rapport des comptes clés', 'Companies', 'Tags contains "Key Account"', 'Industry Segment', 'Table'],
    ['Forecast, weighted', 'Opportunities', 'Expected Close in next 2 quarters', 'Month(Expected Close); Stage', 'Line'],
  ];
  for (const rep of REPORTS) await reports.row(rep);

  // attachments.csv: listed only (ASPEC has no export for the files themselves).
  const atts = new CsvOut(out('attachments.csv'), ['Attachment ID', 'Contact ID', 'Company ID', 'File Name', 'Size']);
  const nAtts = Math.max(6, Math.ceil(opts.contacts / 8));
  for (let i = 1; i <= nAtts; i++) {
    const onCompany = i % 3 === 0;
    await atts.row([
      `F${pad(i, 4)}`,
      onCompany ? '' : i % 17 === 0 ? 'K88888' : pickContact(),
      onCompany ? pickCompany() : '',
      r.pick(['Soumission', 'Contract', 'NDA', 'Brochure', 'Invoice', 'Photo chantier']) + `_${i}.` + r.pick(['pdf', 'docx', 'jpg', 'xlsx']),
      i % 11 === 0 ? '31457280' : String(r.int(8_000, 4_000_000)),
    ]);
  }

  const files = {
    'users.csv': await users.close(),
    'pipeline_stages.csv': await stages.close(),
    'custom_field_definitions.csv': await defs.close(),
    'companies.csv': nCompaniesWritten,
    'contacts.csv': nContacts,
    'opportunities.csv': nOppsWritten,
    'activities.csv': nActsWritten,
    'reports.csv': await reports.close(),
    'attachments.csv': await atts.close(),
  };
  actProgress.done();
  return { files };
}

