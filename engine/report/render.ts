/**
 * The report as files: one self-contained HTML page (inline CSS and SVG, no scripts, no
 * external assets, opens without a network) and one CSV per finding category.
 */
import type { Finding, ReportData } from './collect.ts';
import { csvText } from '../util/csv-write.ts';

export const HTML_ROWS_PER_CATEGORY = 200;

const esc = (v: unknown) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fmt = (n: number) => n.toLocaleString('en-US');

/** File name of a category's CSV: findings_<category>.csv, safe on every file system. */
export const csvName = (category: string) => `findings_${category.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'uncategorised'}.csv`;

/** A category's findings as CSV (the project's one writer: engine/util/csv-write.ts). */
export function findingsCsv(rows: Finding[]): string {
  const cols = ['category', 'severity', 'object', 'source_key', 'field', 'value', 'message', 'dq_view', 'file', 'line'] as const;
  return csvText(cols, rows.map((r) => cols.map((c) => r[c])));
}

const SEV_COLOR: Record<string, string> = { error: '#c0392b', warning: '#e08e0b', info: '#2e86c1', other: '#7f8c8d' };
const SEVERITIES = ['error', 'warning', 'info', 'other'] as const;

/** Horizontal bar chart; each bar may be split into coloured segments. */
function barChart(title: string, bars: { label: string; parts: { value: number; color: string; name: string }[] }[], compact = false): string {
  if (!bars.length) return `<figure class="chart"><figcaption>${esc(title)}</figcaption><p class="muted">nothing to show</p></figure>`;
  // half-width charts get a narrower drawing so their text stays the size of the page's
  const labelW = compact ? 150 : 220;
  const barW = compact ? 230 : 460;
  const rowH = 24;
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((n, p) => n + p.value, 0)));
  const h = bars.length * rowH + 8;
  const rows = bars
    .map((b, i) => {
      const y = i * rowH + 4;
      let x = labelW;
      const total = b.parts.reduce((n, p) => n + p.value, 0);
      const segs = b.parts
        .filter((p) => p.value > 0)
        .map((p) => {
          const w = Math.max(1, (p.value / max) * barW);
          const r = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${p.color}"><title>${esc(b.label)} — ${esc(p.name)}: ${fmt(p.value)}</title></rect>`;
          x += w;
          return r;
        })
        .join('');
      return `<text x="${labelW - 8}" y="${y + rowH / 2}" text-anchor="end" class="lbl">${esc(b.label.length > (compact ? 22 : 34) ? b.label.slice(0, compact ? 21 : 33) + '…' : b.label)}</text>${segs}<text x="${(x + 6).toFixed(1)}" y="${y + rowH / 2}" class="num">${fmt(total)}</text>`;
    })
    .join('');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="100%" viewBox="0 0 ${labelW + barW + 80} ${h}" preserveAspectRatio="xMinYMin meet">${rows}</svg></figure>`;
}

function countTable(title: string, rows: [string, ...(string | number | null)[]][], head: string[]): string {
  if (!rows.length) return '';
  return `<table class="counts"><caption>${esc(title)}</caption><thead><tr>${head.map((h, i) => `<th${i ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i ? `<td class="n">${c === null ? '<span class="muted">missing</span>' : typeof c === 'number' ? fmt(c) : esc(c)}</td>` : `<td>${esc(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const STATE_COLOR: Record<string, string> = { loaded: '#27ae60', queued: '#e08e0b', rejected: '#c0392b', skipped: '#95a5a6', not_attempted: '#aeb6bf' };
const STATE_LABEL: Record<string, string> = { loaded: 'loaded', queued: 'waiting', rejected: 'rejected', skipped: 'skipped', not_attempted: 'not yet attempted' };
const STATE_KEYS = ['loaded', 'queued', 'rejected', 'skipped', 'not_attempted'] as const;

/**
 * Why records wait or were rejected: one row per reason (and what it waits on), the objects it
 * touches and how many of each, with an example message.
 */
function reasonTable(title: string, rows: ReportData['state']['waiting'], onLabel: string): string {
  if (!rows.length) return '';
  const by = new Map<string, { reason: string; on: string | null; records: number; objects: Map<string, number>; example: string | null }>();
  for (const r of rows) {
    const k = `${r.reason}\0${r.on ?? ''}`;
    const g = by.get(k) ?? { reason: r.reason, on: r.on, records: 0, objects: new Map<string, number>(), example: r.example };
    g.records += r.records;
    g.objects.set(r.object, (g.objects.get(r.object) ?? 0) + r.records);
    by.set(k, g);
  }
  const groups = [...by.values()].sort((a, b) => b.records - a.records || a.reason.localeCompare(b.reason));
  const withOn = groups.some((g) => g.on);
  return `<div class="wide"><table class="reasons"><caption>${esc(title)}</caption><thead><tr><th>reason</th>${withOn ? `<th>${esc(onLabel)}</th>` : ''}<th class="n">records</th><th>objects</th><th>example</th></tr></thead><tbody>${groups
    .map(
      (g) =>
        `<tr><td class="code">${esc(g.reason)}</td>${withOn ? `<td>${esc(g.on ?? '')}</td>` : ''}<td class="n">${fmt(g.records)}</td><td>${[...g.objects].map(([o, n]) => `${esc(o)}&nbsp;${fmt(n)}`).join(', ')}</td><td class="msg">${esc(g.example ?? '')}</td></tr>`,
    )
    .join('')}</tbody></table></div>`;
}

export function renderHtml(d: ReportData, csvFiles: Map<string, string>): string {
  const c = d.counts;
  const st = d.state;
  const stage = (label: string, m: Record<string, number | null>) => Object.entries(m).map(([k, v]) => ({ label: `${label}${k}`, parts: [{ value: v ?? 0, color: '#5d6d7e', name: 'rows' }] }));
  const actions = ['insert', 'update', 'skip', 'reject', 'queue', 'delete', 'restore'];
  const rawTotal = Object.values(c.raw).reduce((n, v) => n + v, 0);
  const destTotal = Object.values(c.destination).reduce<number>((n, v) => n + (v ?? 0), 0);
  const t = st.totals;
  const history = Object.entries(c.load_log);
  const f = d.findings;
  const sections = f.categories
    .map((cat) => {
      const list = d.rows.get(cat.category) ?? [];
      const shown = list.slice(0, HTML_ROWS_PER_CATEGORY);
      const file = csvFiles.get(cat.category);
      return `<details${cat.error ? ' open' : ''}><summary><span class="cat">${esc(cat.category)}</span> ${SEVERITIES
        .filter((s) => cat[s])
        .map((s) => `<span class="pill ${s}">${fmt(cat[s])} ${s}</span>`)
        .join(' ')}</summary>
<p class="muted">${list.length > shown.length ? `First ${fmt(shown.length)} of ${fmt(list.length)} shown. ` : ''}${file ? `All rows: <a href="${esc(file)}">${esc(file)}</a>` : ''}</p>
<table class="findings"><thead><tr><th>severity</th><th>object</th><th>record</th><th>field</th><th>value</th><th>message</th></tr></thead><tbody>
${shown.map((r) => `<tr><td><span class="dot ${esc(r.severity)}"></span>${esc(r.severity)}</td><td>${esc(r.object)}</td><td class="key">${esc(r.source_key)}</td><td>${esc(r.field)}</td><td class="val">${esc(r.value)}</td><td>${esc(r.message)}</td></tr>`).join('\n')}
</tbody></table></details>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(d.pipeline)} — migration report</title>
<style>
:root{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1c2833;background:#f4f6f7}
body{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:24px}h2{margin:32px 0 12px;font-size:18px;border-bottom:1px solid #d5d8dc;padding-bottom:4px}
.muted{color:#7f8c8d;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:120px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:26px}.card span{font-size:12px;color:#566573;text-transform:uppercase;letter-spacing:.04em}
.card.error b{color:${SEV_COLOR.error}}.card.warning b{color:${SEV_COLOR.warning}}.card.info b{color:${SEV_COLOR.info}}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:800px){.grid{grid-template-columns:1fr}}
figure.chart{background:#fff;border-radius:8px;padding:12px;margin:0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
figcaption{font-weight:600;margin-bottom:6px}
svg .lbl{font-size:12px;fill:#34495e;dominant-baseline:middle}svg .num{font-size:12px;fill:#1c2833;dominant-baseline:middle}
.legend{font-size:12px;margin:6px 0}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:middle}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px;margin:8px 0}
caption{text-align:left;font-weight:600;padding:6px 0}
th,td{padding:5px 8px;border-bottom:1px solid #eaeded;text-align:left;vertical-align:top}
th{background:#eaf2f8;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.key,td.val{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
details{background:#fff;border-radius:8px;margin:10px 0;padding:8px 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
summary{cursor:pointer;font-weight:600}.cat{margin-right:8px}
.pill{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;font-weight:500}
.pill,.dot{background:${SEV_COLOR.other}}.pill.error,.dot.error{background:${SEV_COLOR.error}}.pill.warning,.dot.warning{background:${SEV_COLOR.warning}}.pill.info,.dot.info{background:${SEV_COLOR.info}}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px}
.counts-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
.wide{overflow-x:auto;max-width:100%}.card.ok b{color:#27ae60}
table.reasons td.code{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}table.reasons td.msg{color:#566573;overflow-wrap:anywhere}
details.history summary{font-weight:600}
</style></head><body>
<h1>${esc(d.source)} → ${esc(d.destination)}</h1>
<div class="muted">Pipeline <b>${esc(d.pipeline)}</b> · report generated ${esc(d.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</div>
<div class="cards">
<div class="card"><span>exported rows</span><b>${fmt(rawTotal)}</b></div>
<div class="card"><span>records to load</span><b>${fmt(destTotal)}</b></div>
<div class="card ok"><span>loaded</span><b>${fmt(t.loaded)}</b></div>
<div class="card warning"><span>waiting</span><b>${fmt(t.queued)}</b></div>
<div class="card error"><span>rejected</span><b>${fmt(t.rejected)}</b></div>
<div class="card"><span>not yet attempted</span><b>${fmt(t.not_attempted)}</b></div>
</div>
<div class="cards">
<div class="card error"><span>errors</span><b>${fmt(f.error)}</b></div>
<div class="card warning"><span>warnings</span><b>${fmt(f.warning)}</b></div>
<div class="card info"><span>info</span><b>${fmt(f.info)}</b></div>
</div>
<p class="muted">Record states are the current state of each source record (etl.record_status${st.last_change ? `, last changed ${esc(st.last_change.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}${st.last_change.run_id ? ` by run ${st.last_change.run_id}` : ''}` : ', no load yet'}); a record retried by several runs counts once.</p>
<h2>Record counts</h2>
<div class="grid">
${barChart('Exported (raw tables)', stage('', c.raw), true)}
${barChart('Destination-shaped records', stage('', c.destination), true)}
${barChart('Staging models', stage('', c.staging), true)}
${barChart(
  'Current state per object (etl.record_status)',
  st.objects.map((o) => ({ label: o.object, parts: STATE_KEYS.map((k) => ({ value: o[k], color: STATE_COLOR[k]!, name: STATE_LABEL[k]! })) })),
  true,
)}
</div>
<div class="legend">State:${STATE_KEYS.map((k) => `<i style="background:${STATE_COLOR[k]}"></i>${STATE_LABEL[k]}`).join('')}</div>
<div class="wide">${countTable(
  'Per destination object (current state)',
  st.objects.map((o) => [o.object, o.to_load, o.loaded, o.queued, o.rejected, o.skipped, o.not_attempted] as [string, ...(number | null)[]]),
  ['object', 'to load', 'loaded', 'waiting', 'rejected', 'skipped', 'not yet attempted'],
)}</div>
${reasonTable('Why records wait', st.waiting, 'waiting on')}
${reasonTable('Why records were rejected', st.rejected, 'refers to')}
${reasonTable('Why records were skipped', st.skipped, 'refers to')}
<div class="counts-grid">
${countTable('Rows rejected before the load (etl.rejects, by stage)', Object.entries(c.rejects).filter(([k]) => !k.startsWith('load:')), ['stage: reason', 'rows'])}
${countTable('Open reconciliation items', Object.entries(c.queue), ['kind', 'items'])}
</div>
${history.length ? `<details class="history"><summary>Event history (etl.load_log): what each run did, across every run</summary>
<p class="muted">Events, not records: a record queued by one run and written by the next appears under both actions. The current state is above.</p>
<div class="wide">${countTable('Load events per object', history.map(([o, a]) => [o, ...actions.map((x) => a[x] ?? 0)] as [string, ...number[]]), ['object', ...actions])}</div></details>` : ''}
<h2>Findings</h2>
${barChart(
  'Findings per category',
  f.categories.map((x) => ({ label: x.category, parts: SEVERITIES.map((s) => ({ value: x[s], color: SEV_COLOR[s]!, name: s })) })),
)}
<div class="legend">Severity:${SEVERITIES.filter((s) => s !== 'other' || f.other).map((s) => `<i style="background:${SEV_COLOR[s]}"></i>${s}`).join('')}</div>
${sections || '<p>No findings.</p>'}
</body></html>
`;
}
