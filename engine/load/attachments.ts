/**
 * One attachment row: a file under <export>/files/, uploaded to the record its parent lookup
 * names. Paths that leave the export folder (.., absolute, symlinks out) are refused; files
 * above the destination's limit are queued (kind 'attachment_oversize') for manual hand-off;
 * nothing is dropped silently. Before an upload is repeated after an ambiguous failure, the
 * parent's attachments are listed to find out whether the first one landed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LookupRef, Payload } from '../destination.ts';
import type { ObjectLoader } from './load-object.ts';
import { resolveInside } from '../safe-path.ts';

export type AttachmentRow = Record<string, unknown>;

const DEFAULT_MAX = 20 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.txt': 'text/plain', '.csv': 'text/csv', '.doc': 'application/msword', '.xls': 'application/vnd.ms-excel',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '.zip': 'application/zip',
};

/**
 * Resolve a path from the export inside <input>/files, or explain why it is refused. Links are
 * followed: the file must resolve inside the real files/ folder, and files/ inside the real
 * export folder (a files/ that is itself a link to /etc would otherwise make /etc/passwd "inside").
 */
export function safeAttachmentPath(input: string, rel: string): { ok: true; file: string } | { ok: false; reason: string; message: string } {
  const base = path.resolve(input, 'files');
  if (!rel) return { ok: false, reason: 'ATTACHMENT_PATH_MISSING', message: 'no file path' };
  if (path.isAbsolute(rel) || /^[a-zA-Z]:[\\/]/.test(rel) || rel.split(/[\\/]/).includes('..'))
    return { ok: false, reason: 'ATTACHMENT_PATH_UNSAFE', message: `path "${rel}" leaves the export's files/ folder` };
  const file = path.resolve(base, rel.replace(/\\/g, '/'));
  if (!existsSync(file)) return { ok: false, reason: 'ATTACHMENT_MISSING', message: `file ${path.join('files', rel)} is not in the export folder` };
  const folder = resolveInside(input, base);
  if (!folder.ok) return { ok: false, reason: 'ATTACHMENT_PATH_UNSAFE', message: `the export's files/ folder is a link that leaves the export folder; path "${rel}" was not read` };
  const real = resolveInside(folder.real, file);
  if (!real.ok) return { ok: false, reason: 'ATTACHMENT_PATH_UNSAFE', message: `path "${rel}" is a link that leaves the export's files/ folder` };
  if (!statSync(real.real).isFile()) return { ok: false, reason: 'ATTACHMENT_PATH_UNSAFE', message: `path "${rel}" is not a regular file` };
  return { ok: true, file: real.real };
}

export async function loadAttachmentRow(
  loader: ObjectLoader,
  a: { sourceKey: string; row: AttachmentRow; lookups: Record<string, LookupRef>; prev?: { dest_id: string; payload_hash: string }; input?: string },
): Promise<{ id: string; hash: string; payload: Payload; reason?: string } | null> {
  const ctx = (loader as unknown as { ctx: { destination: import('../destination.ts').Destination } }).ctx;
  const obj = (loader as unknown as { obj: import('../pipeline.ts').LoadObject }).obj;
  const spec = obj.attachment!;
  const dest = ctx.destination;
  const parent = a.lookups[spec.parent];
  if (!parent) {
    await loader.reject(a.sourceKey, 'ATTACHMENT_NO_PARENT', `${obj.name} ${a.sourceKey}: no parent record (${spec.parent} is empty)`, spec.parent);
    return null;
  }
  const rel = String(a.row[spec.pathColumn] ?? '').trim();
  const where = safeAttachmentPath(a.input ?? '.', rel);
  if (!where.ok) {
    await loader.reject(a.sourceKey, where.reason, `${obj.name} ${a.sourceKey}: ${where.message}`, spec.pathColumn);
    return null;
  }
  const size = statSync(where.file).size;
  const max = dest.maxAttachmentBytes ?? DEFAULT_MAX;
  const name = String(a.row[spec.fileNameColumn] ?? '').trim() || path.basename(where.file);
  if (size > max) {
    await loader.queue(a.sourceKey, 'attachment_oversize', a.sourceKey, `${name} (${size} bytes, files/${rel}) is larger than the destination's ${max}-byte limit: attach it by hand to ${parent.module} ${parent.id}`);
    return null;
  }
  if (!dest.uploadAttachment) {
    await loader.queue(a.sourceKey, 'attachment_manual', a.sourceKey, `${dest.name} takes no attachments through its API: attach files/${rel} by hand to ${parent.module} ${parent.id}`);
    return null;
  }
  const data = readFileSync(where.file);
  const hash = createHash('sha256').update(parent.id).update('\0').update(name).update('\0').update(data).digest('hex');
  if (a.prev && a.prev.payload_hash === hash) {
    loader.counts.already_loaded++;
    return null;
  }
  const contentType = (spec.contentTypeColumn && String(a.row[spec.contentTypeColumn] ?? '').trim()) || CONTENT_TYPES[path.extname(name).toLowerCase()] || 'application/octet-stream';
  const payload: Payload = { parent_module: parent.module, parent_id: parent.id, file_name: name, size, path: rel };
  const found = async () => (dest.listAttachments ? (await dest.listAttachments(parent.module, parent.id)).find((x) => x.name === name && (x.size === undefined || x.size === size)) : undefined);
  // A previous run may have uploaded it and died before recording: look first when we can.
  const earlier = await found();
  if (earlier) return { id: earlier.id, hash, payload, reason: 'FOUND_ON_PARENT' };
  for (let attempt = 0; ; attempt++) {
    try {
      const o = await dest.uploadAttachment(parent.module, parent.id, { name, contentType, data });
      if (o.ok && o.id) return { id: o.id, hash, payload };
      await loader.reject(a.sourceKey, o.code ?? 'NO_RESULT', `${obj.name} ${a.sourceKey}: ${o.code}: ${o.message ?? 'upload refused'}`);
      return null;
    } catch (err) {
      if ((err as { code?: string }).code !== 'AMBIGUOUS_WRITE' || attempt >= 3) throw err;
      const landed = await found();
      if (landed) return { id: landed.id, hash, payload, reason: 'FOUND_ON_PARENT' };
    }
  }
}
