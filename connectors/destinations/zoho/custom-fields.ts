/**
 * How Zoho names and types a custom field (docs/destinations.md, Zoho 6.4): the API name is
 * derived from the label (special characters dropped, spaces become `_`), a label may hold
 * letters, digits, spaces and `_ - ( ) . / &` only, and a label that equals another field's
 * label without regard to case is refused (DUPLICATE_DATA), standard fields included.
 */
import type { CustomFieldColumn, CustomFieldConventions } from '../../../engine/destination.ts';

/** Longest API name and label discover proposes (Zoho's field labels and API names are short). */
const MAX_NAME = 50;

/** Zoho field API names: letters, digits and underscores, words joined by `_`, starting with a letter. */
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
  return (/^[A-Za-z]/.test(name) ? name : `F_${name}`).slice(0, MAX_NAME).replace(/_+$/, '');
}

/** The characters Zoho takes in a field label. */
const LABEL_REFUSED = /[^A-Za-z0-9 _\-()./&]/g;

/**
 * A label Zoho takes and from which it derives exactly `apiName`: the header itself when it
 * does, else the API name with its underscores as spaces.
 */
export function zohoLabel(header: string, apiName: string): string {
  const clean = header.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(LABEL_REFUSED, ' ').replace(/\s+/g, ' ').trim();
  const derived = clean.replace(/[^A-Za-z0-9 _]/g, '').trim().replace(/\s+/g, '_').replace(/_+/g, '_');
  return derived === apiName && clean.length <= MAX_NAME ? clean : apiName.replace(/_/g, ' ');
}

function zohoType(p: CustomFieldColumn): { type: string; why: string } {
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

export const zohoCustomFields: CustomFieldConventions = {
  type: (c) => zohoType(c),
  // a header with no letter or digit (a lone quote, "#") is named after its column
  name: (header, column) => zohoApiName(header) || zohoApiName(column) || 'Custom_Field',
  label: zohoLabel,
  // Zoho refuses a label equal to another field's without regard to case, and derives the API
  // name from the label: two names that derive the same API name are one field.
  key: (s) => s.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase(),
  numbered: (name, n) => `${name.slice(0, MAX_NAME - String(n).length - 1)}_${n}`,
};
