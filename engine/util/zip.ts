/**
 * ZIP files for a bulk import API (one CSV zipped in, and its result zipped),
 * read and written with fflate. One module for the client and the sandbox.
 */
import { unzipSync, zipSync } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export function writeZip(entries: ZipEntry[]): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(entries.map((e) => [e.name, new Uint8Array(e.data)]))));
}

/** Entries of a zip; throws on anything that is not a readable zip. */
export function readZip(buf: Buffer): ZipEntry[] {
  return Object.entries(unzipSync(new Uint8Array(buf))).map(([name, data]) => ({ name, data: Buffer.from(data) }));
}
