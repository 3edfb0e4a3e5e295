/**
 * The proposed custom-field mapping: each custom column of a raw table to a destination field
 * and type, by the seed's rule (text -> Single Line, long text -> Multi Line, number -> Numeric,
 * date -> Date, checkbox -> Checkbox, picklist -> Picklist), with the reason for each row.
 */
import { mappingHeaderKey, type CustomFieldMapping } from '../custom-fields.ts';
import type { PipelineDefinition } from '../pipeline.ts';
import type { ColumnProfile } from './profile.ts';

/** Zoho field API names: letters, digits and underscores, words joined by `_`. */
export function zohoApiName(header: string): string {
  const name = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('_');
  if (!name) return '';
  return (/^[A-Za-z]/.test(name) ? name : `F_${name}`).slice(0, 50);
}

/** Nutshell has custom fields on these entity types only (docs/destinations.md, Nutshell). */
const NUTSHELL_CUSTOM_FIELD_MODULES = ['Contacts', 'Accounts', 'Leads'];

/** Zoho data types by inferred type (Zoho's field types: text = Single Line, textarea = Multi Line...). */
function zohoType(p: ColumnProfile): { type: string; why: string } {
  switch (p.inferred_type) {
    case 'long_text':
      return { type: 'textarea', why: 'Multi Line' };
    case 'number':
      return p.integers ? { type: 'integer', why: 'Number (whole numbers only)' } : { type: 'double', why: 'Decimal' };
    case 'date':
      return { type: 'date', why: 'Date' };
    case 'checkbox':
      return { type: 'boolean', why: 'Checkbox' };
    case 'picklist':
      return { type: 'picklist', why: `Picklist of ${p.distinct_count} values` };
    case 'email':
      return { type: 'email', why: 'Email' };
    case 'phone':
      return { type: 'phone', why: 'Phone' };
    default:
      return { type: 'text', why: 'Single Line' };
  }
}

/**
 * Nutshell custom field types (Text, LongText, Currency, Date, Decision; Email/Phone on leads
 * only). It has no number or checkbox type: numbers go to Currency when they carry a currency,
 * else Text; checkboxes become a Decision of Yes/No.
 */
function nutshellType(p: ColumnProfile, module: string): { type: string; why: string } {
  const leads = /^leads?$/i.test(module);
  switch (p.inferred_type) {
    case 'long_text':
      return { type: 'LongText', why: 'LongText' };
    case 'number':
      return p.money ? { type: 'Currency', why: 'Currency (values carry a currency)' } : { type: 'Text', why: 'Text (Nutshell has no number type)' };
    case 'date':
      return { type: 'Date', why: 'Date' };
    case 'checkbox':
      return { type: 'Decision', why: 'Decision Yes/No (Nutshell has no checkbox type)' };
    case 'picklist':
      return { type: 'Decision', why: `Decision of ${p.distinct_count} choices` };
    case 'email':
      return leads ? { type: 'Email', why: 'Email' } : { type: 'Text', why: 'Text (Email fields exist on leads only)' };
    case 'phone':
      return leads ? { type: 'Phone', why: 'Phone' } : { type: 'Text', why: 'Text (Phone fields exist on leads only)' };
    default:
      return { type: 'Text', why: 'Text' };
  }
}

/** The destination module of a raw object: the pipeline's customFieldTargets, else a load object of that name. */
export function targetModule(pipeline: PipelineDefinition, object: string): string {
  return pipeline.customFieldTargets?.[object] ?? pipeline.objects.find((o) => o.name === object)?.module ?? '';
}

export function proposeMapping(pipeline: PipelineDefinition, profiles: ColumnProfile[]): CustomFieldMapping[] {
  const nutshell = pipeline.destination.name === 'nutshell';
  return profiles
    .filter((p) => p.is_custom)
    .map((p) => {
      const target = targetModule(pipeline, p.object);
      // a module the destination cannot give custom fields: proposed unmapped, with why
      const unsupported = nutshell && target && !NUTSHELL_CUSTOM_FIELD_MODULES.includes(target);
      const module = unsupported ? '' : target;
      const t = nutshell ? nutshellType(p, module) : zohoType(p);
      // a header with no letter or digit (a lone quote, "#") is named after its column
      const field = nutshell ? p.header.trim() || p.column_name : zohoApiName(p.header) || zohoApiName(p.column_name) || 'Custom_Field';
      const where = unsupported
        ? `; Nutshell has custom fields on ${NUTSHELL_CUSTOM_FIELD_MODULES.join(', ')} only, not ${target}: not migrated unless you map it to one of those`
        : module
          ? ``
          : `; no destination module for raw object "${p.object}": fill in module, or set customFieldTargets in the pipeline`;
      return {
        object: p.object,
        source_column: p.column_name,
        source_header: p.header,
        inferred_type: p.inferred_type,
        module,
        field,
        field_type: t.type,
        confirmed: false,
        reason: `${p.inferred_type}: ${p.evidence} -> ${t.why}${where}`,
      };
    });
}

/**
 * Merge a new proposal with the file a person may have edited: confirmed rows are kept as
 * they are; unconfirmed rows are replaced by the new proposal; a confirmed row whose column is
 * gone from the export is kept (and reported), an unconfirmed one is dropped.
 *
 * Rows are matched by the header as written (mappingHeaderKey), never by the derived column
 * name: when a new column takes the name a confirmed one had (`Budget ZAR` lands as `budget_zar`
 * and the confirmed `Budget (ZAR)` moves to `budget_zar_2`), the confirmed row stays with its
 * header (its source_column updated to where that header now lands) and the new column gets a
 * proposal of its own, to confirm. Every confirmed row of a header is kept (one column may feed
 * several modules).
 */
export function mergeMappings(existing: CustomFieldMapping[], proposed: CustomFieldMapping[]): { rows: CustomFieldMapping[]; gone: CustomFieldMapping[] } {
  const key = (r: CustomFieldMapping) => `${r.object}\u0000${mappingHeaderKey(r.source_header, r.source_column)}`;
  // Every confirmed row of a header is kept (one column may feed several modules).
  const confirmed = new Map<string, CustomFieldMapping[]>();
  for (const r of existing) if (r.confirmed) confirmed.set(key(r), [...(confirmed.get(key(r)) ?? []), r]);
  const rows = proposed.flatMap((p) => confirmed.get(key(p))?.map((o) => ({ ...o, source_column: p.source_column })) ?? [p]);
  const seen = new Set(proposed.map(key));
  const gone = existing.filter((r) => r.confirmed && !seen.has(key(r)));
  return { rows: [...rows, ...gone], gone };
}
