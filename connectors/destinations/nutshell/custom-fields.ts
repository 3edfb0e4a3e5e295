/**
 * How Nutshell names and types a custom field (docs/destinations.md, Nutshell 3.11): fields
 * exist on Leads, Accounts and Contacts only, are known by their name, and are written in the
 * entity's `customFields` object; views and mappings name them `cf:<name>` (shape.ts). Types
 * are Text, LongText, Currency, Date, Decision (and Email, Phone, URL on leads); the mapping
 * file names them in its own vocabulary and createFields turns that into Nutshell's (REST_TYPE).
 */
import type { CustomFieldColumn, CustomFieldConventions } from '../../../engine/destination.ts';

export const NUTSHELL_CUSTOM_FIELD_MODULES = ['Contacts', 'Accounts', 'Leads'];

const squish = (s: string) => s.replace(/\s+/g, ' ').trim();

function nutshellType(p: CustomFieldColumn, module: string): { type: string; why: string } {
  const leads = module === 'Leads';
  switch (p.inferred_type) {
    case 'long_text':
      return { type: 'textarea', why: 'LongText' };
    case 'number':
      return p.money ? { type: 'currency', why: 'Currency (values carry a currency)' } : { type: 'text', why: 'Text (Nutshell has no number type)' };
    case 'date':
      return { type: 'date', why: 'Date' };
    case 'checkbox':
      return { type: 'boolean', why: 'Decision Yes/No (Nutshell has no checkbox type)' };
    case 'picklist':
      return { type: 'picklist', why: `Decision of ${p.distinct_count} choices` };
    case 'email':
      return leads ? { type: 'email', why: 'Email' } : { type: 'text', why: 'Text (Email fields exist on leads only)' };
    case 'phone':
      return leads ? { type: 'phone', why: 'Phone' } : { type: 'text', why: 'Text (Phone fields exist on leads only)' };
    default:
      return { type: 'text', why: 'Text' };
  }
}

export const nutshellCustomFields: CustomFieldConventions = {
  modules: NUTSHELL_CUSTOM_FIELD_MODULES,
  type: nutshellType,
  // a header with no letter or digit is named after its column
  name: (header, column) => `cf:${/[\p{L}\p{N}]/u.test(header) ? squish(header) : column}`,
  label: (header, name) => squish(header) || name.replace(/^cf:/, ''),
  key: (s) => squish(s.replace(/^cf:/, '')).toLowerCase(),
  numbered: (name, n) => `${name} ${n}`,
};
