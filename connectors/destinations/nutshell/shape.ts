/**
 * The view-column convention (README.md, "Writing a destination-shaped view"): how one flat row
 * of a pipeline's Nutshell view, with lookups and owner resolved, becomes a JSON-RPC entity.
 * Names that need a lookup call (sources, tags, activity type, milestone, outcome) stay names
 * here; the adapter resolves them just before sending.
 */
import type { LookupRef, Payload } from '../../../engine/destination.ts';
import { isMoney } from '../../../engine/values.ts';

export const NUTSHELL_MODULES = ['Contacts', 'Accounts', 'Leads', 'Activities', 'Notes', 'Tasks'] as const;

/** Lookup columns named `<key>` or `<key>_<anything>` fill the API key <key>. */
const LIST_REFS = ['accounts', 'contacts', 'leads'];
const TYPED_LIST_REFS = ['participants'];
const SINGLE_REFS = ['primaryAccount'];
const TYPED_SINGLE_REFS = ['entity'];

const asList = (v: unknown, split: RegExp): unknown[] => {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== '');
  if (typeof v === 'string') return v.split(split).map((s) => s.trim()).filter(Boolean);
  return [v];
};

function multi(v: unknown): unknown {
  if (typeof v === 'string') return asList(v, /[;\n]/);
  return v; // list, or a label-keyed object: both are what the API takes (reference 3.1)
}

/**
 * A typed custom value as Nutshell takes it: money as {currency, amount} with the amount as text
 * (Nutshell reference, custom fields), a yes/no as the Decision choice "Yes"/"No" (Nutshell has no checkbox),
 * a number as text (Nutshell has no number field: numbers go to Text fields, which read back as text).
 */
function customValue(v: unknown): unknown {
  if (isMoney(v)) return { currency: v.currency, amount: String(v.amount) };
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return String(v);
  return v;
}

export function shapeNutshellRecord(module: string, fields: Payload, lookups: Record<string, LookupRef>, owner?: string): Payload {
  const out: Payload = {};
  const custom: Record<string, unknown> = {};
  let given: unknown;
  let family: unknown;
  let relationship: string | undefined;
  for (const [col, v] of Object.entries(fields)) {
    // Empty means "not sent": a null never clears a value in Nutshell (edits replace only what is sent).
    if (v === null || v === undefined || v === '') continue;
    if (col === 'customFields' && typeof v === 'object') Object.assign(custom, v);
    else if (col.startsWith('cf:')) custom[col.slice(3)] = customValue(v);
    else if (col === 'email' || col === 'phone' || col === 'url') out[col] = multi(v);
    else if (col === 'address') out.address = Array.isArray(v) || !('address_1' in (v as object) || 'city' in (v as object)) ? v : [v];
    else if (col === 'tags' || col === 'sources') out[col] = asList(v, /[,;]/).map(String);
    else if (col === 'first_name') given = v;
    else if (col === 'last_name') family = v;
    else if (col === 'relationship') relationship = String(v);
    else if (col === 'activity_type') out.activityType = String(v);
    else if (col === 'milestone') out.milestone = String(v);
    else if (col === 'outcome') out.outcome = String(v);
    else out[col] = v;
  }
  if (module === 'Contacts' && (given || family) && !out.name)
    out.name = { givenName: String(given ?? ''), familyName: String(family ?? ''), displayName: [given, family].filter(Boolean).join(' ') };
  if (Object.keys(custom).length) out.customFields = custom;

  for (const [col, ref] of Object.entries(lookups)) {
    const key = col.replace(/_.*$/, '');
    const id = Number(ref.id);
    if (LIST_REFS.includes(key)) ((out[key] as unknown[]) ??= []).push(key === 'accounts' && relationship ? { id, relationship } : { id });
    else if (TYPED_LIST_REFS.includes(key)) ((out[key] as unknown[]) ??= []).push({ entityType: ref.module, id });
    else if (SINGLE_REFS.includes(key)) out[key] = { id };
    else if (TYPED_SINGLE_REFS.includes(key)) out[key] = { entityType: ref.module, id };
    else throw new Error(`Nutshell view column ${col}: a lookup column must be named accounts, contacts, leads, participants, primaryAccount or entity (optionally with a _suffix)`);
  }
  if (owner) {
    const user = { entityType: 'Users', id: Number(owner) };
    if (module === 'Contacts' || module === 'Accounts') out.owner = user;
    else if (module === 'Leads' || module === 'Tasks') out.assignee = user;
    else if (module === 'Activities') ((out.participants as unknown[]) ??= []).push(user);
  }
  return out;
}

