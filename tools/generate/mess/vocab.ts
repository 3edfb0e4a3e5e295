/**
 * Words the high-mess generators build records from, per region of the source, and a company
 * namer that stays unique at any size without remembering the names it gave.
 */
import type { Rng } from '../common.ts';

export type Region = 'za' | 'us' | 'ca';

export const FIRST: Record<Region, readonly string[]> = {
  za: ['Thabo', 'Lindiwe', 'Pieter', 'Anri', 'Sipho', 'Nomvula', 'Johan', 'Priya', 'Kagiso', 'Zoë', 'André', 'Mpho', 'Naledi', 'Riaan', 'Fatima', 'Bongani', 'Chantelle', 'Themba', 'Elmarie', 'Ayesha', 'Lwazi', 'Karabo', 'Hendrik', 'Thandeka'],
  us: ['James', 'Maria', 'Robert', 'Linda', 'Michael', 'Patricia', 'David', 'Jennifer', 'Carlos', 'Aisha', 'Wei', 'Olga', 'Thomas', 'Nancy', 'Kevin', 'Priya', 'Sofía', 'Jamal', 'Emily', 'Tyrone', 'Hannah', 'Luis'],
  ca: ['Émilie', 'Jean-François', 'Olivia', 'Liam', 'Chloé', 'Noah', 'Sophie', 'Mathieu', 'Aisha', 'Wei', 'Gabriel', 'Léa', 'Ethan', 'Zoé', 'Raj', 'Maëlle', 'Connor', 'Isabelle', 'Félix', 'Hannah'],
};
export const LAST: Record<Region, readonly string[]> = {
  za: ['Nkosi', 'Dlamini', 'Naidoo', 'Botha', 'Mokoena', 'Pillay', 'Venter', 'Khumalo', 'Jacobs', 'Molefe', 'Smit', 'Ndlovu', 'Govender', 'Müller', 'Mthembu', 'Coetzee', 'Zulu', 'Sithole', 'Pretorius', 'Maharaj'],
  us: ['Smith', 'Garcia', 'Johnson', 'Nguyen', 'Brown', 'Martinez', "O'Connor", 'Lee', 'Patel', 'Walker', 'Kowalski', 'Rivera', 'Chen', 'Anderson', 'Okafor', 'Hughes', 'Reyes', 'Fischer', 'Turner', "O'Brien"],
  ca: ['Tremblay', 'Gagnon', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Smith', 'Brown', 'Wilson', 'MacDonald', 'Nguyen', 'Singh', 'Chen', "O'Brien", 'Pelletier', 'Bélanger', 'Lévesque', 'St-Pierre'],
};
/** Surnames with particles, which a naive split breaks. */
export const PARTICLE_LAST = ['van der Merwe', 'de la Cruz', 'van Wyk', 'du Plessis', 'le Roux', 'van den Berg', 'de Villiers', 'da Silva', 'von Trapp', 'de la Fontaine'];
/** Titles people type into a first-name or name field. */
export const TITLES = ['Dr.', 'Dr', 'Mme', 'Rev.', 'Adv', 'Adv.', 'Mr', 'Mrs.', 'Ms', 'Prof.', 'M.', 'Mx'];
export const SUFFIXES = ['Jr.', 'Sr.', 'III', 'PhD', 'Jr', 'II', 'CPA'];

export const COMPANY_A: Record<Region, readonly string[]> = {
  za: ['Acme', 'Karoo', 'Ubuntu', 'Protea', 'Highveld', 'Table Bay', 'Limpopo', 'Sunbird', 'Baobab', 'Drakensberg', 'Springbok', 'Fynbos', 'Kalahari', 'Marula', 'Indaba', 'Vaal', 'Umhlanga', 'Mopani'],
  us: ['Acme', 'Summit', 'Blue Ridge', 'Lakeside', 'Pioneer', 'Harbor', 'Evergreen', 'Northstar', 'Redwood', 'Granite', 'Silver Creek', 'Maple', 'Cedar Point', 'Riverbend', 'Keystone', 'Liberty', 'Beacon', 'Meridian'],
  ca: ['Acme', 'Érable', 'Boréal', 'Laurentide', 'Maple Leaf', 'Nordik', 'Cascade', 'Saint-Laurent', 'Fjord', 'Prairie', 'Cedar', 'Aurora', 'Bluewater', 'Harbour', 'Outaouais', 'Rideau', 'Kootenay', 'Muskoka'],
};
export const COMPANY_B: Record<Region, readonly string[]> = {
  za: ['Holdings', 'Logistics', 'Engineering', 'Consulting', 'Motors', 'Foods', 'Security', 'Solar', 'Properties', 'Medical', 'Mining', 'Traders'],
  us: ['Holdings', 'Dental', 'Bakery', 'Property Management', 'Medical Center', 'Logistics', 'Fitness', 'Brewing Co', 'Legal Group', 'Debt Solutions', 'Advisors', 'Auto Repair'],
  ca: ['Holdings', 'Solutions', 'Logistique', 'Construction', 'Technologies', 'Conseil', 'Foods', 'Énergie', 'Media', 'Dental Group', 'Transport', 'Immobilier'],
};
export const LEGAL: Record<Region, readonly string[]> = {
  za: ['(Pty) Ltd', 'Pty Ltd', '(PTY) LTD', 'CC', 'Ltd'],
  us: ['LLC', 'Inc.', 'Inc', 'Corp', 'Co.', 'LLP'],
  ca: ['Inc.', 'Ltée', 'Ltd.', 'Corp.', 'Inc', 'S.E.N.C.'],
};
const PLACES = ['North', 'South', 'East', 'West', 'Central', 'Coastal', 'Metro', 'Valley', 'Highlands', 'Riverside', 'Upper', 'Lower'];

/**
 * The i-th company name, unique for every i (words, then a place, then a number), with a
 * scrambled order so neighbours do not share words. No memory of earlier names is needed.
 */
export function companyName(region: Region, i: number): string {
  const A = COMPANY_A[region];
  const B = COMPANY_B[region];
  const cells = A.length * B.length;
  const k = Math.floor(i / cells);
  // 7 is coprime with every cell count here (products of 12 and 18), so this is a permutation.
  const j = (i * 7) % cells;
  const base = `${A[j % A.length]} ${B[Math.floor(j / A.length)]}`;
  if (k === 0) return base;
  const place = PLACES[(k - 1) % PLACES.length]!;
  const n = Math.floor((k - 1) / PLACES.length);
  return n ? `${base} ${place} ${n + 1}` : `${base} ${place}`;
}

/** Street names and the spellings of their kind that make one address look like two. */
export const STREETS = ['Main', 'Oak', 'Pine', 'Elm', 'Church', 'Market', 'Station', 'Lake', 'Park', 'Commerce', 'Victoria', 'King'];
export const STREET_KINDS: readonly (readonly string[])[] = [
  ['Street', 'St', 'St.', 'Str'],
  ['Avenue', 'Ave', 'Ave.', 'Av'],
  ['Road', 'Rd', 'Rd.'],
  ['Boulevard', 'Blvd', 'Blvd.'],
  ['Drive', 'Dr', 'Dr.'],
];
export function street(rng: Rng): { number: number; name: string; kind: number } {
  return { number: rng.int(1, 9999), name: rng.pick(STREETS), kind: rng.int(0, STREET_KINDS.length - 1) };
}
export function streetText(s: { number: number; name: string; kind: number }, spelling = 0): string {
  const kinds = STREET_KINDS[s.kind]!;
  return `${s.number} ${s.name} ${kinds[spelling % kinds.length]}`;
}

export const CITIES: Record<Region, readonly (readonly [string, string, string])[]> = {
  za: [['Johannesburg', 'Gauteng', '2001'], ['Cape Town', 'Western Cape', '8001'], ['Durban', 'KwaZulu-Natal', '4001'], ['Pretoria', 'Gauteng', '0002'], ['Gqeberha', 'Eastern Cape', '6001']],
  us: [['Denver', 'CO', '80201'], ['Austin', 'TX', '78701'], ['Columbus', 'OH', '43004'], ['Miami', 'FL', '33101'], ['New York', 'NY', '10001'], ['Newark', 'NJ', '07101']],
  ca: [['Montréal', 'QC', 'H2X 1Y4'], ['Québec', 'Québec', 'G1R 2B5'], ['Toronto', 'ON', 'M5V 2T6'], ['Ottawa', 'Ontario', 'K1P 5J2'], ['Vancouver', 'BC', 'V6B 1A1'], ['Gatineau', 'qc', 'J8X 3X2']],
};

export const DOMAINS: Record<Region, readonly string[]> = {
  za: ['example.co.za', 'mail.example.com', 'webmail.example.net'],
  us: ['example.com', 'mail.example.net', 'example.org'],
  ca: ['example.ca', 'videotron.example.ca', 'example.com'],
};

/** Free text with the characters that need quoting in some delimiter or other. */
export const NOTES = [
  'Client asked for a quote on the full package.',
  'Spoke to the PA; decision maker back next week.',
  'Prefers WhatsApp over email. Budget approved in principle.',
  'Sent brochure, follow up after the board meeting.',
  'Called re: invoice #4411 — no answer.',
  'Discussed pricing: 3 options, see attached.',
];

/**
 * Names of custom columns a stranger's export may carry: some collide once normalised (case,
 * spaces and punctuation dropped), some need quoting, some start with a digit or a symbol.
 */
export const CUSTOM_HEADERS = ['Region', 'Account Manager Notes', 'Loyalty Tier', 'Referral Code', 'Date of Birth', 'Customer Since', 'Lead Score', 'Preferred Language', 'Contract Value', 'Last Survey', 'VAT Number', 'Opt Out', 'Segment', 'Website', 'Anniversary'];
export const COLLIDING_HEADERS: readonly (readonly [string, string])[] = [
  ['Budget (ZAR)', 'Budget ZAR'],
  ['Ref. No.', 'Ref No'],
  ['Score %', 'Score'],
  ['Opt-In', 'opt in'],
  ['Cost ($)', 'Cost'],
  ['Region', 'REGION '],
];
export const SYMBOL_HEADERS = ['"VIP" Flag', 'Notes; internal', 'Partner, Referral', '# of Staff', '2nd Phone', 'Größe/Size', 'Commission %', 'E-mail (alt)', '***', 'Tax\tID'];
