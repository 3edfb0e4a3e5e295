/**
 * The migration lifecycle (issue 7) on leadtrekker-to-nutshell against the Nutshell sandbox, on a
 * small generated Leadtrekker export: sample -> approve -> load -> a broken mapping -> delta
 * (2 people changed, 1 added, 1 removed) -> rollback. Steps and assertions: helpers.ts.
 *
 * A Leadtrekker lead becomes a Nutshell person keyed by its email (leads sharing an email are
 * merged), so the delta edits leads whose email is theirs alone; the account is named and
 * described from the spellings of its people's company, so the removed and the copied lead are
 * ones whose spelling clearly leads (the account stays as it was).
 */
import { lifecycleSuite } from './helpers.ts';
import { leadtrekkerToNutshell } from '../../pipelines/leadtrekker-to-nutshell/pipeline.ts';
import { generateLeadtrekker } from '../../tools/generate/leadtrekker.ts';

const email = (r: Record<string, string>) => (r.Email ?? '').trim().toLowerCase();
/** Roughly lib.company_key: spellings of one company fall together. */
const company = (r: Record<string, string>) => (r.Company ?? '').toLowerCase().replace(/\(pty\)|\bpty\b|\bltd\b|[^a-z]/g, '');
/**
 * How far this row's spelling of its company leads the company's other spellings: the account
 * takes its name from the most written spelling and lists the others, so a row may be removed
 * (or copied) without changing its account only where its spelling leads by more than one.
 */
const lead = (r: Record<string, string>, rows: Record<string, string>[]) => {
  const same = rows.filter((x) => company(x) === company(r) && company(r) !== '');
  const mine = same.filter((x) => x.Company === r.Company).length;
  const others = new Map<string, number>();
  for (const x of same) if (x.Company !== r.Company) others.set(x.Company!, (others.get(x.Company!) ?? 0) + 1);
  return { mine, margin: mine - Math.max(0, ...others.values()) };
};

lifecycleSuite({
  pipeline: leadtrekkerToNutshell,
  makeExport: async (dir) => {
    await generateLeadtrekker({ outDir: dir, leads: 30, seed: 'lifecycle' });
  },
  sampleSize: 3,
  main: {
    object: 'contacts',
    file: 'leads.csv',
    keyColumn: 'Lead ID',
    keyOf: (r) => `contacts:email:${email(r)}`,
    eligible: (r, rows) => /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(email(r)) && rows.filter((x) => email(x) === email(r)).length === 1,
    removable: (r, rows) => lead(r, rows).mine >= 2 && lead(r, rows).margin >= 2,
    copyable: (r, rows) => lead(r, rows).margin >= 1,
    change: (i) => ({ Phone: `+27 82 555 010${i}` }),
    addId: 'LT-990001',
    add: { Name: 'Delta Added-Person', Email: 'delta.added@example.co.za' },
  },
  breakColumn: 'email',
  fallbackOwner: async () => 'thandi@ltk-demo.co.za',
});