const sameInstant = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' && /^\d{4}-\d{2}-\d{2}/.test(a) && /^\d{4}-\d{2}-\d{2}/.test(b) &&
  // a date written as yyyy-mm-dd comes back as that day at 00:00 UTC; "+0000" is read as "+00:00"
  Date.parse(a.length === 10 ? `${a}T00:00:00Z` : a) === Date.parse(b.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

/**
 * A record as `get` reads it back, in the shape shapeNutshellRecord writes, for `verify` to
 * compare field by field: multi-value fields come back label-keyed with a `--primary` copy
 * (phones as objects), names and references as full objects with extra keys, activity types
 * and the like as {id, name}, a note's entity as `parent`, dates in another notation. Only
 * the representation changes: a different value stays different.
 */
export function nutshellAsWritten(_module: string, read: Payload, written: Payload): Payload {
  const out: Payload = { ...read };
  const multiValues = (v: unknown, w: unknown, render: (x: unknown, want: unknown) => unknown): unknown => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => k !== '--primary');
    if (Array.isArray(w)) return entries.map(([, x], i) => render(x, w[i]));
    const wo = (w ?? {}) as Record<string, unknown>;
    return Object.fromEntries(entries.map(([k, x]) => [k, render(x, wo[k])]));
  };
  // A phone comes back as {E164, number, numberFormatted, ...}: the form that was written if it
  // is one of them, or if it has the same digits as one of them (a number written as exported,
  // "(576) 555-8635", because it is not a valid E.164 number, comes back reformatted). A number
  // written with an extension ("535-562-9238 ext 645") comes back split: the number's digits
  // followed by the extension's are the digits that were written.
  const digits = (f: string) => f.replace(/\D/g, '');
  const phone = (x: unknown, want: unknown) => {
    if (!x || typeof x !== 'object') return x;
    const forms = Object.values(x as Record<string, unknown>).filter((f): f is string => typeof f === 'string');
    const ext = digits(String((x as { extension?: unknown }).extension ?? ''));
    const same = (f: string) => digits(f) === digits(want as string) || (ext !== '' && digits(f) + ext === digits(want as string));
    if (typeof want === 'string' && (forms.includes(want) || (digits(want) !== '' && forms.some(same)))) return want;
    return (x as { E164?: unknown }).E164 ?? (x as { number?: unknown }).number;
  };
  for (const [k, w] of Object.entries(written)) {
    const v = read[k];
    if (k === 'email' || k === 'url' || k === 'address') out[k] = multiValues(v, w, (x) => x);
    else if ((k === 'sources' || k === 'tags') && Array.isArray(w) && Array.isArray(v)) out[k] = v.map((x) => (x && typeof x === 'object' && 'name' in x ? (x as { name: unknown }).name : x));
    else if (k === 'phone') out[k] = multiValues(v, w, phone);
    else if ((k === 'activityType' || k === 'milestone' || k === 'outcome') && typeof w === 'string' && v && typeof v === 'object') out[k] = (v as { name?: unknown }).name;
    else if (k === 'entity' && v === undefined && read.parent && typeof read.parent === 'object') {
      const p = read.parent as { entityType?: unknown; id?: unknown };
      out[k] = { entityType: p.entityType, id: p.id };
    } else if (k === 'name' && w && typeof w === 'object' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.keys(w).map((n) => [n, (v as Record<string, unknown>)[n]]));
    } else if (k === 'name' && typeof w === 'string' && v && typeof v === 'object') out[k] = (v as { displayName?: unknown }).displayName;
    else if (k === 'customFields' && w && typeof w === 'object' && v && typeof v === 'object') {
      const rv = v as Record<string, unknown>;
      // The view's custom fields: the loader adds typed ones from _custom to the same object and
      // verify checks those against what it wrote; unset ones come back as null.
      const kept = Object.entries(rv).filter(([n]) => n in (w as object));
      out[k] = Object.fromEntries(kept.map(([n, x]) => [n, sameInstant((w as Record<string, unknown>)[n], x) ? (w as Record<string, unknown>)[n] : x]));
    }
  }
  return out;
}
