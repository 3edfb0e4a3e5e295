/** What the four high-mess generators share beyond the writer and the value shapes. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Rng } from '../common.ts';
import type { MessRates } from '../mess/rates.ts';
import type { MessyFile } from '../mess/writer.ts';
import type { User } from '../mess/values.ts';
import { slug } from '../mess/values.ts';
import { FIRST, LAST, LEGAL, type Region } from '../mess/vocab.ts';

export interface HighOptions {
  outDir: string;
  seed: string | number;
  rates?: Partial<MessRates>;
  /** Progress lines on stderr (the CLI turns them on). */
  progress?: boolean;
}

/** Attachments above this are over every destination's limit (Zoho's is 20 MB). */
export const OVER_LIMIT_BYTES = 20 * 1024 * 1024;

/** The users of an export: the given ones first, then made-up ones, about one in five inactive. */
export function makeUsers(rng: Rng, base: readonly User[], extra: number, region: Region, domain: string, idOf: (i: number) => string): User[] {
  const users = [...base];
  for (let i = 0; i < extra; i++) {
    const first = rng.pick(FIRST[region]);
    const last = rng.pick(LAST[region]);
    users.push({ id: idOf(base.length + i), name: `${first} ${last}`, email: `${slug(first)}.${slug(last)}${i}@${domain}`, active: rng.chance(0.8) });
  }
  return users;
}

/** Write `rec`, and now and then the same id again with `change` applied (the later row wins). */
export async function withDuplicate(f: MessyFile, rates: MessRates, rec: Record<string, string>, change: (r: Record<string, string>) => Record<string, string>, opts: { malformed?: boolean } = {}): Promise<void> {
  await f.row(rec, opts);
  if (f.t.hit('duplicate_id', rates.duplicateId)) await f.row(change({ ...rec }));
}

/**
 * A reference: the parent's id, or (at the orphan rate, counted as `orphan:<column>`) an id the
 * export does not have. A parent written malformed is counted as `ref_rejected_parent:<column>`.
 */
export function ref(f: MessyFile, rates: MessRates, column: string, id: string, orphan: () => string, parentMalformed = false): string {
  if (f.t.hit(`orphan:${column}`, rates.orphan)) return orphan();
  if (parentMalformed) f.t.note(`ref_rejected_parent:${column}`);
  return id;
}

/** A near-duplicate of a company name: a typo, capitals with a legal form, or other punctuation. */
export function nearDuplicate(rng: Rng, name: string, region: Region): string {
  switch (rng.int(0, 3)) {
    case 0: {
      // Double one letter (Acme -> Acmee) or drop one.
      const i = rng.int(1, Math.max(1, name.length - 2));
      return rng.chance(0.5) ? name.slice(0, i) + name[i] + name.slice(i) : name.slice(0, i) + name.slice(i + 1);
    }
    case 1:
      return `${name.toUpperCase()} ${rng.pick(LEGAL[region]).toUpperCase()}`;
    case 2:
      return `${name.replace(/ /g, rng.pick(['  ', ' - ', ', ']))} ${rng.pick(LEGAL[region])}`;
    default:
      return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/&/g, 'and') + (rng.chance(0.5) ? '.' : ' ');
  }
}

/** A company name as written on a record: sometimes with a legal form. */
export function withLegal(rng: Rng, name: string, region: Region): string {
  return rng.chance(0.3) ? `${name} ${rng.pick(LEGAL[region])}` : name;
}

export type AttachmentShape = 'body' | 'over_limit' | 'path_escape' | 'missing_file';

/**
 * An attachment's Size and Path, and its body under files/ when it has one: normal (body of the
 * stated size), over the destination limit (listed only: the body is not exported), a path that
 * climbs out of files/, or a path whose file is not in the export.
 */
export function attachment(f: MessyFile, rates: MessRates, outDir: string, dir: string, fileName: string, content: string): { size: string; path: string; shape: AttachmentShape } {
  const r = f.v.rng;
  const each = rates.value / 3;
  const shape = f.t.pick<AttachmentShape>('attachment', [['body', 1 - rates.value], ['over_limit', each], ['path_escape', each], ['missing_file', each]], 'body');
  const rel = `${dir}/${fileName.replace(/[\\/]/g, '_')}`;
  switch (shape) {
    case 'over_limit':
      return { size: String(OVER_LIMIT_BYTES + r.int(1, 180) * 1024 * 1024 + r.int(0, 999_999)), path: rel, shape };
    case 'path_escape':
      return { size: String(r.int(100, 90_000)), path: r.pick(['../x', '../../etc/passwd', `${dir}/../../outside.pdf`, '/etc/hosts', '..\\..\\boot.ini']), shape };
    case 'missing_file':
      return { size: String(r.int(100, 90_000)), path: `${dir}/not-exported-${r.hex(6)}.pdf`, shape };
  }
  const body = Buffer.from(content.repeat(r.int(1, 4)), 'utf8');
  mkdirSync(path.join(outDir, 'files', dir), { recursive: true });
  writeFileSync(path.join(outDir, 'files', rel), body);
  return { size: String(body.length), path: rel, shape };
}
