/** Encoding of values for PostgreSQL's COPY text format. */
import { createHash } from 'node:crypto';

const NULL = '\\N';
const SPECIAL = /[\0\\\t\n\r]/;

export function copyValue(v: string | null | undefined): string {
  if (v === null || v === undefined || v === '') return NULL;
  if (!SPECIAL.test(v)) return v;
  // NUL bytes cannot be stored in a text column; they are dropped (and counted by the caller).
  return v.replace(/\0/g, '').replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Row hash: md5 of the fields in file order joined by U+001F, NULL/empty as ''.
 * Equal to SQL md5(array_to_string(array[fields...], chr(31), '')); the fast path (fast-path.ts)
 * computes it as md5 of a quote-free row's bytes with each delimiter read as U+001F.
 */
export function rowHash(values: (string | null | undefined)[]): string {
  return createHash('md5').update(values.map((v) => (v ?? '').replace(/\0/g, '')).join('\x1f')).digest('hex');
}
