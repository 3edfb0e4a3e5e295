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
 * Row hash: md5 of the fields in file order joined by the file's delimiter, NULL/empty as ''.
 * Equal to SQL md5(array_to_string(array[fields...], <delimiter>, '')) with the delimiter of the
 * file's batch (etl.extract_batches.delimiter). For a record without quotes that is md5 of the
 * line itself, which is why the fast path (fast-path.ts) can hash a line without splitting it.
 */
export function rowHash(values: (string | null | undefined)[], delimiter: string): string {
  return createHash('md5').update(values.map((v) => (v ?? '').replace(/\0/g, '')).join(delimiter)).digest('hex');
}
