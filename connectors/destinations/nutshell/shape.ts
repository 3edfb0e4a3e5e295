/**
 * The view-column convention (README.md, "Writing a destination-shaped view"): how one flat row
 * of a pipeline's Nutshell view, with lookups and owner resolved, becomes a JSON-RPC entity.
 * Names that need a lookup call (sources, tags, activity type, milestone, outcome) stay names
 * here; the adapter resolves them just before sending.
 */
import type { LookupRef, Payload } from '../../../engine/destination.ts';

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
    else if (col.startsWith('cf:')) custom[col.slice(3)] = v;
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
