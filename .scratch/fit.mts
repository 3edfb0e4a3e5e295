import path from 'node:path';
import { readdirSync } from 'node:fs';
import { knownSources } from '/work/wt/extract-source/connectors/sources/index.ts';
import { csvFiles, fit, otherSource } from '/work/wt/extract-source/engine/extract/recognise.ts';
import { sniff } from '/work/wt/extract-source/engine/extract/detect.ts';
import { csvRecords } from '/work/wt/extract-source/engine/extract/csv-records.ts';
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
async function headers(file: string) {
  const sn = sniff(file, {});
  if (sn.empty || sn.binary) return null;
  const s = createReadStream(file).pipe(iconv.decodeStream(sn.encoding === 'utf8' ? 'utf8' : 'win1252', { stripBOM: true })) as any;
  for await (const ev of csvRecords(s, sn.delimiter, { toRecords: 1 })) return (ev as any).fields as string[];
  return null;
}
const dirs = [...knownSources.map((s) => s.sampleDir), ...readdirSync('/tmp/es-hm').map((d) => path.join('/tmp/es-hm', d))];
for (const d of dirs) {
  const folder = [];
  for (const f of csvFiles(d)) { const h = await headers(path.join(d, f)); if (h) folder.push({ file: f, headers: h }); }
  const row = knownSources.map((s) => { const x = fit(s, folder); return `${s.name}=${x.share.toFixed(2)}`; }).join(' ');
  const flags = knownSources.map((s) => { const o = otherSource(s, [...knownSources], folder, false); return o ? `${s.name}->${o.other.source.name}` : ''; }).filter(Boolean).join(',');
  console.log(d.replace(/.*\/(sources\/)?/, '').padEnd(20), row, '| wrong for:', flags);
}
